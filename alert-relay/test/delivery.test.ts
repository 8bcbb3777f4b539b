import type { FastifyInstance } from 'fastify';
import { SmtpSink } from '../../scripts/support/mail-catcher';
import {
  alert,
  baseEnv,
  internalHeaders,
  payload,
  sign,
  startApp,
  tempPgDatabase,
  tempSqlite,
  waitUntil,
} from './helpers/app';

async function addUser(app: FastifyInstance, login: string, extra: Record<string, unknown> = {}) {
  await app.usersRepository.putUser(login, { email: `${login}@example.com`, confirmed: true, ...extra } as never, {
    now: Date.now(),
    defaultDigestMinutes: 0,
    confirmUrl: (t) => t,
    trustConfirmed: true,
  });
}

async function hook(app: FastifyInstance, body: object) {
  const s = JSON.stringify(body);
  const r = await app.inject({ method: 'POST', url: '/webhook/grafana', payload: s, headers: sign(s) });
  expect(r.statusCode).toBe(202);
}

const outboxStates = async (app: FastifyInstance) =>
  (
    await app.database.db
      .selectFrom('outbox')
      .select(['state', 'kind', 'login', 'attempts', 'last_error'])
      .orderBy('id')
      .execute()
  ).filter((r) => r.kind !== 'confirm');

describe.each([
  ['SQLite', async () => tempSqlite()],
  ['PostgreSQL', tempPgDatabase],
])('delivery that loses nothing (%s, real SMTP)', (_name, makeDb) => {
  const smtp = new SmtpSink();
  let app: FastifyInstance;

  beforeEach(async () => {
    smtp.mode = 'accept';
    smtp.mails = [];
    await smtp.start();
    app = await startApp(baseEnv(smtp.port, await makeDb()));
  });
  afterEach(async () => {
    await app.close();
    await smtp.stop();
  });

  it('keeps mail while SMTP is down and delivers every one once it is back', async () => {
    await addUser(app, 'ops1');
    await addUser(app, 'ops2');
    await smtp.stop();
    for (let i = 0; i < 3; i++) {
      await hook(app, payload([alert({ vm: `down-${i}`, severity: 'critical' })]));
    }
    await waitUntil(
      async () => (await outboxStates(app)).filter((r) => r.attempts >= 2 && r.state === 'pending').length === 6,
      20000,
      'retries while down'
    );
    const rows = await outboxStates(app);
    expect(rows.every((r) => r.last_error && /ECONNREFUSED|ESOCKET|ECONNECTION|connect/i.test(r.last_error))).toBe(
      true
    );
    expect(smtp.mails).toHaveLength(0);
    await smtp.start();
    await smtp.waitFor(6);
    await waitUntil(async () => (await outboxStates(app)).every((r) => r.state === 'sent'), 20000, 'all sent');
    expect(smtp.mails.map((m) => `${m.to} ${m.parsed.subject}`).sort()).toEqual(
      ['ops1', 'ops2']
        .flatMap((u) => [0, 1, 2].map((i) => `${u}@example.com [CRITICAL] CPU 97% on vm down-${i}`))
        .sort()
    );
    const metrics = (await app.inject('/metrics')).body;
    expect(metrics).toMatch(/relay_emails_retried_total [1-9]/);
  });

  it('parks mail the SMTP server rejects permanently, with the reason, and keeps it visible', async () => {
    await addUser(app, 'gone');
    smtp.mode = 'reject';
    await hook(app, payload([alert({ vm: 'rej-1', severity: 'critical' })]));
    await waitUntil(async () => (await outboxStates(app)).some((r) => r.state === 'parked'), 20000, 'parked');
    const [row] = await outboxStates(app);
    expect(row).toMatchObject({ state: 'parked', attempts: 1 });
    expect(row.last_error).toMatch(/^SMTP 550/);
    const parked = await app.inject({
      url: '/internal/outbox/parked',
      headers: internalHeaders,
    });
    expect(parked.json()).toEqual([
      expect.objectContaining({ login: 'gone', reason: expect.stringMatching(/^SMTP 550/) }),
    ]);
    // The counter moves right after the row is parked (the row can be read first).
    await waitUntil(
      async () => /relay_emails_parked_total 1\b/.test((await app.inject('/metrics')).body),
      5000,
      'parked counter'
    );
    expect(smtp.mails).toHaveLength(0);
  });

  it('retries temporary (4xx) rejections until accepted', async () => {
    await addUser(app, 'later');
    smtp.mode = 'tempfail';
    await hook(app, payload([alert({ vm: 'tmp-1', severity: 'critical' })]));
    await waitUntil(async () => (await outboxStates(app))[0]?.attempts >= 2, 20000, 'two attempts');
    expect((await outboxStates(app))[0].last_error).toMatch(/^SMTP 451/);
    smtp.mode = 'accept';
    await smtp.waitFor(1);
    expect(smtp.mails[0].parsed.subject).toBe('[CRITICAL] CPU 97% on vm tmp-1');
  });

  it('turns an alert storm into one immediate mail plus one digest per subscriber per window', async () => {
    const users = ['s1', 's2', 's3'];
    for (const u of users) {
      await addUser(app, u, { digestMinutes: 1 });
    }
    // 40 notifications x 5 alerts arrive within a few seconds.
    for (let n = 0; n < 40; n++) {
      await hook(
        app,
        payload(
          Array.from({ length: 5 }, (_, i) =>
            alert({ vm: `storm-${n}-${i}`, cluster: 'c1', severity: i === 0 ? 'critical' : 'warning' })
          ),
          { groupKey: `storm-${n}` }
        )
      );
    }
    await smtp.waitFor(3);
    await waitUntil(async () => (await app.outboxRepository.queueDepth()).notifications === 0, 20000, 'fan-out');
    const rows = await outboxStates(app);
    for (const u of users) {
      const mine = rows.filter((r) => r.login === u);
      expect(mine.map((r) => r.kind)).toEqual(['alert', 'digest']);
    }
    // The digest is due at the end of the window: pull its time forward instead of waiting a minute.
    await app.database.db
      .updateTable('outbox')
      .set({ not_before: Date.now(), next_attempt_at: Date.now() })
      .where('kind', '=', 'digest')
      .execute();
    app.outboxWorker!.wake();
    await smtp.waitFor(6);
    await new Promise((r) => setTimeout(r, 300));
    expect(smtp.mails).toHaveLength(6);
    for (const u of users) {
      const mails = smtp.to(`${u}@example.com`).map((m) => m.parsed);
      expect(mails).toHaveLength(2);
      const digest = mails.find((m) => m.subject!.startsWith('[DIGEST]'))!;
      const first = mails.find((m) => !m.subject!.startsWith('[DIGEST]'))!;
      const vms = (t: string) => new Set(t.match(/storm-\d+-\d/g) ?? []);
      const a = vms(first.text!);
      const b = vms(digest.text!);
      const inDigest = b.size;
      // Every one of the 200 alerts reaches every subscriber exactly once.
      expect(a.size + b.size).toBe(200);
      expect([...a].filter((v) => b.has(v))).toEqual([]);
      expect(digest.subject).toBe(
        `[DIGEST] ${inDigest} alert updates: ${inDigest} firing (${inDigest / 5} critical), 0 resolved`
      );
    }
  });

  it('holds mail during quiet hours and sends it as one digest when they end', async () => {
    const now = new Date();
    const hhmm = (d: Date) =>
      `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
    await addUser(app, 'night', {
      quietHours: {
        start: hhmm(new Date(now.getTime() - 3600000)),
        end: hhmm(new Date(now.getTime() + 3600000)),
        tz: 'UTC',
      },
    });
    await addUser(app, 'day');
    await hook(app, payload([alert({ vm: 'q1', severity: 'critical' })]));
    await hook(app, payload([alert({ vm: 'q2', severity: 'critical' })]));
    await smtp.waitFor(2);
    await waitUntil(async () => (await app.outboxRepository.queueDepth()).notifications === 0);
    expect(smtp.mails.every((m) => m.to === 'day@example.com')).toBe(true);
    const held = (await outboxStates(app)).filter((r) => r.login === 'night');
    expect(held).toEqual([expect.objectContaining({ kind: 'digest', state: 'pending' })]);
    const nb = await app.database.db
      .selectFrom('outbox')
      .select('not_before')
      .where('login', '=', 'night')
      .executeTakeFirstOrThrow();
    expect(Math.abs(Number(nb.not_before) - (now.getTime() + 3600000))).toBeLessThan(61000);
  });
  it('sends a clearly marked test mail to a confirmed address only, through the outbox', async () => {
    await addUser(app, 'tester');
    const r = await app.inject({
      method: 'POST',
      url: '/internal/users/tester/test-mail',
      headers: internalHeaders,
    });
    expect(r.statusCode).toBe(202);
    expect(r.json()).toEqual({ sentTo: 'tester@example.com' });
    await smtp.waitFor(1);
    expect(smtp.mails.map((m) => `${m.to} ${m.parsed.subject}`)).toEqual([
      'tester@example.com [TEST] PrivateCloud Monitor alert e-mail test',
    ]);
    expect(smtp.mails[0].parsed.text).toContain('No alert is firing');
    await waitUntil(async () => (await outboxStates(app)).every((r) => r.state === 'sent'), 20000, 'test mail sent');

    await addUser(app, 'pending', { confirmed: false });
    const unconfirmed = await app.inject({
      method: 'POST',
      url: '/internal/users/pending/test-mail',
      headers: internalHeaders,
    });
    expect(unconfirmed.statusCode).toBe(409);
    expect(unconfirmed.json().message).toMatch(/not confirmed/);
    const nobody = await app.inject({
      method: 'POST',
      url: '/internal/users/ghost/test-mail',
      headers: internalHeaders,
    });
    expect(nobody.statusCode).toBe(409);
    expect(nobody.json().message).toMatch(/no e-mail address is registered/);
    const tests = (await outboxStates(app)).filter((r) => r.kind === 'test');
    expect(tests.map((t) => t.login)).toEqual(['tester']);
    expect(smtp.mails.filter((m) => m.to !== 'tester@example.com' && /TEST/.test(m.parsed.subject ?? ''))).toEqual([]);
  });

  it('throttles test mails per user per hour', async () => {
    await addUser(app, 'eager');
    const codes: number[] = [];
    for (let i = 0; i < 4; i++) {
      codes.push(
        (await app.inject({ method: 'POST', url: '/internal/users/eager/test-mail', headers: internalHeaders }))
          .statusCode
      );
    }
    // baseEnv keeps RELAY_CONFIRM_MAX_PER_USER_PER_HOUR at its default, 3.
    expect(codes).toEqual([202, 202, 202, 429]);
    expect((await outboxStates(app)).filter((r) => r.kind === 'test')).toHaveLength(3);
  });
});
