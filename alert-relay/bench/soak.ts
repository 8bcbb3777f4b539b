// Soak: the built relay (node dist/main.js) on SQLite at a steady webhook rate for a long time,
// with 50 subscribers and an SMTP server that refuses (451) one minute in five, sampling the
// relay's heap and RSS from its /metrics. Not part of CI: `npm run soak -w privatecloud-alert-relay`
// (SOAK_MINUTES, default 10; SOAK_RATE webhooks/s, default 5; SOAK_SAMPLE_SECONDS, default 30).
import http from 'node:http';
import { SmtpSink } from '../../scripts/support/mail-catcher';
import { alert, baseEnv, payload, sign, tempSqlite } from '../test/helpers/app';
import { spawnRelay, stopChild } from '../test/helpers/child';
import { openDatabase } from '../src/store/db';
import { migrateToLatest } from '../src/store/migrations';
import { createRepositories } from '../src/store';

const MINUTES = Number(process.env.SOAK_MINUTES ?? 10);
const RATE = Number(process.env.SOAK_RATE ?? 5);
const SAMPLE_S = Number(process.env.SOAK_SAMPLE_SECONDS ?? 30);
const SUBSCRIBERS = 50;

const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });

function request(url: string, method: string, body?: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = http.request(url, { method, agent, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const metric = (text: string, name: string) => {
  const m = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`, 'm').exec(text);
  return m ? Number(m[1]) : NaN;
};
const rows = (text: string, table: string) =>
  metric(text.replace(`{table="${table}"}`, `_${table}`), `relay_table_rows_${table}`);
const mib = (b: number) => (b / 1048576).toFixed(1);

async function main() {
  const smtp = new SmtpSink({ parse: false });
  await smtp.start();
  const dbUrl = tempSqlite();
  const handle = openDatabase(dbUrl, { poolSize: 2 });
  await migrateToLatest(handle);
  const repos = createRepositories(handle);
  for (let i = 0; i < SUBSCRIBERS; i++) {
    await repos.users.putUser(
      `user${i}`,
      { email: `user${i}@example.com`, confirmed: true, digestMinutes: 1 + (i % 3) },
      { now: Date.now(), defaultDigestMinutes: 1, confirmUrl: (t) => t, trustConfirmed: true }
    );
  }
  await handle.db.destroy();
  const relay = await spawnRelay(
    baseEnv(smtp.port, dbUrl, {
      RELAY_RATE_LIMIT_PER_MINUTE: '1000000',
      RELAY_WORKER_POLL_MS: '200',
      // Production-like retries (the test defaults retry every few hundred ms).
      RELAY_RETRY_BASE_MS: '5000',
      RELAY_RETRY_MAX_MS: '60000',
    })
  );
  const started = Date.now();
  let sent = 0;
  let failed = 0;
  let n = 0;
  // Alert states: 200 VMs, each flips firing/resolved every so often, so most webhooks hold new states.
  const tick = setInterval(() => {
    const k = n++;
    const alerts = Array.from({ length: 3 }, (_, i) => {
      const vm = (k * 3 + i) % 200;
      const round = Math.floor((k * 3 + i) / 200);
      return alert(
        { vm: `soak-${vm}`, cluster: `c${vm % 4}`, severity: vm % 5 === 0 ? 'critical' : 'warning' },
        {
          status: round % 2 ? 'resolved' : 'firing',
          startsAt: new Date(started + Math.floor(round / 2) * 60000).toISOString(),
          fingerprint: `soak${vm.toString(16).padStart(12, '0')}`,
          value: 80 + (k % 20),
        }
      );
    });
    const body = JSON.stringify(payload(alerts, { groupKey: `soak-${k % 50}` }));
    request(`${relay.url}/webhook/grafana`, 'POST', body, sign(body)).then(
      (r) => (r.status === 202 ? sent++ : failed++),
      () => failed++
    );
  }, 1000 / RATE);
  // SMTP refuses temporarily one minute in five.
  const outage = setInterval(() => {
    const minute = Math.floor((Date.now() - started) / 60000);
    smtp.mode = minute % 5 === 4 ? 'tempfail' : 'accept';
  }, 1000);

  const samples: Array<{
    t: number;
    rss: number;
    heap: number;
    cpu: number;
    mails: number;
    events: number;
    db: number;
  }> = [];
  const sample = async () => {
    const m = (await request(`${relay.url}/metrics`, 'GET')).text;
    const s = {
      t: Math.round((Date.now() - started) / 1000),
      rss: metric(m, 'relay_process_resident_memory_bytes'),
      heap: metric(m, 'relay_nodejs_heap_size_used_bytes'),
      cpu: metric(m, 'relay_process_cpu_seconds_total'),
      mails: smtp.count,
      events: rows(m, 'alert_events'),
      db: metric(m, 'relay_database_bytes'),
    };
    samples.push(s);
    process.stdout.write(
      `t=${String(s.t).padStart(5)}s  rss=${mib(s.rss)} MiB  heap=${mib(s.heap)} MiB  cpu=${s.cpu.toFixed(1)} s  ` +
        `webhooks=${sent} (failed ${failed})  mails=${s.mails}  alert_events=${s.events}  db=${mib(s.db)} MiB\n`
    );
  };
  await sample();
  while (Date.now() - started < MINUTES * 60000) {
    await new Promise((r) => setTimeout(r, SAMPLE_S * 1000));
    await sample();
  }
  clearInterval(tick);
  clearInterval(outage);
  smtp.mode = 'accept';
  // Compare the second half with the first: growth that continues shows as a positive slope.
  const half = samples.filter((s) => s.t >= (MINUTES * 60) / 2);
  const slope = (key: 'rss' | 'heap') => {
    const xs = half.map((s) => s.t);
    const ys = half.map((s) => s[key]);
    const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
    const my = ys.reduce((a, b) => a + b, 0) / ys.length;
    const num = xs.reduce((a, x, i) => a + (x - mx) * (ys[i] - my), 0);
    const den = xs.reduce((a, x) => a + (x - mx) ** 2, 0);
    return den === 0 ? 0 : (num / den) * 60; // bytes per minute
  };
  const peak = (key: 'rss' | 'heap') => Math.max(...samples.map((s) => s[key]));
  process.stdout.write(
    `\nsoak ${MINUTES} min at ${RATE} webhooks/s: ${sent} accepted, ${failed} failed, ${smtp.count} mails\n` +
      `RSS first ${mib(samples[0].rss)} / peak ${mib(peak('rss'))} / last ${mib(samples[samples.length - 1].rss)} MiB; ` +
      `second-half slope ${(slope('rss') / 1024).toFixed(0)} KiB/min\n` +
      `heap first ${mib(samples[0].heap)} / peak ${mib(peak('heap'))} / last ${mib(samples[samples.length - 1].heap)} MiB; ` +
      `second-half slope ${(slope('heap') / 1024).toFixed(0)} KiB/min\n` +
      `relay CPU ${(samples[samples.length - 1].cpu - samples[0].cpu).toFixed(0)} s over ${MINUTES * 60} s\n`
  );
  await stopChild(relay);
  await smtp.stop();
  agent.destroy();
}

main().catch((err) => {
  process.stderr.write(`soak failed: ${(err as Error).stack}\n`);
  process.exit(1);
});
