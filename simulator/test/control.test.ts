import { type Sim, json, startSim } from './helpers';

let sim: Sim;
beforeAll(async () => {
  sim = await startSim();
});
afterAll(() => sim.close());
afterEach(async () => {
  await fetch(`${sim.url}/__sim/reset`, { method: 'POST' });
  // Reset drops sessions and tokens: log in again for the next test.
  await sim.login();
  await sim.token();
});

const ctl = (path: string, method = 'GET', body?: unknown) =>
  fetch(`${sim.url}/__sim${path}`, { method, ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}) });

describe('call counter', () => {
  it('counts calls per method and route pattern, and resets', async () => {
    await ctl('/calls/reset', 'POST');
    await sim.vc('/vcenter/vm');
    await sim.vc('/vcenter/vm/vm-1001');
    await sim.vc('/vcenter/vm/vm-1002');
    await sim.ops('/resources');
    const calls = await json(await ctl('/calls'));
    expect(calls.routes['GET /api/vcenter/vm']).toBe(1);
    expect(calls.routes['GET /api/vcenter/vm/:vm']).toBe(2);
    expect(calls.routes['GET /suite-api/api/resources']).toBe(1);
    expect(calls.total).toBe(Object.values(calls.routes).reduce((a: number, b) => a + (b as number), 0));
    await ctl('/calls/reset', 'POST');
    expect(await json(await ctl('/calls'))).toEqual({ total: 0, routes: {} });
  });
});

describe('faults', () => {
  it('fails every call with 503 at errorRate 1, vCenter and vROps bodies respectively, and clears', async () => {
    await sim.login();
    await sim.token();
    expect((await ctl('/faults', 'PUT', { errorRate: 1 })).status).toBe(200);
    const vc = await sim.vc('/vcenter/vm');
    expect(vc.status).toBe(503);
    expect((await json(vc)).error_type).toBe('SERVICE_UNAVAILABLE');
    const ops = await sim.ops('/resources');
    expect(ops.status).toBe(503);
    expect((await json(ops)).httpStatusCode).toBe(503);
    expect((await ctl('/__sim/calls')).status).toBe(404); // control surface itself is never faulted
    expect((await ctl('/faults', 'DELETE')).status).toBe(204);
    expect((await sim.vc('/vcenter/vm')).status).toBe(200);
  });

  it('runs an outage window for one API only', async () => {
    await sim.login();
    await sim.token();
    const set = await json(await ctl('/faults', 'PUT', { outage: { api: 'vrops', seconds: 30 } }));
    expect(set.outage).toEqual({ api: 'vrops', until: expect.any(String) });
    expect((await sim.ops('/resources')).status).toBe(503);
    expect((await sim.vc('/vcenter/vm')).status).toBe(200);
  });

  it('adds latency to VMware calls', async () => {
    await sim.login();
    await ctl('/faults', 'PUT', { latencyMs: 300 });
    const t = Date.now();
    expect((await sim.vc('/vcenter/datacenter')).status).toBe(200);
    expect(Date.now() - t).toBeGreaterThanOrEqual(280);
  });

  it('refuses invalid fault settings and changes nothing', async () => {
    const r = await ctl('/faults', 'PUT', { errorRate: 2 });
    expect(r.status).toBe(400);
    expect((await json(r)).error).toBe('bad_request');
    expect((await ctl('/faults', 'PUT', { outage: { api: 'everything', seconds: 5 } })).status).toBe(400);
    expect(await json(await ctl('/faults'))).toEqual({ latencyMs: 0, jitterMs: 0, errorRate: 0, outage: null });
  });
});

describe('forced expiry', () => {
  it('expires all vCenter sessions and vROps tokens on demand', async () => {
    await sim.login();
    await sim.token();
    expect((await sim.vc('/vcenter/vm')).status).toBe(200);
    expect((await json(await ctl('/expire-sessions', 'POST'))).expired).toBeGreaterThanOrEqual(1);
    expect((await sim.vc('/vcenter/vm')).status).toBe(401);
    expect((await sim.ops('/resources')).status).toBe(200);
    await ctl('/expire-tokens', 'POST');
    const r = await sim.ops('/resources');
    expect(r.status).toBe(401);
    expect((await json(r)).apiErrorCode).toBe(1512);
  });

  it('expires idle sessions and tokens after their time-to-live', async () => {
    const short = await startSim({ sessionIdleSeconds: 1, tokenTtlSeconds: 1 });
    try {
      await short.login();
      await short.token();
      expect((await short.vc('/vcenter/vm')).status).toBe(200);
      await new Promise((r) => setTimeout(r, 600));
      expect((await short.vc('/vcenter/vm')).status).toBe(200); // use bumps the idle clock
      await new Promise((r) => setTimeout(r, 600));
      expect((await short.vc('/vcenter/vm')).status).toBe(200);
      await new Promise((r) => setTimeout(r, 1200));
      expect((await short.vc('/vcenter/vm')).status).toBe(401);
      expect((await short.ops('/resources')).status).toBe(401);
    } finally {
      await short.close();
    }
  });
});

describe('scenarios and reset', () => {
  it('DRS moves powered-on VMs within a cluster and records vMotion history', async () => {
    const before = (await json(await ctl('/events'))).length;
    const r = await json(await ctl('/scenarios/drs', 'POST', {}));
    expect(r.events.length).toBeGreaterThan(0);
    const inv = sim.state.inventory;
    for (const e of r.events) {
      expect(e).toEqual({ time: expect.any(String), vm: expect.any(String), vmName: expect.any(String), fromHost: expect.any(String), toHost: expect.any(String), kind: 'drs' });
      expect(inv.hosts.get(e.fromHost)!.cluster).toBe(inv.hosts.get(e.toHost)!.cluster);
    }
    const last = r.events[r.events.length - 1];
    const onTarget = await json(await sim.vc(`/vcenter/vm?hosts=${inv.vms.get(last.vm)!.host}&vms=${last.vm}`));
    expect(onTarget).toHaveLength(1);
    const all = await json(await ctl('/events'));
    expect(all.length).toBe(before + r.events.length);
    expect((await json(await ctl(`/events?vm=${last.vm}`))).every((e: any) => e.vm === last.vm)).toBe(true);
  });

  it('HA failure disconnects a host and restarts its VMs elsewhere; reset restores the seed state', async () => {
    const host = [...sim.state.inventory.hosts.values()][0];
    const vmsBefore = (await json(await sim.vc(`/vcenter/vm?hosts=${host.id}`))).map((v: any) => v.vm);
    const r = await json(await ctl('/scenarios/ha-failure', 'POST', { host: host.id }));
    expect(r.host).toBe(host.id);
    expect(r.events.map((e: any) => e.vm).sort()).toEqual([...vmsBefore].sort());
    expect(r.events.every((e: any) => e.kind === 'ha' && e.fromHost === host.id)).toBe(true);
    const hosts = await json(await sim.vc(`/vcenter/host?hosts=${host.id}`));
    expect(hosts).toEqual([{ host: host.id, name: host.name, connection_state: 'DISCONNECTED' }]);
    expect(await json(await sim.vc(`/vcenter/vm?hosts=${host.id}`))).toEqual([]);
    const alerts = await json(await sim.ops('/alerts/query', { method: 'POST', body: JSON.stringify({ alertCriticality: ['CRITICAL'] }) }));
    expect(alerts.alerts.some((a: any) => a.alertDefinitionId === 'AlertDefinition-VMWARE-HostDisconnected')).toBe(true);
    expect((await ctl('/scenarios/ha-failure', 'POST', { host: 'host-999999' })).status).toBe(404);

    await ctl('/reset', 'POST');
    await sim.login();
    expect((await json(await sim.vc(`/vcenter/vm?hosts=${host.id}`))).map((v: any) => v.vm)).toEqual(vmsBefore);
    expect((await json(await sim.vc(`/vcenter/host?hosts=${host.id}`)))[0].connection_state).toBe('CONNECTED');
  });
});
