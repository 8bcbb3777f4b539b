import type { FastifyInstance } from 'fastify';
import { SmtpSink } from '../../scripts/support/mail-catcher';
import { alert, baseEnv, internalHeaders, payload, sign, startApp, tempSqlite, waitUntil } from './helpers/app';
import { unsubscribeToken } from '../src/mail/tokens';

describe('internal API, double opt-in, unsubscribe, audit (SQLite, real SMTP)', () => {
  const smtp = new SmtpSink();
  let app: FastifyInstance;

  beforeAll(async () => {
    await smtp.start();
    app = await startApp(baseEnv(smtp.port, tempSqlite()));
  });
  afterAll(async () => {
    await app.close();
    await smtp.stop();
  });

  const hook = async (body: object) => {
    const s = JSON.stringify(body);
    const r = await app.inject({ method: 'POST', url: '/webhook/grafana', payload: s, headers: sign(s) });
    expect(r.statusCode).toBe(202);
  };
  const drained = () =>
    waitUntil(async () => {
      const d = await app.outboxRepository.queueDepth();
      return d.outbox === 0 && d.notifications === 0;
    });

  it('refuses calls without the internal token', async () => {
    expect((await app.inject('/internal/users')).statusCode).toBe(401);
    expect(
      (await app.inject({ url: '/internal/users', headers: { authorization: 'Bearer wrong-token-wrong-token' } }))
        .statusCode
    ).toBe(401);
  });

  it('registers a user, sends a confirmation mail, and only mails alerts after confirmation', async () => {
    const put = await app.inject({
      method: 'PUT',
      url: '/internal/users/carol',
      headers: internalHeaders,
      payload: {
        login: 'carol',
        email: 'carol@example.com',
        name: 'Carol',
        confirmed: true,
        minSeverity: 'warning',
        matchers: { cluster: ['cluster-a'] },
        firing: true,
        resolved: true,
        digestMinutes: 0,
      },
    });
    expect(put.statusCode).toBe(200);
    // `confirmed` from the caller is ignored: only the link confirms.
    expect(put.json()).toMatchObject({
      login: 'carol',
      email: 'carol@example.com',
      confirmed: false,
      matchers: { cluster: ['cluster-a'] },
    });
    await smtp.waitFor(1);
    const confirm = smtp.mails[0].parsed;
    expect(confirm.subject).toBe('Confirm your PrivateCloud Monitor alert e-mails');
    const link = /http:\/\/relay\.test:3100(\/confirm\?token=[A-Za-z0-9_-]+)/.exec(confirm.text ?? '')![1];

    // Before confirmation an alert reaches nobody.
    await hook(payload([alert({ vm: 'v1', cluster: 'cluster-a', severity: 'critical' })]));
    await drained();
    expect(smtp.mails).toHaveLength(1);

    // GET shows a page only (mail scanners fetch links); POST confirms.
    expect((await app.inject(link)).statusCode).toBe(200);
    expect(
      (await app.inject({ method: 'GET', url: '/internal/users/carol', headers: internalHeaders })).json().confirmed
    ).toBe(false);
    expect((await app.inject({ method: 'POST', url: link })).statusCode).toBe(200);
    expect(
      (await app.inject({ method: 'GET', url: '/internal/users/carol', headers: internalHeaders })).json().confirmed
    ).toBe(true);
    expect((await app.inject({ method: 'POST', url: link })).statusCode).toBe(400);

    await hook(payload([alert({ vm: 'v2', cluster: 'cluster-a', severity: 'critical' })]));
    await smtp.waitFor(2);
    expect(smtp.mails[1].parsed.subject).toBe('[CRITICAL] CPU 97% on vm v2 (cluster-a)');

    // Changing the address needs a new confirmation.
    const changed = await app.inject({
      method: 'PUT',
      url: '/internal/users/carol',
      headers: internalHeaders,
      payload: { email: 'carol2@example.com' },
    });
    expect(changed.json()).toMatchObject({ confirmed: false, matchers: { cluster: ['cluster-a'] } });
    await smtp.waitFor(3);
    expect(smtp.mails[2].to).toBe('carol2@example.com');
  });

  it('rejects invalid registrations without changing anything', async () => {
    const before = (await app.inject({ url: '/internal/users', headers: internalHeaders })).json();
    for (const body of [
      { email: 'not-an-address' },
      { email: 'x@example.com', minSeverity: 'loud' },
      { email: 'x@example.com', quietHours: { start: '25:00', end: '07:00', tz: 'UTC' } },
      { email: 'x@example.com', bogus: 1 },
    ]) {
      const r = await app.inject({
        method: 'PUT',
        url: '/internal/users/dave',
        headers: internalHeaders,
        payload: body,
      });
      expect(r.statusCode).toBe(400);
      expect(r.json().error).toBe('bad_request');
    }
    const mismatch = await app.inject({
      method: 'PUT',
      url: '/internal/users/dave',
      headers: internalHeaders,
      payload: { login: 'eve', email: 'x@example.com' },
    });
    expect(mismatch.statusCode).toBe(400);
    expect((await app.inject({ url: '/internal/users', headers: internalHeaders })).json()).toEqual(before);
    expect((await app.inject({ url: '/internal/users/dave', headers: internalHeaders })).statusCode).toBe(404);
  });

  it('unsubscribes with the signed link (page + POST, and RFC 8058 one-click) and refuses forged tokens', async () => {
    await app.usersRepository.putUser('frank', { email: 'frank@example.com', confirmed: true } as never, {
      now: Date.now(),
      defaultDigestMinutes: 0,
      confirmUrl: (t) => t,
      trustConfirmed: true,
    });
    await app.usersRepository.putUser('grace', { email: 'grace@example.com', confirmed: true } as never, {
      now: Date.now(),
      defaultDigestMinutes: 0,
      confirmUrl: (t) => t,
      trustConfirmed: true,
    });
    await drained();
    smtp.mails = [];
    await hook(payload([alert({ vm: 'u1', severity: 'critical' })]));
    await smtp.waitFor(2);
    const frankMail = smtp.to('frank@example.com')[0].parsed;
    const url = /http:\/\/relay\.test:3100(\/unsubscribe\?token=[^\s>]+)/.exec(frankMail.text ?? '')![1];

    // Forgeries: frank's signature with grace's login, a made-up signature, a token signed with another key.
    const sig = url.split('.').pop()!;
    const forged = [
      `/unsubscribe?token=${Buffer.from('grace').toString('base64url')}.${sig}`,
      `/unsubscribe?token=${Buffer.from('grace').toString('base64url')}.${'0'.repeat(64)}`,
      `/unsubscribe?token=${unsubscribeToken('some-other-secret-123456', 'grace', 'grace@example.com')}`,
      '/unsubscribe?token=garbage',
    ];
    for (const f of forged) {
      expect(
        (
          await app.inject({
            method: 'POST',
            url: f,
            payload: 'List-Unsubscribe=One-Click',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
          })
        ).statusCode
      ).toBe(400);
    }
    expect((await app.inject(url)).statusCode).toBe(200);
    expect((await app.inject({ url: '/internal/users/frank', headers: internalHeaders })).json().firing).toBe(true);
    // One-click POST as a mail client sends it.
    const r = await app.inject({
      method: 'POST',
      url,
      payload: 'List-Unsubscribe=One-Click',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(r.statusCode).toBe(200);
    expect((await app.inject({ url: '/internal/users/frank', headers: internalHeaders })).json()).toMatchObject({
      firing: false,
      resolved: false,
    });
    expect((await app.inject({ url: '/internal/users/grace', headers: internalHeaders })).json()).toMatchObject({
      firing: true,
    });

    smtp.mails = [];
    await hook(payload([alert({ vm: 'u2', severity: 'critical' })]));
    await smtp.waitFor(1);
    await drained();
    expect(smtp.mails.map((m) => m.to)).toEqual(['grace@example.com']);
  });

  it('deletes a user', async () => {
    expect(
      (await app.inject({ method: 'DELETE', url: '/internal/users/grace', headers: internalHeaders })).statusCode
    ).toBe(204);
    expect(
      (await app.inject({ method: 'DELETE', url: '/internal/users/grace', headers: internalHeaders })).statusCode
    ).toBe(404);
  });

  it('stores audit events and answers them paged and filtered, newest first', async () => {
    const ev = (i: number, vm: string, login: string) => ({
      time: new Date(Date.UTC(2026, 10, 26, 10, i)).toISOString(),
      user: { login, email: `${login}@example.com`, role: 'Editor' },
      action: 'power',
      vm: { id: vm, name: `name-${vm}` },
      params: { action: 'start', i },
      outcome: i % 2 ? 'success' : 'failed',
      ...(i % 2 ? {} : { error: 'vCenter said no' }),
    });
    for (let i = 0; i < 7; i++) {
      const r = await app.inject({
        method: 'POST',
        url: '/internal/audit',
        headers: internalHeaders,
        payload: ev(i, i < 5 ? 'vm-1' : 'vm-2', i < 3 ? 'ann' : 'ben'),
      });
      expect(r.statusCode).toBe(201);
      expect(r.json().id).toMatch(/^\d+$/);
    }
    // The relay's own subscription records are in the log too; this test reads the VM actions.
    const all = (await app.inject({ url: '/internal/audit?action=power&pageSize=3', headers: internalHeaders })).json();
    expect(all.total).toBe(7);
    expect(all.items.map((e: { params: { i: number } }) => e.params.i)).toEqual([6, 5, 4]);
    const p3 = (
      await app.inject({ url: '/internal/audit?action=power&pageSize=3&page=3', headers: internalHeaders })
    ).json();
    expect(p3.items.map((e: { params: { i: number } }) => e.params.i)).toEqual([0]);
    const byVm = (await app.inject({ url: '/internal/audit?vm=name-vm-2', headers: internalHeaders })).json();
    expect(byVm.total).toBe(2);
    const byUserAndTime = (
      await app.inject({
        url: `/internal/audit?user=ann&from=${encodeURIComponent('2026-11-26T10:01:00.000Z')}`,
        headers: internalHeaders,
      })
    ).json();
    expect(byUserAndTime.items.map((e: { params: { i: number } }) => e.params.i)).toEqual([2, 1]);
    expect(byUserAndTime.items[1]).toEqual({ id: expect.any(String), ...ev(1, 'vm-1', 'ann') });
    const bad = await app.inject({
      method: 'POST',
      url: '/internal/audit',
      headers: internalHeaders,
      payload: { ...ev(9, 'vm-9', 'x'), action: 'explode' },
    });
    expect(bad.statusCode).toBe(400);
    expect((await app.inject({ url: '/internal/audit?vm=vm-9', headers: internalHeaders })).json().total).toBe(0);
  });

  it('records a guest customization (action customize) and filters by it', async () => {
    const ev = {
      time: '2026-11-26T11:00:00.000Z',
      user: { login: 'ada', email: 'ada@example.com', role: 'Admin' },
      action: 'customize',
      vm: { id: 'vm-77', name: 'web-01' },
      params: {
        spec: 'linux-static-web',
        hostName: 'web-01',
        ip: { address: '10.50.0.11', prefix: 16, gateway: '10.50.0.1' },
      },
      outcome: 'success',
    };
    const r = await app.inject({ method: 'POST', url: '/internal/audit', headers: internalHeaders, payload: ev });
    expect(r.statusCode).toBe(201);
    const got = (await app.inject({ url: '/internal/audit?action=customize', headers: internalHeaders })).json();
    expect(got.total).toBe(1);
    expect(got.items[0]).toEqual({ id: r.json().id, ...ev });
  });
});
