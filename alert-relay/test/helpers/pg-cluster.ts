import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** PgCluster is a throwaway PostgreSQL server owned by the test run. */
export interface PgCluster {
  url: string;
  dir: string;
  bin: string;
  asPostgres: boolean;
}

/** findPgBin picks PG_BIN, else the newest /usr/lib/postgresql/<v>/bin holding initdb (Debian's layout). */
export function findPgBin(): string {
  if (process.env.PG_BIN) {
    return process.env.PG_BIN;
  }
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root)
    ? fs.readdirSync(root).filter((v) => fs.existsSync(path.join(root, v, 'bin', 'initdb')))
    : [];
  versions.sort((a, b) => Number(b) - Number(a));
  if (versions.length === 0) {
    throw new Error(
      'PostgreSQL server binaries not found: install the Debian package "postgresql" (or set PG_BIN to the directory holding initdb and pg_ctl)'
    );
  }
  return path.join(root, versions[0], 'bin');
}

/** freePort asks the kernel for an unused TCP port. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

function run(c: PgCluster, cmd: string, args: string[]) {
  const file = path.join(c.bin, cmd);
  // PostgreSQL refuses to run as root: drop to the `postgres` OS user that the Debian package creates.
  const r = c.asPostgres
    ? spawnSync('runuser', ['-u', 'postgres', '--', file, ...args], { encoding: 'utf8' })
    : spawnSync(file, args, { encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(`${cmd} failed (${r.status}): ${r.stderr || r.stdout}`);
  }
}

/** startPgCluster runs initdb in a temp dir and starts the server on a free port (fsync stays on). */
export async function startPgCluster(): Promise<PgCluster> {
  const bin = findPgBin();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relay-pg-'));
  const asPostgres = process.getuid?.() === 0;
  if (asPostgres) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    fs.chownSync(dir, uid, gid);
  }
  const port = await freePort();
  const c: PgCluster = { url: `postgres://postgres@127.0.0.1:${port}/postgres`, dir, bin, asPostgres };
  const data = path.join(dir, 'data');
  run(c, 'initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-instructions']);
  run(c, 'pg_ctl', [
    '-D',
    data,
    '-l',
    path.join(dir, 'log'),
    '-w',
    '-t',
    '60',
    '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=200`,
    'start',
  ]);
  return c;
}

/** stopPgCluster stops the server and removes its files. */
export function stopPgCluster(c: PgCluster): void {
  try {
    run(c, 'pg_ctl', ['-D', path.join(c.dir, 'data'), '-m', 'immediate', '-w', 'stop']);
  } finally {
    fs.rmSync(c.dir, { recursive: true, force: true });
  }
}
