import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { loadConfig, type Config } from '../../src/config';
import { buildServer } from '../../src/server';
import app from '../../src/app';

/** Secrets used by every test: random-looking and 32+ characters, as config validation demands. */
export const SECRET = 'hmac-5c1f0e9a7b3d46f2a8e1c4b7d9f0a2e6';
export const INTERNAL = 'int-8d2b6f1e4a9c07b35e7f2d1c6a9b8e40';
export const UNSUB = 'uns-1e7a4c9f2b6d05e83a1f7c2b9d4e6a51';

/** baseEnv is a complete relay environment pointing at the given SMTP port and database. */
export function baseEnv(
  smtpPort: number,
  databaseUrl: string,
  extra: Record<string, string> = {}
): Record<string, string> {
  return {
    LOG_LEVEL: 'silent',
    HOST: '127.0.0.1',
    PORT: '0',
    PUBLIC_URL: 'http://relay.test:3100',
    DATABASE_URL: databaseUrl,
    MAIL_FROM: 'PrivateCloud Monitor <alerts@example.com>',
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(smtpPort),
    SMTP_IGNORE_TLS: 'true',
    SMTP_TIMEOUT_MS: '3000',
    GRAFANA_URL: 'http://grafana.test:3000',
    RELAY_WEBHOOK_SECRET: SECRET,
    RELAY_INTERNAL_TOKEN: INTERNAL,
    RELAY_UNSUBSCRIBE_SECRET: UNSUB,
    RELAY_WORKER_POLL_MS: '50',
    RELAY_RETRY_BASE_MS: '100',
    RELAY_RETRY_MAX_MS: '400',
    RELAY_DEFAULT_DIGEST_MINUTES: '0',
    ...extra,
  };
}

/** tempSqlite answers a fresh SQLite URL in a temp directory. */
export function tempSqlite(): string {
  return `sqlite:${path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'relay-sqlite-')), 'relay.db')}`;
}

/** tempPgDatabase creates an empty database in the run's PostgreSQL and answers its URL. */
export async function tempPgDatabase(): Promise<string> {
  const base = process.env.RELAY_TEST_PG_URL;
  if (!base) {
    throw new Error('RELAY_TEST_PG_URL is not set: the Jest globalSetup did not start PostgreSQL');
  }
  const name = `relay_${crypto.randomBytes(6).toString('hex')}`;
  const c = new Client({ connectionString: base });
  await c.connect();
  await c.query(`CREATE DATABASE ${name}`);
  await c.end();
  return base.replace(/\/postgres$/, `/${name}`);
}

/** startApp builds the relay app (with its worker unless told otherwise) on real HTTP. */
export async function startApp(
  env: Record<string, string>,
  opts: { startWorker?: boolean; listen?: boolean; logStream?: NodeJS.WritableStream } = {}
) {
  const config: Config = loadConfig(env);
  const server = buildServer(config, { logStream: opts.logStream });
  await server.register(app, { config, startWorker: opts.startWorker });
  if (opts.listen) {
    await server.listen({ host: '127.0.0.1', port: 0 });
  } else {
    await server.ready();
  }
  return server;
}

/** sign produces Grafana's headers for a body: hex HMAC-SHA256 of "<ts>:<body>". */
export function sign(body: string, ts = Math.floor(Date.now() / 1000), secret = SECRET): Record<string, string> {
  const sig = crypto.createHmac('sha256', secret).update(`${ts}:${body}`).digest('hex');
  return {
    'content-type': 'application/json',
    'x-grafana-alerting-signature': sig,
    'x-grafana-alerting-signature-timestamp': String(ts),
    'user-agent': 'Grafana',
  };
}

/** internalHeaders authenticates calls to /internal. */
export const internalHeaders = { authorization: `Bearer ${INTERNAL}` };

let fp = 0;

/** alert builds one alert exactly as Grafana's webhook contact point sends it. */
export function alert(
  labels: Record<string, string>,
  opts: {
    status?: 'firing' | 'resolved';
    value?: number;
    startsAt?: string;
    fingerprint?: string;
    summary?: string;
    image?: 'url' | 'embedded';
  } = {}
) {
  const status = opts.status ?? 'firing';
  const startsAt = opts.startsAt ?? '2026-11-26T20:00:00Z';
  const a: Record<string, unknown> = {
    status,
    labels: { alertname: 'VmCpuHigh', grafana_folder: 'PrivateCloud', ...labels },
    annotations: {
      summary: opts.summary ?? `CPU ${opts.value ?? 97}%`,
      description: 'CPU usage above 90% for 10 minutes',
    },
    startsAt,
    endsAt: status === 'resolved' ? '2026-11-26T20:30:00Z' : '0001-01-01T00:00:00Z',
    generatorURL: 'http://grafana.test:3000/alerting/grafana/abc123/view?orgId=1',
    fingerprint: opts.fingerprint ?? `fp${(++fp).toString(16).padStart(14, '0')}`,
    silenceURL: 'http://grafana.test:3000/alerting/silence/new?alertmanager=grafana&matcher=alertname%3DVmCpuHigh',
    dashboardURL: 'http://grafana.test:3000/d/pc-vm?orgId=1',
    panelURL: 'http://grafana.test:3000/d/pc-vm?orgId=1&viewPanel=2',
    values: { B: opts.value ?? 97, C: 1 },
    valueString: `[ var='B' labels={vm=${labels.vm ?? ''}} value=${opts.value ?? 97} ], [ var='C' labels={} value=1 ]`,
    orgId: 1,
    ruleUID: 'abc123',
  };
  if (opts.image === 'url') {
    a.imageURL = 'http://grafana.test:3000/public/img/attachments/panel.png';
  }
  // A 1x1 PNG, base64, as Grafana embeds it when no image store is configured.
  if (opts.image === 'embedded') {
    a.embeddedImage =
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
  }
  return a;
}

/** payload wraps alerts in Grafana's webhook body (version "1"). */
export function payload(alerts: Array<Record<string, unknown>>, extra: Record<string, unknown> = {}) {
  const firing = alerts.some((a) => a.status === 'firing');
  return {
    receiver: 'privatecloud-relay',
    status: firing ? 'firing' : 'resolved',
    orgId: 1,
    alerts,
    groupLabels: { alertname: 'VmCpuHigh' },
    commonLabels: { alertname: 'VmCpuHigh' },
    commonAnnotations: {},
    externalURL: 'http://grafana.test:3000/',
    version: '1',
    groupKey: '{}/{__grafana_autogenerated__="true"}:{alertname="VmCpuHigh"}',
    truncatedAlerts: 0,
    title: `[${firing ? 'FIRING' : 'RESOLVED'}:${alerts.length}] VmCpuHigh`,
    state: firing ? 'alerting' : 'ok',
    message: '**Firing**\n\nValue: B=97, C=1',
    ...extra,
  };
}

/** waitUntil polls a condition (used for database state, never for timing assertions). */
export async function waitUntil(
  fn: () => Promise<boolean> | boolean,
  timeoutMs = 20000,
  what = 'condition'
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await fn()) {
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}
