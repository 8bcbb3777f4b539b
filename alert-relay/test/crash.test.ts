import { Client } from 'pg';
import Database from 'better-sqlite3';
import { SmtpSink } from '../../scripts/support/mail-catcher';
import { alert, baseEnv, payload, sign, tempPgDatabase, tempSqlite, waitUntil } from './helpers/app';
import { buildDist, spawnRelay, stopChild, type RelayChild } from './helpers/child';
import { createRepositories, type Repositories } from '../src/store';
import { openDatabase } from '../src/store/db';
import { migrateToLatest } from '../src/store/migrations';

beforeAll(() => buildDist());

async function seedUsers(url: string, logins: string[]) {
  const handle = openDatabase(url);
  await migrateToLatest(handle);
  const store = { db: handle.db, ...createRepositories(handle) };
  for (const l of logins) {
    await store.users.putUser(l, { email: `${l}@example.com`, confirmed: true, digestMinutes: 0 } as never, {
      now: Date.now(),
      defaultDigestMinutes: 0,
      confirmUrl: (t) => t,
      trustConfirmed: true,
    });
  }
  await handle.db.destroy();
}

async function post(relay: RelayChild, body: object) {
  const s = JSON.stringify(body);
  const r = await fetch(`${relay.url}/webhook/grafana`, { method: 'POST', body: s, headers: sign(s) });
  expect(r.status).toBe(202);
}

async function outboxCounts(url: string): Promise<Record<string, number>> {
  if (url.startsWith('postgres')) {
    const c = new Client({ connectionString: url });
    await c.connect();
    const r = await c.query(`select state, count(*)::int as n from outbox group by state`);
    await c.end();
    return Object.fromEntries(r.rows.map((x) => [x.state, x.n]));
  }
  const db = new Database(url.replace(/^sqlite:/, ''), { readonly: true });
  const rows = db.prepare('select state, count(*) as n from outbox group by state').all() as Array<{
    state: string;
    n: number;
  }>;
  db.close();
  return Object.fromEntries(rows.map((x) => [x.state, x.n]));
}

/** Every expected (recipient, vm) pair arrived exactly once, and no Message-ID repeats. */
function expectExactlyOnce(smtp: SmtpSink, logins: string[], vms: string[]) {
  const got = smtp.mails.map((m) => `${m.to} ${/vm (\S+)/.exec(m.parsed.subject ?? '')?.[1]}`).sort();
  const want = logins.flatMap((l) => vms.map((v) => `${l}@example.com ${v}`)).sort();
  expect(got).toEqual(want);
  const ids = smtp.mails.map((m) => m.parsed.messageId);
  expect(new Set(ids).size).toBe(ids.length);
}

describe.each([
  ['SQLite', async () => tempSqlite()],
  ['PostgreSQL', tempPgDatabase],
])('kill -9 of the relay process mid-send (%s)', (_name, makeDb) => {
  it('loses nothing and sends nothing twice', async () => {
    const smtp = new SmtpSink();
    await smtp.start();
    const db = await makeDb();
    const logins = ['k1', 'k2', 'k3'];
    await seedUsers(db, logins);
    const env = baseEnv(smtp.port, db, {
      RELAY_LEASE_SECONDS: '5',
      RELAY_WORKER_CONCURRENCY: '2',
      SMTP_POOL_SIZE: '2',
    });
    const first = await spawnRelay(env);
    // Hold the SMTP answer for the 3rd message and kill the relay while it waits for it.
    let holds = 0;
    const killed = new Promise<void>((resolve) => {
      smtp.holdMs = 1500;
      smtp.onHold = () => {
        holds += 1;
        if (holds === 3) {
          first.proc.kill('SIGKILL');
          resolve();
        }
      };
    });
    const vms = Array.from({ length: 6 }, (_, i) => `crash-${i}`);
    for (const vm of vms) {
      await post(first, payload([alert({ vm, severity: 'critical' })]));
    }
    await killed;
    await new Promise((r) => first.proc.once('exit', r));
    await new Promise((r) => setTimeout(r, 1600));
    smtp.holdMs = 0;
    smtp.onHold = null;
    const delivered = smtp.mails.length;
    expect(delivered).toBeLessThan(18);
    const second = await spawnRelay(env);
    try {
      await smtp.waitFor(18, 30000);
      await waitUntil(async () => (await outboxCounts(db)).sent === 18, 20000, 'all 18 recorded as sent');
      await new Promise((r) => setTimeout(r, 500));
      expectExactlyOnce(smtp, logins, vms);
    } finally {
      await stopChild(second);
      await smtp.stop();
    }
  });
});

describe('two relay replicas on one PostgreSQL', () => {
  it('share the outbox without duplicates or losses', async () => {
    const smtp = new SmtpSink();
    await smtp.start();
    const db = await tempPgDatabase();
    const logins = Array.from({ length: 5 }, (_, i) => `r${i}`);
    await seedUsers(db, logins);
    const env = baseEnv(smtp.port, db, { RELAY_WORKER_POLL_MS: '20' });
    const [a, b] = await Promise.all([spawnRelay(env), spawnRelay(env)]);
    try {
      const vms = Array.from({ length: 20 }, (_, i) => `rep-${i}`);
      // Alternate replicas, and send every notification to both (Grafana HA pairs do that).
      const bodies = vms.map((vm) => payload([alert({ vm, severity: 'critical' })], { groupKey: `g-${vm}` }));
      await Promise.all(bodies.map((body, i) => post(i % 2 ? a : b, body)));
      // The same notifications again, a second later, at the other replica (a redelivery).
      await new Promise((r) => setTimeout(r, 1100));
      await Promise.all(bodies.map((body, i) => post(i % 2 ? b : a, body)));
      await smtp.waitFor(100, 30000).catch(async (e) => {
        const c = new Client({ connectionString: db });
        await c.connect();
        const o = (await c.query(`select state, count(*)::int n from outbox group by state`)).rows;
        const n = (await c.query(`select state, count(*)::int n from notifications group by state`)).rows;
        await c.end();
        throw new Error(
          `${(e as Error).message}; outbox ${JSON.stringify(o)}; notifications ${JSON.stringify(n)}; stderr a: ${a.stderr().slice(-1500)} b: ${b.stderr().slice(-1500)}`
        );
      });
      await waitUntil(async () => (await outboxCounts(db)).sent === 100, 20000, 'all 100 recorded as sent').catch(
        async (e) => {
          throw new Error(
            `${(e as Error).message}: outbox ${JSON.stringify(await outboxCounts(db))}, mails ${smtp.mails.length}`
          );
        }
      );
      await new Promise((r) => setTimeout(r, 500));
      expectExactlyOnce(smtp, logins, vms);
    } finally {
      await Promise.all([stopChild(a), stopChild(b)]);
      await smtp.stop();
    }
  });
});

describe('graceful shutdown', () => {
  it('finishes the in-flight send on SIGTERM before exiting', async () => {
    const smtp = new SmtpSink();
    await smtp.start();
    const db = tempSqlite();
    await seedUsers(db, ['g1']);
    const relay = await spawnRelay(baseEnv(smtp.port, db));
    try {
      const held = new Promise<void>((resolve) => {
        smtp.holdMs = 1000;
        smtp.onHold = resolve;
      });
      await post(relay, payload([alert({ vm: 'term-1', severity: 'critical' })]));
      await held;
      const code = await stopChild(relay, 'SIGTERM');
      expect(code).toBe(0);
      expect(smtp.mails.map((m) => m.parsed.subject)).toEqual(['[CRITICAL] CPU 97% on vm term-1']);
      expect(await outboxCounts(db)).toEqual({ sent: 1 });
    } finally {
      await stopChild(relay, 'SIGKILL');
      await smtp.stop();
    }
  });
});

describe('admin CLI (dist/cli.js)', () => {
  it('adds, lists and removes users; a new address is unconfirmed with a confirmation mail queued', async () => {
    const { spawnSync } = await import('node:child_process');
    const path = await import('node:path');
    const db = tempSqlite();
    const env = { PATH: process.env.PATH ?? '', ...baseEnv(1, db) };
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, [path.join(__dirname, '../dist/cli.js'), ...args], { env, encoding: 'utf8' });
    expect(
      cli(
        'users',
        'add',
        '--login',
        'alice',
        '--email',
        'alice@example.com',
        '--cluster',
        'c1',
        '--cluster',
        'c2',
        '--quiet',
        '22:00-07:00',
        '--tz',
        'Europe/Berlin'
      ).stdout
    ).toBe('alice: confirmation e-mail queued\n');
    expect(
      cli('users', 'add', '--login', 'bob', '--email', 'bob@example.com', '--confirmed', '--min-severity', 'critical')
        .stdout
    ).toBe('bob: confirmed\n');
    const bad = cli('users', 'add', '--login', 'eve', '--email', 'not-an-address');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toBe('privatecloud-relay: --email is not an e-mail address\n');
    expect(cli('users', 'list').stdout.split('\n').filter(Boolean)).toEqual([
      'alice\talice@example.com\tunconfirmed\tmin=warning\tdigest=0m\t{"cluster":["c1","c2"]}',
      'bob\tbob@example.com\tconfirmed\tmin=critical\tdigest=0m\t{}',
    ]);
    expect(await outboxCounts(db)).toEqual({ pending: 1 });
    expect(cli('users', 'remove', '--login', 'alice').stdout).toBe('removed alice\n');
    expect(cli('users', 'remove', '--login', 'alice').status).toBe(1);
    expect(cli('nope').status).toBe(2);
  });
});
