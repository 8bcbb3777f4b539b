/**
 * Relay benchmark (npm run bench -w privatecloud-alert-relay). In one run, for SQLite
 * (WAL, synchronous=FULL) and PostgreSQL (fsync and synchronous_commit on, the defaults):
 *  - webhook intake of 1,000 notifications x 10 alerts over real HTTP, 4 senders back to back (a
 *    closed loop, far above the required 10,000 alerts per minute): acknowledgement latency p50/p99
 *    and its ratio to the 20 ms target, throughput. The relay's outbox worker runs throughout, as in
 *    production: it fans out and sends while the webhooks arrive (printed: how far it got);
 *  - the same 10,000 alerts are a storm for 50 subscribers (10-minute digest window): mails per
 *    subscriber must be one immediate mail + at most one digest per window; mails really go to an
 *    SMTP server in this process and are counted there (not parsed: that would load the process that
 *    measures the latency).
 * The sender uses node:http with kept-alive connections (as Grafana keeps its connections), not
 * fetch, whose per-request CPU cost on this process showed up in the measured latency.
 * Before measuring, WARMUP webhooks for one extra subscriber (severity info, cluster "warmup":
 * below every other subscriber's minimum severity) go through intake, fan-out and mail, so the measurement sees a running relay
 * rather than its first requests (JIT compilation, lazily built serializers, SMTP connections);
 * their latencies are printed separately and their mails are not counted.
 */
import http from 'node:http';
import { SmtpSink } from '../../scripts/support/mail-catcher';
import { alert, baseEnv, payload, sign, tempPgDatabase, tempSqlite, waitUntil } from '../test/helpers/app';
import { startPgCluster, stopPgCluster } from '../test/helpers/pg-cluster';
import { spawnRelay, stopChild } from '../test/helpers/child';
import { openDatabase } from '../src/store/db';
import { migrateToLatest } from '../src/store/migrations';
import { createRepositories, type Repositories } from '../src/store';

const NOTIFICATIONS = Number(process.env.BENCH_NOTIFICATIONS ?? 1000);
const ALERTS = 10;
const SUBSCRIBERS = 50;
const CONCURRENCY = 4;
const WARMUP = 50;

const TARGET_MS = 20;
const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });

/** post sends one webhook and resolves with the status once the whole answer has been read. */
function post(url: string, body: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: 'POST', agent, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      }
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** send posts the bodies with CONCURRENCY senders back to back and answers each one's latency, in order sent. */
async function send(url: string, bodies: string[]): Promise<number[]> {
  const lat: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < bodies.length) {
        const i = next++;
        const headers = sign(bodies[i]);
        const s = performance.now();
        const status = await post(url, bodies[i], headers);
        lat[i] = performance.now() - s;
        if (status !== 202) {
          throw new Error(`webhook answered ${status}`);
        }
      }
    })
  );
  return lat;
}

const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

async function runOne(name: string, dbUrl: string) {
  const smtp = new SmtpSink({ parse: false });
  await smtp.start();
  // The relay runs as its own process (the built dist/main.js), as in production; this process
  // only sends webhooks and runs the SMTP server.
  const handle = openDatabase(dbUrl, { poolSize: 2 });
  await migrateToLatest(handle);
  const store = { db: handle.db, ...createRepositories(handle) };
  for (let i = 0; i < SUBSCRIBERS; i++) {
    await store.users.putUser(
      `user${i}`,
      { email: `user${i}@example.com`, confirmed: true, digestMinutes: 10 } as never,
      {
        now: Date.now(),
        defaultDigestMinutes: 10,
        confirmUrl: (t) => t,
        trustConfirmed: true,
      }
    );
  }
  // The warm-up alerts are severity info: below the subscribers' minimum (warning), so only this user gets them.
  await store.users.putUser(
    'warmup',
    {
      email: 'warmup@example.com',
      confirmed: true,
      digestMinutes: 0,
      minSeverity: 'info',
      matchers: { cluster: ['warmup'] },
    } as never,
    {
      now: Date.now(),
      defaultDigestMinutes: 0,
      confirmUrl: (t) => t,
      trustConfirmed: true,
    }
  );
  const relay = await spawnRelay(
    baseEnv(smtp.port, dbUrl, {
      RELAY_DEFAULT_DIGEST_MINUTES: '10',
      RELAY_RATE_LIMIT_PER_MINUTE: '1000000',
      RELAY_WORKER_POLL_MS: '200',
    })
  );
  const url = `${relay.url}/webhook/grafana`;
  const bodies = Array.from({ length: NOTIFICATIONS }, (_, n) =>
    JSON.stringify(
      payload(
        Array.from({ length: ALERTS }, (_, i) =>
          alert({ vm: `vm-${n}-${i}`, cluster: `c${n % 5}`, severity: i % 3 ? 'warning' : 'critical' })
        ),
        { groupKey: `bench-${n}` }
      )
    )
  );
  const warmupBodies = Array.from({ length: WARMUP }, (_, n) =>
    JSON.stringify(
      payload(
        Array.from({ length: ALERTS }, (_, i) => alert({ vm: `warm-${n}-${i}`, cluster: 'warmup', severity: 'info' })),
        { groupKey: `warmup-${n}` }
      )
    )
  );
  const warm = await send(url, warmupBodies);
  await waitUntil(
    async () => {
      const d = await store.outbox.queueDepth();
      return d.notifications === 0 && d.outbox === 0;
    },
    600000,
    'warm-up done'
  );
  const warmupMails = smtp.count;
  const t0 = performance.now();
  const lat = (await send(url, bodies)).sort((a, b) => a - b);
  const intakeMs = performance.now() - t0;
  // How far the worker got while the webhooks were arriving (it never stops, it only yields).
  const duringIntake = {
    fannedOut: NOTIFICATIONS - (await store.outbox.queueDepth()).notifications,
    mails: smtp.count - warmupMails,
  };
  await waitUntil(async () => (await store.outbox.queueDepth()).notifications === 0, 600000, 'fan-out');
  const fanOutDoneMs = performance.now() - t0;
  const rows = await store.db
    .selectFrom('outbox')
    .select(['login', 'kind'])
    .where('kind', '!=', 'confirm')
    .where('login', '!=', 'warmup')
    .execute();
  const perUser = new Map<string, { alert: number; digest: number }>();
  for (const r of rows) {
    const u = perUser.get(r.login) ?? { alert: 0, digest: 0 };
    u[r.kind as 'alert' | 'digest'] += 1;
    perUser.set(r.login, u);
  }
  const maxDigests = Math.max(...[...perUser.values()].map((u) => u.digest));
  const maxImmediate = Math.max(...[...perUser.values()].map((u) => u.alert));
  // Digests are due at the end of the 10-minute window: bring that time forward to send them now.
  await store.db
    .updateTable('outbox')
    .set({ not_before: Date.now(), next_attempt_at: Date.now() })
    .where('kind', '=', 'digest')
    .where('state', '=', 'pending')
    .execute();
  await waitUntil(async () => (await store.outbox.queueDepth()).outbox === 0, 600000, 'all mail sent');
  const mails = smtp.count - warmupMails;
  const alertsTotal = NOTIFICATIONS * ALERTS;
  await stopChild(relay);
  await handle.db.destroy();
  await smtp.stop();
  return {
    name,
    p50: pct(lat, 50),
    p99: pct(lat, 99),
    max: lat[lat.length - 1],
    throughput: (NOTIFICATIONS / intakeMs) * 1000,
    alertsPerSec: (alertsTotal / intakeMs) * 1000,
    mails,
    warmFirst: warm[0],
    warmP99: pct(
      [...warm].sort((a, b) => a - b),
      99
    ),
    duringIntake,
    fanOutDoneMs,
    maxImmediate,
    maxDigests,
    deliveriesWithoutDigest: alertsTotal * SUBSCRIBERS,
  };
}

async function main() {
  const pg = await startPgCluster();
  process.env.RELAY_TEST_PG_URL = pg.url;
  try {
    const results = [
      await runOne('SQLite (WAL, synchronous=FULL)', tempSqlite()),
      await runOne('PostgreSQL (fsync=on, synchronous_commit=on)', await tempPgDatabase()),
    ];
    console.log(
      `\nwebhook intake: ${NOTIFICATIONS} notifications x ${ALERTS} alerts, ${CONCURRENCY} concurrent senders, ${SUBSCRIBERS} subscribers, worker running`
    );
    console.log(
      `  (after ${WARMUP} warm-up webhooks, not counted: first acknowledged in ${results.map((r) => `${r.warmFirst.toFixed(1)} ms`).join(' / ')}, warm-up p99 ${results.map((r) => `${r.warmP99.toFixed(1)} ms`).join(' / ')} for SQLite / PostgreSQL)`
    );
    for (const r of results) {
      console.log(
        `  ${r.name.padEnd(46)} ack p50 ${r.p50.toFixed(2)} ms  p99 ${r.p99.toFixed(2)} ms  max ${r.max.toFixed(1)} ms  ` +
          `p99 / ${TARGET_MS} ms target = ${(r.p99 / TARGET_MS).toFixed(2)} (${r.p99 < TARGET_MS ? 'met' : 'NOT met'})  ` +
          `${r.throughput.toFixed(0)} notifications/s (${r.alertsPerSec.toFixed(0)} alerts/s)`
      );
      console.log(
        `  ${''.padEnd(46)} worker meanwhile: ${r.duringIntake.fannedOut} of ${NOTIFICATIONS} notifications fanned out, ${r.duringIntake.mails} e-mails sent; ` +
          `all fanned out ${(r.fanOutDoneMs / 1000).toFixed(1)} s after the first webhook`
      );
    }
    console.log(`storm: ${NOTIFICATIONS * ALERTS} alerts to ${SUBSCRIBERS} subscribers, 10-minute digest window`);
    for (const r of results) {
      console.log(
        `  ${r.name.padEnd(46)} e-mails sent ${r.mails} (${(r.mails / SUBSCRIBERS).toFixed(1)} per subscriber: max ${r.maxImmediate} immediate + max ${r.maxDigests} digest)  ` +
          `ratio e-mails / per-alert deliveries = ${(r.mails / r.deliveriesWithoutDigest).toExponential(2)}  at most one digest per window: ${r.maxDigests <= 1 ? 'yes' : 'NO'}`
      );
    }
    console.log(`ratio PostgreSQL / SQLite ack p99: ${(results[1].p99 / results[0].p99).toFixed(2)}`);
  } finally {
    stopPgCluster(pg);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
