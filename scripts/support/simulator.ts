// The one way the repository's Node tooling starts the vCenter/vROps simulator as a process
// (`npm start`, the browser tests, the stack tests): `node simulator/dist/cli.js`, then its
// "listening on <url>" line (docs/contracts.md §1). Go tests use pkg/internal/harness instead.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeSync } from 'node:fs';
import path from 'node:path';

/** The repository root (this file is scripts/support/simulator.ts). */
// (__filename, not __dirname: tsx's ESM loader, which npm start uses, gives only the former.)
export const repoRoot = path.resolve(path.dirname(__filename), '..', '..');
/** The built simulator entry point. */
export const simulatorCli = path.join(repoRoot, 'simulator', 'dist', 'cli.js');

export interface SimulatorOptions {
  /** Extra command-line flags (e.g. ['--vms', '10000', '--vcenters', '2']). */
  args?: string[];
  /** Listen address (default 127.0.0.1) and port (default 0: a free one). */
  host?: string;
  port?: number;
  /** Seed of the generated inventory (default 1). */
  seed?: number;
  /** Where stdout and stderr go: a file descriptor (e.g. a log file), or kept in memory (default). */
  logFd?: number;
  /** Its own process group (npm start stops its parts in order itself). */
  detached?: boolean;
  /** Called with the process as soon as it is spawned (before it listens), e.g. to watch it. */
  onSpawn?: (child: ChildProcess) => void;
  /** Environment of the process (default: this process's). */
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

export interface SimulatorProcess {
  /** Base URL, without a trailing slash. */
  url: string;
  child: ChildProcess;
  /** Resolves when the process has ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The last lines it wrote to stderr (when not logging to a file). */
  stderr(): string;
  /** SIGTERM, then SIGKILL after 5 s; resolves when it has ended. */
  stop(): Promise<void>;
}

/** Starts the built simulator and resolves once it listens. */
export async function startSimulator(o: SimulatorOptions = {}): Promise<SimulatorProcess> {
  if (!existsSync(simulatorCli)) {
    throw new Error(`${simulatorCli} is missing: build the simulator first (npm run build -w simulator)`);
  }
  const argv = [
    simulatorCli,
    '--host',
    o.host ?? '127.0.0.1',
    '--port',
    String(o.port ?? 0),
    '--seed',
    String(o.seed ?? 1),
    ...(o.args ?? []),
  ];
  const child = spawn(process.execPath, argv, {
    cwd: repoRoot,
    env: o.env ?? process.env,
    // stdout is always read (the listening line); with a log file it is copied there.
    stdio: ['ignore', 'pipe', o.logFd ?? 'pipe'],
    detached: o.detached ?? false,
  });
  if (child.pid !== undefined) {
    o.onSpawn?.(child);
  }
  let err = '';
  child.stderr?.on('data', (d) => (err = (err + d).slice(-3000)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal }))
  );
  const timeoutMs = o.timeoutMs ?? 120_000;
  const url = await new Promise<string>((resolve, reject) => {
    let buf = '';
    let found = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the simulator did not print its listening line within ${timeoutMs / 1000} s: ${err}`));
    }, timeoutMs);
    child.stdout!.on('data', (d: Buffer) => {
      if (o.logFd !== undefined) {
        writeSync(o.logFd, d);
      }
      if (found) {
        return;
      }
      buf += d;
      const m = /listening on (https?:\/\/\S+)/.exec(buf);
      if (m) {
        found = true;
        clearTimeout(timer);
        resolve(m[1].replace(/\/$/, ''));
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`the simulator exited (${signal ?? `code ${code}`}) before listening: ${err}`));
    });
  });
  return {
    url,
    child,
    exited,
    stderr: () => err,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) {
        return;
      }
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      child.kill('SIGTERM');
      await exited;
      clearTimeout(t);
    },
  };
}
