// Starting and stopping the parts the browser tests use: the simulator and the relay as child
// processes (as users run them), an in-process SMTP server that keeps every mail it receives.
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import http from 'node:http';
import net, { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
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

/** Starts `node simulator/dist/cli.js --port 0` and reads its "listening on" line (contracts §1). */
export async function startSimulator(args: string[] = []): Promise<Child> {
  const cli = path.join(repoRoot, 'simulator', 'dist', 'cli.js');
  if (!existsSync(cli)) {
    throw new Error(`${cli} is missing: build the simulator (npm run build -w simulator)`);
  }
  const child = spawn(process.execPath, [cli, '--port', '0', '--seed', '1', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr = (stderr + d).slice(-2000)));
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`e2e: the simulator exited unexpectedly (code ${code}, signal ${signal}): ${stderr.slice(-1500)}`);
    }
  });
  let stopping = false;
  const url = await new Promise<string>((resolve, reject) => {
    let buf = '';
    const t = setTimeout(() => reject(new Error(`simulator did not start within 60s: ${stderr}`)), 60_000);
    child.stdout!.on('data', (d) => {
      buf += d;
      const m = /listening on (https?:\/\/\S+)/.exec(buf);
      if (m) {
        clearTimeout(t);
        resolve(m[1].replace(/\/$/, ''));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(t);
      reject(new Error(`simulator exited with ${code}: ${stderr}`));
    });
  });
  child.stdout!.resume();
  return {
    url,
    stop: () => {
      stopping = true;
      return stopChild(child);
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
export interface ReceivedMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
  receivedAt: string;
}

/**
 * A real SMTP server (smtp-server) that parses and keeps every mail, with a small HTTP API so
 * test workers can read them: GET /mails, DELETE /mails.
 */
export async function startSmtpCatcher(): Promise<{ smtpPort: number; apiUrl: string; stop(): Promise<void> }> {
  const mails: ReceivedMail[] = [];
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, cb) {
      simpleParser(stream).then(
        (m) => {
          const headers: Record<string, string> = {};
          m.headerLines.forEach((h) => (headers[h.key] = h.line.slice(h.line.indexOf(':') + 1).trim()));
          mails.push({
            from: m.from?.text ?? '',
            to: session.envelope.rcptTo.map((r) => r.address),
            subject: m.subject ?? '',
            text: m.text ?? '',
            html: typeof m.html === 'string' ? m.html : '',
            headers,
            receivedAt: new Date().toISOString(),
          });
          cb();
        },
        (e) => cb(e)
      );
    },
  });
  const smtpPort = await freePort();
  await new Promise<void>((resolve) => smtp.listen(smtpPort, '127.0.0.1', resolve));
  const api = http.createServer((req, res) => {
    if (req.method === 'DELETE') {
      mails.length = 0;
      res.writeHead(204);
      return res.end();
    }
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(mails));
  });
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  return {
    smtpPort,
    apiUrl: `http://127.0.0.1:${(api.address() as AddressInfo).port}`,
    stop: async () => {
      api.closeAllConnections();
      await new Promise<void>((r) => api.close(() => r()));
      await new Promise<void>((r) => smtp.close(() => r()));
    },
  };
}

/** Starts the built relay (alert-relay/dist/main.js) on SQLite with the given secrets and SMTP port. */
export async function startRelay(o: {
  smtpPort: number;
  internalToken: string;
  webhookSecret: string;
  grafanaUrl: string;
}): Promise<Child> {
  const entry = path.join(repoRoot, 'alert-relay', 'dist', 'main.js');
  if (!existsSync(entry)) {
    throw new Error(`${entry} is missing: build the relay (npm run build -w alert-relay)`);
  }
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
