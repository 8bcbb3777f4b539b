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
import { PLACEMENTS_MAX } from '../src/schemas/internal';

// Alert series name the VM only (docs/contracts.md §2); the backend pushes where VMs run (§5) and mails say it.
describe.each([
  ['SQLite', async () => tempSqlite()],
  ['PostgreSQL', tempPgDatabase],
])('VM placements in alert mails (%s, real SMTP)', (_name, makeDb) => {
  const smtp = new SmtpSink();
  let app: FastifyInstance;

  beforeAll(async () => {
    await smtp.start();
    app = await startApp(baseEnv(smtp.port, await makeDb()));
    await app.usersRepository.putUser('dana', { email: 'dana@example.com', confirmed: true } as never, {
      now: Date.now(),
      defaultDigestMinutes: 0,
      confirmUrl: (t) => t,
      trustConfirmed: true,
    });
  });
  afterAll(async () => {
    await app.close();
    await smtp.stop();
  });

  const put = (body: unknown, headers: Record<string, string> = internalHeaders) =>
    app.inject({ method: 'PUT', url: '/internal/placements', headers, payload: body as object });
  const hook = async (body: object) => {
    const s = JSON.stringify(body);
    const r = await app.inject({ method: 'POST', url: '/webhook/grafana', payload: s, headers: sign(s) });
    expect(r.statusCode).toBe(202);
  };
  const vmLabels = (vcenter: string, vmId: string, vm: string) => ({ vcenter, vm_id: vmId, vm, severity: 'critical' });
  const rows = () =>
    app.database.db.selectFrom('vm_placements').selectAll().orderBy('vcenter').orderBy('vm_id').execute();

  it('refuses calls without the internal token and invalid bodies, storing nothing', async () => {
    const ok = { vcenter: 'vc-a', placements: [{ vmId: 'vm-1', vm: 'web-01', host: 'esx-01', cluster: 'prod' }] };
    expect((await put(ok, {})).statusCode).toBe(401);
    expect((await put(ok, { authorization: 'Bearer wrong-token-wrong-token' })).statusCode).toBe(401);
    for (const bad of [
      { placements: ok.placements },
      { vcenter: '', placements: ok.placements },
      { vcenter: 'vc-a', placements: [{ vmId: '', vm: 'x', host: 'h', cluster: 'c' }] },
      { vcenter: 'vc-a', placements: [{ vmId: 'vm-1', vm: 'x', host: 'h' }] },
      { vcenter: 'vc-a', placements: [{ vmId: 'vm-1', vm: 'x', host: 'h', cluster: 'c', extra: 1 }] },
      { vcenter: 'vc-a', placements: [{ vmId: 'vm-1', vm: 'x', host: 'h'.repeat(257), cluster: 'c' }] },
    ]) {
      const r = await put(bad);
      expect(r.statusCode).toBe(400);
      expect(r.json().error).toBeTruthy();
    }
    const many = Array.from({ length: PLACEMENTS_MAX + 1 }, (_, i) => ({
      vmId: `vm-${i}`,
      vm: `v${i}`,
      host: 'h',
      cluster: 'c',
    }));
    expect((await put({ vcenter: 'vc-a', placements: many })).statusCode).toBe(400);
    // The body is bounded too (4 MiB): larger is refused before it is parsed.
    const huge = JSON.stringify({
      vcenter: 'vc-a',
      placements: Array.from({ length: 5000 }, (_, i) => ({
        vmId: `vm-${i}`,
        vm: 'v'.repeat(400),
        host: 'h'.repeat(256),
        cluster: 'c'.repeat(256),
      })),
    });
    expect(huge.length).toBeGreaterThan(4 * 1024 * 1024);
    const big = await app.inject({
      method: 'PUT',
      url: '/internal/placements',
      headers: { ...internalHeaders, 'content-type': 'application/json' },
      payload: huge,
    });
    expect(big.statusCode).toBe(413);
    expect(await rows()).toEqual([]);
  });

  it('names the VM’s current host and cluster, per vCenter, and the new host after a move', async () => {
    // Same MoRef in two vCenters: each keeps its own placement.
    let r = await put({
      vcenter: 'vc-a',
      placements: [
        { vmId: 'vm-1001', vm: 'web-03', host: 'esx-a-01', cluster: 'prod' },
        { vmId: 'vm-1001', vm: 'web-03', host: 'esx-a-02', cluster: 'prod' }, // listed twice: the last wins
      ],
    });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ stored: 1 });
    r = await put({ vcenter: 'vc-b', placements: [{ vmId: 'vm-1001', vm: 'db-07', host: 'esx-b-05', cluster: '' }] });
    expect(r.statusCode).toBe(200);

    await hook(
      payload([
        alert(vmLabels('vc-a', 'vm-1001', 'web-03'), { fingerprint: 'fa00000000000001' }),
        alert(vmLabels('vc-b', 'vm-1001', 'db-07'), { fingerprint: 'fb00000000000001' }),
        alert(vmLabels('vc-a', 'vm-9999', 'unknown-vm'), { fingerprint: 'fc00000000000001' }),
      ])
    );
    await smtp.waitFor(1);
    const first = smtp.mails[0].parsed;
    expect(first.subject).toBe('[CRITICAL] CPU 97% on vm web-03 on host esx-a-02 in cluster prod and 2 more');
    expect(first.text).toContain('CRITICAL: CPU 97% on vm web-03 on host esx-a-02 in cluster prod\n');
    // A standalone host has no cluster; an unknown VM gets no placement text at all.
    expect(first.text).toContain('CRITICAL: CPU 97% on vm db-07 on host esx-b-05\n');
    expect(first.text).toContain('CRITICAL: CPU 97% on vm unknown-vm\n');
    expect(first.html).toContain('CPU 97% on vm web-03 on host esx-a-02 in cluster prod');

    // DRS moves web-03: the backend pushes the new placement; the next mail (here: resolved) names the new host.
    r = await put({
      vcenter: 'vc-a',
      placements: [{ vmId: 'vm-1001', vm: 'web-03', host: 'esx-a-09', cluster: 'prod-2' }],
    });
    expect(r.statusCode).toBe(200);
    expect((await rows()).map((x) => [x.vcenter, x.vm_id, x.host, x.cluster])).toEqual([
      ['vc-a', 'vm-1001', 'esx-a-09', 'prod-2'],
      ['vc-b', 'vm-1001', 'esx-b-05', ''],
    ]);
    await hook(
      payload([alert(vmLabels('vc-a', 'vm-1001', 'web-03'), { fingerprint: 'fa00000000000001', status: 'resolved' })])
    );
    await smtp.waitFor(2);
    const second = smtp.mails[1].parsed;
    expect(second.subject).toBe('[RESOLVED] CPU 97% on vm web-03 on host esx-a-09 in cluster prod-2');
    expect(second.text).not.toContain('esx-a-02');
    await waitUntil(async () => (await app.outboxRepository.queueDepth()).outbox === 0);
  });

  it('a call naming some VMs of a vCenter leaves its other VMs as they are (the backend sends only changes)', async () => {
    const before = await rows();
    let r = await put({
      vcenter: 'vc-c',
      placements: [
        { vmId: 'vm-1', vm: 'app-01', host: 'esx-c-01', cluster: 'edge' },
        { vmId: 'vm-2', vm: 'app-02', host: 'esx-c-02', cluster: 'edge' },
      ],
    });
    expect(r.json()).toEqual({ stored: 2 });
    r = await put({ vcenter: 'vc-c', placements: [{ vmId: 'vm-2', vm: 'app-02', host: 'esx-c-03', cluster: 'edge' }] });
    expect(r.json()).toEqual({ stored: 1 });
    const vcC = (await rows()).filter((x) => x.vcenter === 'vc-c').map((x) => [x.vm_id, x.host]);
    expect(vcC).toEqual([
      ['vm-1', 'esx-c-01'],
      ['vm-2', 'esx-c-03'],
    ]);
    // Other vCenters' placements are untouched.
    expect((await rows()).filter((x) => x.vcenter !== 'vc-c')).toEqual(before);
  });

  it('routes a VM alert to subscriptions on the cluster or host where the VM runs now', async () => {
    for (const [login, matchers] of [
      ['erin', { cluster: ['prod-2'] }],
      ['finn', { cluster: ['prod'] }],
      ['gwen', { host: ['esx-a-09'] }],
    ] as const) {
      await app.usersRepository.putUser(login, { email: `${login}@example.com`, confirmed: true, matchers } as never, {
        now: Date.now(),
        defaultDigestMinutes: 0,
        confirmUrl: (t) => t,
        trustConfirmed: true,
      });
    }
    smtp.mails = [];
    // web-03 (vc-a/vm-1001) runs on esx-a-09 in prod-2 now (the previous test moved it there).
    await hook(payload([alert(vmLabels('vc-a', 'vm-1001', 'web-03'), { fingerprint: 'fa00000000000002' })]));
    await smtp.waitFor(3);
    await waitUntil(async () => (await app.outboxRepository.queueDepth()).outbox === 0);
    expect(smtp.mails.map((m) => m.to).sort()).toEqual(['dana@example.com', 'erin@example.com', 'gwen@example.com']);
    // Labels an alert carries itself win over the placement.
    smtp.mails = [];
    await hook(
      payload([
        alert({ ...vmLabels('vc-a', 'vm-1001', 'web-03'), cluster: 'prod' }, { fingerprint: 'fa00000000000003' }),
      ])
    );
    await smtp.waitFor(3);
    await waitUntil(async () => (await app.outboxRepository.queueDepth()).outbox === 0);
    expect(smtp.mails.map((m) => m.to).sort()).toEqual(['dana@example.com', 'finn@example.com', 'gwen@example.com']);
  });
});
