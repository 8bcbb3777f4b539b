// Starting and stopping the parts the browser tests use: the simulator and the relay as child
// processes (as users run them), an in-process SMTP server that keeps every mail it receives.
// The simulator and the mail catcher are the repository's shared ones (scripts/support/).
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import net, { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { type CaughtMail, startMailCatcher } from '../../scripts/support/mail-catcher';
import { relayEntry } from '../../scripts/support/relay';
import { startSimulator as startSimulatorProcess } from '../../scripts/support/simulator';
import { repoRoot } from './env';

/** A started child process. */
export interface Child {
  url: string;
  stop(): Promise<void>;
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      return resolve();
    }
    const t = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Starts the built simulator on a free loopback port (scripts/support/simulator.ts). */
export async function startSimulator(args: string[] = []): Promise<Child> {
  const sim = await startSimulatorProcess({ args });
  void sim.exited.then(({ code, signal }) => {
    if (!stopping) {
      console.error(
        `e2e: the simulator exited unexpectedly (code ${code}, signal ${signal}): ${sim.stderr().slice(-1500)}`
      );
    }
  });
  let stopping = false;
  return {
    url: sim.url,
    stop: () => {
      stopping = true;
      return sim.stop();
    },
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** A mail as the SMTP server received it. */
export type ReceivedMail = CaughtMail;

/**
 * The shared mail catcher (scripts/support/mail-catcher.ts): a real SMTP server that keeps every
 * mail; test workers read them at `${apiUrl}/mails` (GET, DELETE).
 */
export async function startSmtpCatcher(): Promise<{ smtpPort: number; apiUrl: string; stop(): Promise<void> }> {
  const catcher = await startMailCatcher();
  return { smtpPort: catcher.smtpPort, apiUrl: `${catcher.url}/api`, stop: () => catcher.stop() };
}

/** Starts the built relay (its package's start entry) on SQLite with the given secrets and SMTP port. */
export async function startRelay(o: {
  smtpPort: number;
  internalToken: string;
  webhookSecret: string;
  grafanaUrl: string;
}): Promise<Child> {
  const entry = relayEntry();
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'e2e-relay-'));
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [entry], {
    cwd: path.join(repoRoot, 'alert-relay'),
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: `sqlite://${path.join(dir, 'relay.db')}`,
      RELAY_WEBHOOK_SECRET: o.webhookSecret,
      RELAY_INTERNAL_TOKEN: o.internalToken,
      PUBLIC_URL: url,
      RELAY_UNSUBSCRIBE_SECRET: randomBytes(24).toString('hex'),
      GRAFANA_URL: o.grafanaUrl,
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(o.smtpPort),
      SMTP_SECURE: 'false',
      MAIL_FROM: 'PrivateCloud Monitor <alerts@privatecloud.local>',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr = (stderr + d).slice(-3000)));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`relay exited with ${child.exitCode}: ${stderr}`);
    }
    const ok = await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false
    );
    if (ok) {
      break;
    }
    if (Date.now() > deadline) {
      await stopChild(child);
      throw new Error(`relay not ready within 30s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { url, stop: () => stopChild(child) };
}

/** A random secret for this run. */
export const secret = () => randomBytes(18).toString('hex');
