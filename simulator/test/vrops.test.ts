import { type Sim, json, post, resourceIdOf, startSim } from './helpers';

let sim: Sim;
beforeAll(async () => {
  sim = await startSim();
});
afterAll(() => sim.close());

const acquire = (body: unknown) =>
  fetch(`${sim.url}/suite-api/api/auth/token/acquire`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
  });

describe('tokens', () => {
  it('acquires a token with validity, accepts both schemes, and releases it', async () => {
    const r = await acquire({ username: 'administrator@vsphere.local', password: 'VMware1!', authSource: 'Local' });
    expect(r.status).toBe(200);
    const t = await json(r);
    expect(t).toEqual({
      token: expect.stringMatching(/^[0-9a-f-]{36}::[0-9a-f-]{36}$/),
      validity: expect.any(Number),
      expiresAt: expect.any(String),
      roles: [],
    });
    expect(t.validity).toBeGreaterThan(Date.now() + 5 * 3600_000);
    for (const scheme of ['vRealizeOpsToken', 'OpsToken']) {
      const ok = await fetch(`${sim.url}/suite-api/api/resources?pageSize=1`, {
        headers: { authorization: `${scheme} ${t.token}`, accept: 'application/json' },
      });
      expect(ok.status).toBe(200);
    }
    const rel = await fetch(`${sim.url}/suite-api/api/auth/token/release`, {
      method: 'POST',
      headers: { authorization: `vRealizeOpsToken ${t.token}` },
    });
    expect(rel.status).toBe(200);
    const after = await fetch(`${sim.url}/suite-api/api/resources`, {
      headers: { authorization: `vRealizeOpsToken ${t.token}` },
    });
    expect(after.status).toBe(401);
    expect(await json(after)).toEqual({
      message: 'The provided token for auth scheme "vRealizeOpsToken" is either invalid or has expired.',
      httpStatusCode: 401,
      apiErrorCode: 1512,
    });
  });

  it('refuses bad credentials, missing auth and Basic auth with the error body', async () => {
    const bad = await acquire({ username: 'administrator@vsphere.local', password: 'nope' });
    expect(bad.status).toBe(401);
    expect(await json(bad)).toEqual(expect.objectContaining({ message: 'Authentication failed', httpStatusCode: 401 }));
    const missing = await fetch(`${sim.url}/suite-api/api/resources`);
    expect(missing.status).toBe(401);
    expect((await json(missing)).httpStatusCode).toBe(401);
    const basicAuth = await fetch(`${sim.url}/suite-api/api/resources`, {
      headers: { authorization: 'Basic YWRtaW46eA==' },
    });
    expect(basicAuth.status).toBe(401);
    const badBody = await acquire({ user: 'x' });
    expect(badBody.status).toBe(400);
    expect((await json(badBody)).validationFailures.length).toBeGreaterThan(0);
  });
});

describe('resources', () => {
  it('ties every VM, host, cluster, datastore and datacenter to its vCenter id via resource identifiers', async () => {
    const body = await json(await sim.ops('/resources?pageSize=1000'));
    const vcid = sim.state.inventory.vcenterUuid;
    const inv = sim.state.inventory;
    // Plus one adapter instance: the vCenter itself, identified by VCURL and VMEntityVCID.
    const adapter = body.resourceList.filter((r: any) => r.resourceKey.resourceKindKey === 'VMwareAdapter Instance');
    expect(
      adapter.map((r: any) => r.resourceKey.resourceIdentifiers.map((i: any) => [i.identifierType.name, i.value]))
    ).toEqual([
      [
        ['VCURL', sim.url],
        ['VMEntityVCID', vcid],
      ],
    ]);
    body.resourceList = body.resourceList.filter((r: any) => r !== adapter[0]);
    expect(body.pageInfo).toEqual({
      totalCount: inv.vms.size + inv.hosts.size + inv.clusters.size + inv.datastores.size + inv.datacenters.size + 1,
      page: 0,
      pageSize: 1000,
    });
    for (const r of body.resourceList) {
      const ids = Object.fromEntries(
        r.resourceKey.resourceIdentifiers.map((i: any) => [i.identifierType.name, i.value])
      );
      expect(ids.VMEntityVCID).toBe(vcid);
      expect(ids.VMEntityObjectID).toMatch(/^(vm|host|domain-c|datastore|datacenter)-?\d+$/);
      expect(r.resourceKey.adapterKindKey).toBe('VMWARE');
      expect(r.identifier).toMatch(/^[0-9a-f-]{36}$/);
    }
    const kinds = new Set(body.resourceList.map((r: any) => r.resourceKey.resourceKindKey));
    expect(kinds).toEqual(
      new Set(['VirtualMachine', 'HostSystem', 'ClusterComputeResource', 'Datastore', 'Datacenter'])
    );
  });

  it('pages with page/pageSize and filters by kind (case-insensitive), name substring and POST query', async () => {
    const p0 = await json(await sim.ops('/resources?resourceKind=virtualmachine&pageSize=15&page=0'));
    const p2 = await json(await sim.ops('/resources?resourceKind=VirtualMachine&pageSize=15&page=2'));
    expect(p0.pageInfo.totalCount).toBe(40);
    expect(p0.resourceList).toHaveLength(15);
    expect(p2.resourceList).toHaveLength(10);
    expect(p0.links.map((l: any) => l.name)).toEqual(['current', 'first', 'last']);
    const q = await json(
      await sim.ops('/resources/query?pageSize=100', post({ resourceKind: ['HostSystem'], name: ['ESX-0'] }))
    );
    expect(q.pageInfo.totalCount).toBe(5);
    const re = await json(
      await sim.ops('/resources/query', post({ resourceKind: ['VirtualMachine'], regex: ['web-.*'] }))
    );
    expect(re.resourceList.every((r: any) => r.resourceKey.name.startsWith('web-'))).toBe(true);
    expect(re.resourceList.length).toBeGreaterThan(0);
    const badRe = await sim.ops('/resources/query', post({ regex: ['(unclosed'] }));
    expect(badRe.status).toBe(400);
  });

  it('filters by parentId: the VMs under a host or cluster', async () => {
    const inv = sim.state.inventory;
    const host = [...inv.hosts.values()][1];
    const hostRid = await resourceIdOf(sim, 'HostSystem', host.id);
    const underHost = await json(await sim.ops(`/resources?resourceKind=VirtualMachine&parentId=${hostRid}`));
    const names = underHost.resourceList.map((r: any) => r.resourceKey.name).sort();
    expect(names).toEqual(
      inv
        .vmsOnHost(host.id)
        .map((v) => v.name)
        .sort()
    );
    const clRid = await resourceIdOf(sim, 'ClusterComputeResource', host.cluster);
    const hostsUnder = await json(
      await sim.ops('/resources/query', post({ resourceKind: ['HostSystem'], parentId: [clRid] }))
    );
    expect(hostsUnder.resourceList.map((r: any) => r.resourceKey.name)).toContain(host.name);
  });

  it('answers 404 with the error body for unknown resources', async () => {
    const r = await sim.ops('/resources/00000000-0000-0000-0000-000000000000');
    expect(r.status).toBe(404);
    expect(await json(r)).toEqual(expect.objectContaining({ httpStatusCode: 404, message: expect.any(String) }));
    expect((await sim.ops('/resources/00000000-0000-0000-0000-000000000000/stats')).status).toBe(404);
    expect((await sim.ops('/nope')).status).toBe(404);
  });
});

describe('stats', () => {
  it('answers bulk stats queries with 5-minute samples, rollups, and consistent host values', async () => {
    const inv = sim.state.inventory;
    const host = [...inv.hosts.values()][0];
    const vmIds = inv.vmsOnHost(host.id).map((v) => v.id);
    const rids = await Promise.all(vmIds.map((id) => resourceIdOf(sim, 'VirtualMachine', id)));
    const hostRid = await resourceIdOf(sim, 'HostSystem', host.id);
    const end = Date.now();
    const begin = end - 3 * 3600_000;
    const raw = await json(
      await sim.ops(
        '/resources/stats/query',
        post({
          resourceId: [...rids, hostRid, 'unknown-id'],
          statKey: ['cpu|usagemhz_average', 'cpu|usage_average'],
          begin,
          end,
        })
      )
    );
    expect(raw.values).toHaveLength(rids.length + 1); // unknown ids are simply missing
    const stat = raw.values[0]['stat-list'].stat[0];
    expect(stat.statKey).toEqual({ key: 'cpu|usagemhz_average' });
    expect(stat.intervalUnit).toEqual({ quantifier: 1 });
    expect(stat.timestamps.length).toBeGreaterThanOrEqual(35);
    for (let i = 1; i < stat.timestamps.length; i++)
      expect(Math.abs(stat.timestamps[i] - stat.timestamps[i - 1] - 300_000)).toBeLessThan(2000);
    expect(stat.timestamps.every((t: number) => t >= begin && t <= end)).toBe(true);

    // Host MHz = sum of its VMs' MHz plus a small hypervisor overhead, sample by sample.
    const hostStat = raw.values[rids.length]['stat-list'].stat.find(
      (s: any) => s.statKey.key === 'cpu|usagemhz_average'
    );
    const vmSum = (i: number) =>
      raw.values.slice(0, rids.length).reduce((a: number, v: any) => a + v['stat-list'].stat[0].data[i], 0);
    const overhead = host.cpuCores * host.cpuMhz * 0.02;
    for (let i = 0; i < hostStat.data.length; i++) expect(hostStat.data[i]).toBeCloseTo(vmSum(i) + overhead, 0);

    const hourly = await json(
      await sim.ops(
        '/resources/stats/query',
        post({
          resourceId: [rids[0]],
          statKey: ['cpu|usage_average'],
          begin,
          end,
          rollUpType: 'MAX',
          intervalType: 'HOURS',
          intervalQuantifier: 1,
        })
      )
    );
    const h = hourly.values[0]['stat-list'].stat[0];
    expect(h.rollUpType).toBe('MAX');
    expect(h.intervalUnit).toEqual({ intervalType: 'HOURS', quantifier: 1 });
    expect(h.timestamps.every((t: number) => t % 3600_000 === 0)).toBe(true);
    expect(h.timestamps.length).toBeLessThanOrEqual(4);
  });

  it('rejects invalid enums and end < begin with a 400 error body', async () => {
    const rid = await resourceIdOf(sim, 'VirtualMachine', 'vm-1001');
    const bad = await sim.ops('/resources/stats/query', post({ resourceId: [rid], rollUpType: 'MEDIAN' }));
    expect(bad.status).toBe(400);
    expect(await json(bad)).toEqual(
      expect.objectContaining({ httpStatusCode: 400, validationFailures: expect.any(Array) })
    );
    const inverted = await sim.ops(`/resources/${rid}/stats?begin=2000&end=1000`);
    expect(inverted.status).toBe(400);
    const notJson = await sim.ops('/resources/stats/query', { method: 'POST', body: '{oops' });
    expect(notJson.status).toBe(400);
    // Decades of 5-minute samples for every key: refused instead of computed.
    const huge = await sim.ops(`/resources/${rid}/stats?begin=0`);
    expect(huge.status).toBe(422);
    expect((await json(huge)).message).toMatch(/narrow the time range/);
  });

  it('serves latest stats, zero for powered-off VMs, absent guest keys without Tools, and hot VMs above 90%', async () => {
    const inv = sim.state.inventory;
    const off = [...inv.vms.values()].find((v) => v.powerState === 'POWERED_OFF')!;
    const offRid = await resourceIdOf(sim, 'VirtualMachine', off.id);
    const latest = await json(await sim.ops(`/resources/${offRid}/stats/latest`));
    const byKey = Object.fromEntries(latest.values[0]['stat-list'].stat.map((s: any) => [s.statKey.key, s.data[0]]));
    expect(byKey['cpu|usage_average']).toBe(0);
    expect(byKey['mem|consumed_average']).toBe(0);
    expect(byKey['sys|poweredOn']).toBe(0);
    expect(byKey['config|hardware|num_Cpu']).toBe(off.cpuCount);
    expect(byKey).not.toHaveProperty('mem|guest_usage');

    const hot = (await json(await fetch(`${sim.url}/__sim/hot`))).hot as string[];
    expect(hot.length).toBeGreaterThanOrEqual(2);
    const hotRids = await Promise.all(hot.map((id) => resourceIdOf(sim, 'VirtualMachine', id)));
    const bulk = await json(
      await sim.ops(
        '/resources/stats/latest/query',
        post({ resourceId: hotRids, statKey: ['cpu|usage_average'], maxSamples: 3 })
      )
    );
    for (const v of bulk.values) {
      const s = v['stat-list'].stat[0];
      expect(s.data).toHaveLength(3);
      for (const x of s.data) expect(x).toBeGreaterThan(90);
    }
    const getLatest = await json(
      await sim.ops(`/resources/stats/latest?resourceId=${hotRids[0]}&statKey=cpu%7Cusage_average`)
    );
    expect(getLatest.values[0]['stat-list'].stat[0].data[0]).toBeGreaterThan(90);
  });

  it('lists stat keys per resource and per resource kind, with units', async () => {
    const rid = await resourceIdOf(sim, 'VirtualMachine', 'vm-1001');
    const keys = (await json(await sim.ops(`/resources/${rid}/statkeys`)))['stat-key'].map((k: any) => k.key);
    expect(keys).toEqual(
      expect.arrayContaining([
        'cpu|usage_average',
        'cpu|usagemhz_average',
        'mem|usage_average',
        'mem|consumed_average',
        'disk|usage_average',
        'net|usage_average',
        'sys|poweredOn',
      ])
    );
    const ds = (await json(await sim.ops('/adapterkinds/VMWARE/resourcekinds/Datastore/statkeys')))
      .resourceTypeAttributes;
    expect(ds.find((k: any) => k.key === 'capacity|usedSpacePct')).toEqual(
      expect.objectContaining({ unit: '%', name: expect.any(String) })
    );
    expect((await sim.ops('/adapterkinds/VMWARE/resourcekinds/Toaster/statkeys')).status).toBe(404);
  });
});

describe('properties and alerts', () => {
  it('serves properties as strings, and latest properties with numbers in data', async () => {
    const vm = sim.state.inventory.vms.get('vm-1001')!;
    const rid = await resourceIdOf(sim, 'VirtualMachine', vm.id);
    const props = await json(await sim.ops(`/resources/${rid}/properties`));
    const map = Object.fromEntries(props.property.map((p: any) => [p.name, p.value]));
    expect(props.resourceId).toBe(rid);
    expect(map['summary|MOID']).toBe(vm.id);
    expect(map['config|hardware|numCpu']).toBe(String(vm.cpuCount));
    expect(map['summary|parentHost']).toBe(sim.state.inventory.hosts.get(vm.host)!.name);
    const latest = await json(
      await sim.ops(
        '/resources/properties/latest/query',
        post({ resourceIds: [rid], propertyKeys: ['config|hardware|numCpu', 'summary|runtime|powerState'] })
      )
    );
    const contents = latest.values[0]['property-contents']['property-content'];
    expect(contents.find((c: any) => c.statKey === 'config|hardware|numCpu').data).toEqual([vm.cpuCount]);
    expect(contents.find((c: any) => c.statKey === 'summary|runtime|powerState').values[0]).toMatch(/Powered/);
  });

  it('raises CRITICAL CPU alerts on hot VMs, filterable by criticality and resource, with paging', async () => {
    const hot = (await json(await fetch(`${sim.url}/__sim/hot`))).hot as string[];
    const hotRids = new Set(await Promise.all(hot.map((id) => resourceIdOf(sim, 'VirtualMachine', id))));
    const all = await json(await sim.ops('/alerts/query', post({ activeOnly: true, alertCriticality: ['CRITICAL'] })));
    const cpu = all.alerts.filter((a: any) => a.alertDefinitionId === 'AlertDefinition-VMWARE-VMCpuCritical');
    expect(new Set(cpu.map((a: any) => a.resourceId))).toEqual(hotRids);
    expect(cpu[0]).toEqual(
      expect.objectContaining({
        status: 'ACTIVE',
        alertLevel: 'CRITICAL',
        controlState: 'OPEN',
        startTimeUTC: expect.any(Number),
        alertDefinitionName: expect.any(String),
      })
    );
    const [first] = hotRids;
    const one = await json(await sim.ops(`/alerts?resourceId=${first}`));
    expect(one.alerts.every((a: any) => a.resourceId === first)).toBe(true);
    const paged = await json(await sim.ops('/alerts?pageSize=1&page=0'));
    expect(paged.alerts).toHaveLength(1);
    expect(paged.pageInfo.totalCount).toBeGreaterThanOrEqual(hot.length);
  });
});
