// Issue 14 (relay): identity from Grafana, confirmation throttling and re-sending, audited
// subscription changes, audit scope per data source / vCenter / org, token redaction in logs,
// rate limits. Real SQLite and a real SMTP server.
import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { SmtpSink } from '../../scripts/support/mail-catcher';
import { baseEnv, internalHeaders, startApp, tempSqlite, waitUntil } from './helpers/app';

const put = (app: FastifyInstance, login: string, payload: object, actor?: { login: string; role: string }) =>
  app.inject({
    method: 'PUT',
    url: `/internal/users/${login}`,
    headers: { ...internalHeaders, ...(actor ? { 'x-actor-login': actor.login, 'x-actor-role': actor.role } : {}) },
    payload,
  });
const auditOf = async (app: FastifyInstance, query = '') =>
  (await app.inject({ url: `/internal/audit?pageSize=500${query}`, headers: internalHeaders })).json() as {
    items: Array<
      { action: string; user: { login: string; role: string }; params: Record<string, unknown> } & Record<
        string,
        unknown
      >
    >;
    total: number;
  };

describe('subscriptions: identity from Grafana, throttled confirmations, audit', () => {
  const smtp = new SmtpSink();
  let app: FastifyInstance;
  const admin = { login: 'root', role: 'Admin' };

  beforeAll(async () => {
    await smtp.start();
    app = await startApp(
      baseEnv(smtp.port, tempSqlite(), {
        RELAY_CONFIRM_MAX_PER_USER_PER_HOUR: '2',
        RELAY_CONFIRM_MAX_PER_ADDRESS_PER_HOUR: '3',
      })
    );
  });
  afterAll(async () => {
    await app.close();
    await smtp.stop();
  });
  const drained = () => waitUntil(async () => (await app.outboxRepository.queueDepth()).outbox === 0);

  it("refuses a save without the user's Grafana e-mail, clearly, and stores nothing", async () => {
    for (const body of [{ minSeverity: 'critical' }, { email: '', minSeverity: 'critical' }]) {
      const r = await put(app, 'noemail', body);
      expect(r.statusCode).toBe(400);
      expect(r.json()).toEqual({
        error: 'no_email',
        message: 'Grafana has no e-mail address for noemail: add one to the Grafana account before subscribing',
      });
    }
    expect((await app.inject({ url: '/internal/users/noemail', headers: internalHeaders })).statusCode).toBe(404);
    expect((await auditOf(app)).total).toBe(0);
  });

  it("lets an Admin change another user's preferences but never their address, and audits who did what", async () => {
    const own = await put(app, 'ann', { email: 'ann@example.com', name: 'Ann' });
    expect(own.json()).toMatchObject({ email: 'ann@example.com', confirmed: false, confirmation: 'sent' });
    await smtp.waitFor(1);
    await drained();
    smtp.mails = [];

    // An Admin cannot register someone who never registered (their address is unknown to the relay).
    const create = await put(app, 'bea', { email: 'attacker@evil.test' }, admin);
    expect(create.statusCode).toBe(404);
    expect(create.json().error).toBe('not_registered');
    // Nor redirect ann's mail to another address.
    const redirect = await put(app, 'ann', { email: 'attacker@evil.test', minSeverity: 'info' }, admin);
    expect(redirect.statusCode).toBe(403);
    expect(redirect.json().error).toBe('identity_from_grafana');
    const unchanged = (await app.inject({ url: '/internal/users/ann', headers: internalHeaders })).json();
    expect(unchanged).toMatchObject({ email: 'ann@example.com', minSeverity: 'warning', name: 'Ann' });

    // Preferences only: saved, address and name kept, no confirmation mail on the Admin's behalf.
    const prefs = await put(app, 'ann', { minSeverity: 'critical', matchers: { cluster: ['c1'] } }, admin);
    expect(prefs.statusCode).toBe(200);
    expect(prefs.json()).toMatchObject({
      email: 'ann@example.com',
      name: 'Ann',
      minSeverity: 'critical',
      confirmation: 'pending',
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(smtp.mails).toHaveLength(0);

    const del = await app.inject({
      method: 'DELETE',
      url: '/internal/users/ann',
      headers: { ...internalHeaders, 'x-actor-login': 'root', 'x-actor-role': 'Admin' },
    });
    expect(del.statusCode).toBe(204);

    const events = (await auditOf(app, '&user=root')).items;
    expect(events.map((e) => [e.action, e.user.role, e.params.login])).toEqual([
      ['subscriptionDelete', 'Admin', 'ann'],
      ['subscriptionChange', 'Admin', 'ann'],
    ]);
    expect(events[1].params).toMatchObject({
      changed: ['matchers', 'minSeverity'],
      emailChanged: false,
      confirmation: 'pending',
    });
    expect(events[1].vm).toEqual({ id: '', name: '' });
    const own1 = (await auditOf(app, '&user=ann')).items;
    expect(own1.map((e) => [e.action, e.params.created, e.params.confirmation])).toEqual([
      ['subscriptionChange', true, 'sent'],
    ]);
  });

  it('re-sends the confirmation when an unconfirmed address is saved again, within the hourly limit per user', async () => {
    smtp.mails = [];
    const states: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await put(app, 'cid', { email: 'cid@example.com', digestMinutes: i });
      expect(r.statusCode).toBe(200);
      states.push(r.json().confirmation);
    }
    expect(states).toEqual(['sent', 'sent', 'throttled']);
    await smtp.waitFor(2);
    await drained();
    await new Promise((r) => setTimeout(r, 200));
    expect(smtp.mails.map((m) => m.to)).toEqual(['cid@example.com', 'cid@example.com']);
    // The newest link confirms.
    const links = smtp.mails.map((m) => /\/confirm\?token=[A-Za-z0-9_-]+/.exec(m.parsed.text ?? '')![0]);
    expect(links[0]).not.toBe(links[1]);
    expect((await app.inject({ method: 'POST', url: links[1] })).statusCode).toBe(200);
    expect((await app.inject({ url: '/internal/users/cid', headers: internalHeaders })).json().confirmed).toBe(true);
    const confirmed = (await auditOf(app, '&action=confirmAddress')).items;
    expect(confirmed.map((e) => e.params.login)).toEqual(['cid']);
  });

  it('limits confirmation mails per address across logins', async () => {
    smtp.mails = [];
    const got = [];
    for (const login of ['d1', 'd2', 'd3', 'd4']) {
      got.push((await put(app, login, { email: 'Shared@Example.com' })).json().confirmation);
    }
    expect(got).toEqual(['sent', 'sent', 'sent', 'throttled']);
    await smtp.waitFor(3);
    await drained();
    expect(smtp.mails).toHaveLength(3);
  });

  it('never lets an old link confirm a changed address, even when the new mail is throttled', async () => {
    smtp.mails = [];
    await put(app, 'eli', { email: 'eli@example.com' });
    await put(app, 'eli', { email: 'eli@example.com' });
    await smtp.waitFor(2);
    const link = /\/confirm\?token=[A-Za-z0-9_-]+/.exec(smtp.mails[1].parsed.text ?? '')![0];
    const moved = await put(app, 'eli', { email: 'eli2@example.com' });
    expect(moved.json()).toMatchObject({ email: 'eli2@example.com', confirmation: 'throttled' });
    expect((await app.inject({ method: 'POST', url: link })).statusCode).toBe(400);
    expect((await app.inject({ url: '/internal/users/eli', headers: internalHeaders })).json().confirmed).toBe(false);
  });
});

describe('audit events carry and filter data source, vCenter and org', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await startApp(baseEnv(1, tempSqlite()), { startWorker: false });
  });
  afterAll(async () => app.close());

  it('keeps the same VM id of two vCenters apart', async () => {
    const ev = (datasourceUid: string, vcenter: string, orgId: number) => ({
      time: '2026-11-26T10:00:00.000Z',
      user: { login: 'ops', email: 'ops@example.com', role: 'Editor' },
      action: 'power',
      vm: { id: 'vm-1001', name: `${vcenter}-web-01` },
      params: { action: 'stop' },
      outcome: 'success',
      datasourceUid,
      vcenter,
      orgId,
    });
    for (const e of [ev('ds-a', 'vc-a', 1), ev('ds-b', 'vc-b', 1), ev('ds-b', 'vc-b', 2)]) {
      const r = await app.inject({ method: 'POST', url: '/internal/audit', headers: internalHeaders, payload: e });
      expect(r.statusCode).toBe(201);
    }
    const q = async (s: string) =>
      (await app.inject({ url: `/internal/audit?vm=vm-1001${s}`, headers: internalHeaders })).json();
    expect((await q('')).total).toBe(3);
    const a = await q('&datasourceUid=ds-a');
    expect(a.items).toEqual([{ id: expect.any(String), ...ev('ds-a', 'vc-a', 1) }]);
    expect((await q('&vcenter=vc-b')).total).toBe(2);
    expect((await q('&vcenter=vc-b&orgId=2')).items.map((e: { orgId: number }) => e.orgId)).toEqual([2]);
    expect((await q('&orgId=1')).total).toBe(2);
    const bad = await app.inject({
      method: 'POST',
      url: '/internal/audit',
      headers: internalHeaders,
      payload: { ...ev('ds-a', 'vc-a', 1), orgId: 'one' },
    });
    expect(bad.statusCode).toBe(400);
  });
});

describe('logs and limits', () => {
  it('never logs confirmation or unsubscribe tokens from request URLs', async () => {
    const logs = new PassThrough();
    let out = '';
    logs.on('data', (d) => (out += d));
    const app = await startApp(baseEnv(1, tempSqlite(), { LOG_LEVEL: 'info' }), {
      startWorker: false,
      logStream: logs,
    });
    try {
      const token = 'SeCrEtToKeN0123456789abcdefABCDEF';
      await app.inject({ method: 'GET', url: `/confirm?token=${token}` });
      await app.inject({ method: 'POST', url: `/confirm?token=${token}` });
      await app.inject({ method: 'POST', url: `/unsubscribe?x=1&token=${token}.${'0'.repeat(64)}` });
      await new Promise((r) => setImmediate(r));
      expect(out).toContain('/confirm?token=[redacted]');
      expect(out).toContain('/unsubscribe?x=1&token=[redacted]');
      expect(out).not.toContain(token);
    } finally {
      await app.close();
    }
  });

  it('rate limits the internal API and the public link pages', async () => {
    const app = await startApp(
      baseEnv(1, tempSqlite(), { RELAY_INTERNAL_RATE_LIMIT_PER_MINUTE: '3', RELAY_PUBLIC_RATE_LIMIT_PER_MINUTE: '2' }),
      { startWorker: false }
    );
    try {
      const internal = [];
      for (let i = 0; i < 4; i++) {
        internal.push((await app.inject({ url: '/internal/users', headers: internalHeaders })).statusCode);
      }
      expect(internal).toEqual([200, 200, 200, 429]);
      const limited = await app.inject({ url: '/internal/users', headers: internalHeaders });
      expect(limited.json().error).toBe('rate_limited');
      const pub = [];
      for (let i = 0; i < 3; i++) {
        pub.push((await app.inject({ url: '/confirm?token=abc' })).statusCode);
      }
      expect(pub).toEqual([200, 200, 429]);
    } finally {
      await app.close();
    }
  });
});
