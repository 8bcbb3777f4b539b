import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const pkg = path.resolve(__dirname, '../..');

/** buildDist compiles the relay so tests run the same server.js that `npm start` runs. */
export function buildDist(): void {
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(pkg, 'tsconfig.build.json')], {
    stdio: 'inherit',
  });
}

/** RelayChild is a relay running as its own OS process. */
export interface RelayChild {
  proc: ChildProcess;
  url: string;
  stderr: () => string;
}

/** spawnRelay starts `node dist/main.js` and resolves with its URL once it prints the listening line. */
export function spawnRelay(env: Record<string, string>): Promise<RelayChild> {
  const proc = spawn(process.execPath, [path.join(pkg, 'dist/main.js')], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  proc.stderr!.on('data', (d) => (err += d));
  return new Promise((resolve, reject) => {
    let out = '';
    const t = setTimeout(() => reject(new Error(`relay did not start: ${err}`)), 20000);
    proc.stdout!.on('data', (d) => {
      out += d;
      const m = /listening on (https?:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(t);
        resolve({ proc, url: m[1], stderr: () => err });
      }
    });
    proc.on('exit', (code) => {
      clearTimeout(t);
      reject(new Error(`relay exited ${code}: ${err}`));
    });
  });
}

/** stopChild ends a child with a signal and waits for it. */
export function stopChild(c: RelayChild, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  if (c.proc.exitCode !== null || c.proc.signalCode !== null) {
    return Promise.resolve(c.proc.exitCode);
  }
  return new Promise((resolve) => {
    c.proc.removeAllListeners('exit');
    c.proc.once('exit', (code) => resolve(code));
    c.proc.kill(signal);
  });
}
