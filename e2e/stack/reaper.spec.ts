// scripts/support/reaper.mjs: the process groups a parent started are stopped when the parent dies
// without stopping them (SIGKILL: no handler runs), grandchildren included; after `done` (a clean
// stop) nothing is signalled.
import { expect, test } from '@playwright/test';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from './stack-files';

const reaperUrl = pathToFileURL(path.join(repoRoot, 'scripts', 'support', 'reaper.mjs')).href;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs a parent that starts a detached `sh` (its own process group) with a `sleep` grandchild,
 * tells the reaper, prints both pids, then runs `then` (JavaScript) and waits.
 */
async function parent(then: string) {
  const script = `
    import { spawn } from 'node:child_process';
    import { startReaper } from ${JSON.stringify(reaperUrl)};
    const reaper = startReaper();
    const sh = spawn('sh', ['-c', 'sleep 300 & echo $!; wait'], { detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
    reaper.watch(sh.pid);
    sh.stdout.once('data', (d) => {
      console.log(JSON.stringify({ group: sh.pid, grandchild: Number(String(d).trim()) }));
      ${then}
    });
    setInterval(() => undefined, 1000);
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((r) => child.once('exit', r));
  const pids = await new Promise<{ group: number; grandchild: number }>((resolve, reject) => {
    child.stdout!.once('data', (d) => resolve(JSON.parse(String(d))));
    child.once('exit', (code) => reject(new Error(`the parent exited early (${code})`)));
  });
  return { child, exited, pids };
}

async function gone(pids: number[], timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  while (pids.some(alive) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
  }
  return pids.filter(alive);
}

function cleanUp(pids: number[]) {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
}

test('a parent killed outright: the reaper stops the groups it started, grandchildren included', async () => {
  const { child, exited, pids } = await parent('');
  const all = [pids.group, pids.grandchild];
  try {
    expect(all.every(alive)).toBe(true);
    child.kill('SIGKILL');
    await exited;
    // SIGTERM to the group at once (sh and sleep end on it); the deadline only bounds the wait.
    expect(await gone(all, 15_000), 'still running').toEqual([]);
  } finally {
    cleanUp(all);
  }
});

test('after done (a clean stop) the reaper signals nothing, even when the parent then dies', async () => {
  const { child, exited, pids } = await parent('reaper.done();');
  const all = [pids.group, pids.grandchild];
  try {
    // Let the reaper read "done" and the end of its pipe, then kill the parent outright.
    await new Promise((r) => setTimeout(r, 500));
    child.kill('SIGKILL');
    await exited;
    await new Promise((r) => setTimeout(r, 1500));
    expect(all.filter(alive), 'the parts were left alone').toEqual(all);
  } finally {
    cleanUp(all.map((p) => -p).concat(all));
  }
});
