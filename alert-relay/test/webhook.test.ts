import http from 'node:http';
import type { FastifyInstance } from 'fastify';
import { SmtpSink } from '../../scripts/support/mail-catcher';
import { alert, baseEnv, payload, sign, startApp, tempSqlite, waitUntil, SECRET } from './helpers/app';

/** Registers a confirmed user straight in the store (the double opt-in path is covered in internal.test.ts). */
async function addUser(app: FastifyInstance, login: string, extra: Record<string, unknown> = {}) {
  await app.usersRepository.putUser(login, { email: `${login}@example.com`, confirmed: true, ...extra } as never, {
    now: Date.now(),
    defaultDigestMinutes: 0,
    confirmUrl: (t) => t,
    trustConfirmed: true,
  });
}

/**
 * sendSlowly POSTs a body in 64 KiB writes as a real client does (waiting for drain), and reports
 * the status, the parsed answer, how much was written and any socket error (EPIPE, ECONNRESET).
 */
function sendSlowly(port: number, body: string, headers: Record<string, string>, chunked: boolean) {
  return new Promise<{ status: number; error: string | null; sent: number; body: unknown }>((resolve) => {
    const buf = Buffer.from(body);
    const req = http.request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/webhook/grafana',
      headers: chunked ? headers : { ...headers, 'content-length': String(buf.length) },
    });
    let sent = 0;
    let error: string | null = null;
    let status = 0;
    let answer = '';
    req.on('error', (e: NodeJS.ErrnoException) => {
      error = e.code ?? e.message;
      resolve({ status, error, sent, body: answer });
    });
    req.on('response', (res) => {
      status = res.statusCode ?? 0;
      res.on('data', (d) => (answer += d));
      res.on('end', () => resolve({ status, error, sent, body: JSON.parse(answer || 'null') }));
    });
    const write = () => {
      while (sent < buf.length) {
        const chunk = buf.subarray(sent, sent + 64 * 1024);
        sent += chunk.length;
        if (!req.write(chunk)) {
          req.once('drain', write);
          return;
        }
      }
      req.end();
    };
    write();
  });
}

describe('webhook intake and e-mail (SQLite, real SMTP)', () => {
  const smtp = new SmtpSink();
  let app: FastifyInstance;

  beforeAll(async () => {
    await smtp.start();
    app = await startApp(baseEnv(smtp.port, tempSqlite(), { RELAY_WEBHOOK_BODY_LIMIT_BYTES: String(5 * 1024 * 1024) }));
    await addUser(app, 'alice', { minSeverity: 'warning' });
    await addUser(app, 'bob', { minSeverity: 'critical', matchers: { cluster: ['cluster-b'] } });
  });
  afterAll(async () => {
    await app.close();
    await smtp.stop();
  });
  beforeEach(async () => {
    // Let the previous test's mail finish so each test sees only its own.
    await waitUntil(async () => {
      const d = await app.outboxRepository.queueDepth();
      return d.outbox === 0 && d.notifications === 0;
    });
    smtp.mails = [];
  });

  const post = (body: string, headers: Record<string, string>) =>
    app.inject({ method: 'POST', url: '/webhook/grafana', payload: body, headers });

  it('accepts a signed firing alert and mails the matching subscriber with subject, table, links and an embedded image', async () => {
    const body = JSON.stringify(
      payload([
        alert(
          { vm: 'web-03', cluster: 'cluster-a', severity: 'critical', email: 'attacker@evil.test' },
          { image: 'embedded' }
        ),
      ])
    );
    const res = await post(body, sign(body));
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ accepted: 1, duplicates: 0 });
    await smtp.waitFor(1);
    await new Promise((r) => setTimeout(r, 300));
    // bob only wants cluster-b; the address in the labels is never a recipient.
    expect(smtp.mails.map((m) => m.to)).toEqual(['alice@example.com']);
    const m = smtp.mails[0].parsed;
    expect(m.subject).toBe('[CRITICAL] CPU 97% on vm web-03 (cluster-a)');
    expect(m.from?.text).toContain('alerts@example.com');
    expect(m.text).toContain('value: 97\n');
    expect(m.text).not.toContain('B=97');
    expect(m.text).toContain('since 2026-11-26 20:00 UTC');
    expect(m.text).toContain('silence: http://grafana.test:3000/alerting/silence/new');
    expect(m.html).toContain('href="http://grafana.test:3000/d/pc-vm?orgId=1&amp;viewPanel=2"');
    expect(m.html).toContain('style=');
    expect(m.attachments).toHaveLength(1);
    expect(m.attachments[0].contentType).toBe('image/png');
    expect(m.html).toContain(`cid:${m.attachments[0].cid}`);
    const header = (k: string) => m.headerLines.find((h) => h.key === k)?.line.replace(/\r?\n\s+/g, ' ');
    expect(header('list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(header('list-unsubscribe')).toMatch(
      /^List-Unsubscribe: +<http:\/\/relay\.test:3100\/unsubscribe\?token=[A-Za-z0-9_-]+\.[0-9a-f]{64}>/
    );
  });

  it('is idempotent for a redelivered notification: 2xx and no second mail', async () => {
    const a = alert({ vm: 'db-01', cluster: 'cluster-a', severity: 'warning' });
    const body = JSON.stringify(payload([a]));
    expect((await post(body, sign(body))).statusCode).toBe(202);
    await smtp.waitFor(1);
    // Grafana sends the same group again at its next interval (new timestamp, same alerts).
    const again = await post(body, sign(body, Math.floor(Date.now() / 1000) + 1));
    expect(again.statusCode).toBe(202);
    expect(again.json()).toMatchObject({ accepted: 0, duplicates: 1 });
    await new Promise((r) => setTimeout(r, 500));
    expect(smtp.mails).toHaveLength(1);
  });

  it('sends grouped alerts as one mail, resolved notices, truncation notes and image links', async () => {
    const body = JSON.stringify(
      payload(
        [
          alert({ vm: 'app-1', cluster: 'cluster-b', severity: 'critical' }, { value: 99.5, image: 'url' }),
          alert({ vm: 'app-2', cluster: 'cluster-b', severity: 'warning' }, { value: 91 }),
        ],
        { truncatedAlerts: 3 }
      )
    );
    expect((await post(body, sign(body))).statusCode).toBe(202);
    await smtp.waitFor(2);
    const alice = smtp.to('alice@example.com')[0].parsed;
    const bob = smtp.to('bob@example.com')[0].parsed;
    expect(alice.subject).toBe('[CRITICAL] CPU 99.5% on vm app-1 (cluster-b) and 1 more (+3 more not sent by Grafana)');
    expect(alice.text).toContain('app-2');
    expect(alice.text).toContain('left out 3 more alert(s)');
    expect(alice.html).toContain('<img src="http://grafana.test:3000/public/img/attachments/panel.png"');
    // bob's minimum is critical: only app-1.
    expect(bob.subject).toBe('[CRITICAL] CPU 99.5% on vm app-1 (cluster-b) (+3 more not sent by Grafana)');
    expect(bob.text).not.toContain('app-2');

    smtp.mails = [];
    const resolved = JSON.stringify(
      payload([
        alert(
          { vm: 'app-1', cluster: 'cluster-b', severity: 'critical' },
          { status: 'resolved', value: 12, summary: 'CPU 12%' }
        ),
      ])
    );
    expect((await post(resolved, sign(resolved))).statusCode).toBe(202);
    await smtp.waitFor(2);
    expect(smtp.to('alice@example.com')[0].parsed.subject).toBe('[RESOLVED] CPU 12% on vm app-1 (cluster-b)');
    expect(smtp.to('alice@example.com')[0].parsed.text).toContain(
      'resolved 2026-11-26 20:30 UTC (since 2026-11-26 20:00 UTC)'
    );
  });

  it('refuses bad, missing, stale and replayed signatures, and changes nothing', async () => {
    const body = JSON.stringify(payload([alert({ vm: 'x-1', severity: 'critical' })]));
    const count = async () => {
      const n = await app.database.db
        .selectFrom('notifications')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      const e = await app.database.db
        .selectFrom('alert_events')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      return [Number(n.n), Number(e.n)];
    };
    const before = await count();
    const good = sign(body);
    const bad = {
      ...good,
      'x-grafana-alerting-signature': good['x-grafana-alerting-signature'].replace(/^./, (c) =>
        c === 'a' ? 'b' : 'a'
      ),
    };
    expect((await post(body, bad)).statusCode).toBe(401);
    expect((await post(body, sign(body, undefined, 'another-secret-0123456789'))).statusCode).toBe(401);
    const { ['x-grafana-alerting-signature']: _s, ...noSig } = good;
    expect((await post(body, noSig)).statusCode).toBe(401);
    const { ['x-grafana-alerting-signature-timestamp']: _t, ...noTs } = good;
    expect((await post(body, noTs)).statusCode).toBe(401);
    const stale = await post(body, sign(body, Math.floor(Date.now() / 1000) - 3600));
    expect(stale.statusCode).toBe(401);
    expect(stale.json().error).toBe('stale');
    // The window holds in both directions: a request signed an hour ahead is refused too.
    const future = await post(body, sign(body, Math.floor(Date.now() / 1000) + 3600));
    expect(future.statusCode).toBe(401);
    expect(future.json()).toMatchObject({ error: 'stale', message: expect.stringContaining('in the future') });
    // A body altered after signing fails even though the JSON means the same.
    expect((await post(body.replace('"version":"1"', '"version": "1"'), good)).statusCode).toBe(401);
    expect(await count()).toEqual(before);
    expect((await post(body, good)).statusCode).toBe(202);
    const replay = await post(body, good);
    expect(replay.statusCode).toBe(409);
    expect(replay.json().error).toBe('replayed');
  });

  it('refuses bad JSON, schema violations, wrong content type and oversized bodies with clear errors', async () => {
    const bad = '{"version":"1",';
    const r1 = await post(bad, sign(bad));
    expect(r1.statusCode).toBe(400);
    expect(r1.json()).toEqual({ error: 'bad_request', message: 'body is not valid JSON' });
    const wrong = JSON.stringify({
      version: '1',
      status: 'firing',
      groupKey: 'g',
      alerts: [{ status: 'burning', labels: {}, startsAt: 'x', fingerprint: 'f' }],
    });
    const r2 = await post(wrong, sign(wrong));
    expect(r2.statusCode).toBe(400);
    expect(r2.json().error).toBe('bad_request');
    expect(r2.json().message).toMatch(/status/);
    const empty = JSON.stringify(payload([]));
    expect((await post(empty, sign(empty))).statusCode).toBe(400);
    const text = 'hello';
    const r3 = await post(text, { ...sign(text), 'content-type': 'text/plain' });
    expect(r3.statusCode).toBe(415);
    const huge = JSON.stringify(
      payload([alert({ vm: 'big', severity: 'critical' }, { summary: 'x'.repeat(6 * 1024 * 1024) })])
    );
    const r4 = await post(huge, sign(huge));
    expect(r4.statusCode).toBe(413);
    expect(r4.json().error).toBe('too_large');
  });

  it('answers an oversized body with 413 only after reading it, so the sender sees "too large", not a broken pipe', async () => {
    const small = await startApp(
      baseEnv(smtp.port, tempSqlite(), {
        RELAY_WEBHOOK_BODY_LIMIT_BYTES: String(256 * 1024),
        RELAY_WEBHOOK_BODY_HARD_CAP_BYTES: String(64 * 1024 * 1024),
      }),
      { startWorker: false, listen: true }
    );
    try {
      const port = (small.server.address() as { port: number }).port;
      const huge = JSON.stringify(
        payload([alert({ vm: 'big', severity: 'critical' }, { summary: 'x'.repeat(8 * 1024 * 1024) })])
      );
      for (const chunked of [false, true]) {
        const res = await sendSlowly(port, huge, sign(huge), chunked);
        expect(res).toEqual({
          status: 413,
          error: null,
          sent: Buffer.byteLength(huge),
          body: {
            error: 'too_large',
            message: 'the body is larger than 262144 bytes (RELAY_WEBHOOK_BODY_LIMIT_BYTES)',
          },
        });
      }
    } finally {
      await small.close();
    }
  });

  it("accepts a notification at Grafana's maxAlerts cap and mails one mail that says how many were left out", async () => {
    // One rule firing across a 6,000-VM cluster, capped by the contact point at 1,000 alerts.
    const alerts = Array.from({ length: 1000 }, (_, i) =>
      alert(
        { vm: `cap-${i}`, cluster: 'cluster-a', host: `esx-${i % 40}`, severity: 'warning' },
        { value: 91 + (i % 9) }
      )
    );
    const body = JSON.stringify(payload(alerts, { truncatedAlerts: 5000, groupKey: 'cap' }));
    expect(Buffer.byteLength(body)).toBeGreaterThan(700 * 1024);
    const res = await post(body, sign(body));
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ accepted: 1000 });
    await smtp.waitFor(1);
    const m = smtp.to('alice@example.com')[0].parsed;
    expect(m.subject).toBe('[WARNING] CPU 91% on vm cap-0 (cluster-a) and 999 more (+5000 more not sent by Grafana)');
    expect(m.text).toContain(
      "Grafana left out 5000 more alert(s) (its webhook maxAlerts limit); see Grafana's alert list"
    );
    expect(m.text).toContain('cap-199');
    expect(m.text).toContain('800 more alert update(s) are not listed here');
  });

  it('accepts unknown fields that newer Grafana versions add', async () => {
    const a = {
      ...alert({ vm: 'new-1', cluster: 'cluster-a', severity: 'warning' }),
      enrichments: { foo: 1 },
      somethingNew: [1, 2],
    };
    const body = JSON.stringify(payload([a], { futureField: { x: true } }));
    const res = await post(body, sign(body));
    expect(res.statusCode).toBe(202);
    await smtp.waitFor(1);
    expect(smtp.mails[0].parsed.subject).toBe('[WARNING] CPU 97% on vm new-1 (cluster-a)');
  });

  it('exposes health, readiness (database + SMTP), metrics and OpenAPI docs', async () => {
    expect((await app.inject('/healthz')).json()).toEqual({ status: 'ok' });
    expect((await app.inject('/readyz')).json()).toEqual({ database: 'ok', smtp: 'ok' });
    const metrics = (await app.inject('/metrics')).body;
    expect(metrics).toMatch(/relay_webhooks_received_total\{result="accepted"\} [1-9]/);
    expect(metrics).toMatch(/relay_emails_sent_total\{kind="alert"\} [1-9]/);
    expect(metrics).toMatch(/relay_queue_depth\{queue="outbox"\} \d/);
    expect(metrics).toMatch(/relay_delivery_latency_seconds_count [1-9]/);
    const docs = await app.inject('/docs/json');
    expect(docs.json().paths['/webhook/grafana'].post).toBeDefined();
    expect(docs.json().paths['/internal/audit'].get).toBeDefined();
    expect((await app.inject('/docs')).statusCode).toBeLessThan(400);
  });

  it('does not leak the webhook secret in errors', async () => {
    const body = '{}';
    const r = await post(body, sign(body));
    expect(r.body).not.toContain(SECRET);
  });
});
