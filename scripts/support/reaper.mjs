// Every part `npm start` runs lives in its own process group (so Ctrl-C reaches only the script,
// which stops the parts in order). Such a part outlives its parent when the parent is killed
// outright (SIGKILL of npm's process group by a CI timeout or a test's clean-up, an OOM kill): no
// handler of the parent runs then. The reaper closes that gap: a small process in a group of its
// own that the parent tells, over a pipe, which process groups it started; when the pipe closes
// without "done" (the parent is gone, however it ended), the reaper stops those groups (SIGTERM,
// then SIGKILL after a grace period) and exits. A clean stop says "done" and nothing is signalled.
//
// Protocol (one line each on the reaper's stdin): `watch <pid>`, `forget <pid>`, `done`.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const GRACE_MS = 5000;

/**
 * Starts the reaper for this process. `watch(pid)` after starting a detached child (its pid is its
 * process group), `forget(pid)` once it has exited on its own (its pid may be reused), `done()`
 * after a clean stop of every part.
 */
export function startReaper() {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--reaper'], {
    stdio: ['pipe', 'ignore', 'ignore'],
    // Not in the parent's process group: a signal to that group must not take the reaper along.
    detached: true,
  });
  // Neither the reaper nor its pipe keeps this process alive.
  child.unref();
  child.stdin.unref?.();
  child.stdin.on('error', () => undefined);
  const send = (line) => {
    if (child.stdin.writable) child.stdin.write(`${line}\n`);
  };
  return {
    pid: child.pid,
    watch: (pid) => send(`watch ${pid}`),
    forget: (pid) => send(`forget ${pid}`),
    done: () => {
      send('done');
      child.stdin.end();
    },
  };
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

/** Signals a process group, or the process alone when it leads none. */
function signal(pid, sig) {
  try {
    process.kill(-pid, sig);
  } catch {
    try {
      process.kill(pid, sig);
    } catch {
      // already gone
    }
  }
}

async function reap(pids) {
  for (const pid of pids) signal(pid, 'SIGTERM');
  const deadline = Date.now() + GRACE_MS;
  while ([...pids].some(alive) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
  }
  // SIGKILL the groups whatever their leader did: a leader may have left children behind.
  for (const pid of pids) signal(pid, 'SIGKILL');
}

function runReaper() {
  const pids = new Set();
  let done = false;
  let buf = '';
  // The parent's Ctrl-C or SIGTERM is not ours to act on; the pipe tells when the parent is gone.
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => undefined);
  process.stdin.on('data', (d) => {
    buf += d;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const [cmd, arg] = buf.slice(0, i).trim().split(' ');
      buf = buf.slice(i + 1);
      const pid = Number(arg);
      if (cmd === 'watch' && Number.isInteger(pid) && pid > 1) pids.add(pid);
      else if (cmd === 'forget') pids.delete(pid);
      else if (cmd === 'done') done = true;
    }
  });
  const end = () => {
    if (done) process.exit(0);
    void reap(pids).finally(() => process.exit(0));
  };
  process.stdin.on('end', end);
  process.stdin.on('error', end);
}

if (process.argv[2] === '--reaper' && process.argv[1] === fileURLToPath(import.meta.url)) {
  runReaper();
}
