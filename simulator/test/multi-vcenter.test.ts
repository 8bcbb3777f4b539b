import { GUEST_OS } from '../src/inventory/guest-os';
import { type Sim, basic, json, post, startSim } from './helpers';

let sim: Sim;
beforeAll(async () => {
  sim = await startSim({ vms: 30, seed: 9, vcenters: 2 });
});
afterAll(() => sim.close());

/** login opens a session on one vCenter's base path (`''` = the root alias). */
async function login(base: string): Promise<string> {
  const r = await fetch(`${sim.url}${base}/api/session`, { method: 'POST', headers: { authorization: basic() } });
  expect(r.status).toBe(201);
  return JSON.parse(await r.text());
}
const vcGet = (base: string, session: string, path: string) =>
  fetch(`${sim.url}${base}/api${path}`, { headers: { 'vmware-api-session-id': session } });
const idsOf = (r: any): Record<string, string> =>
  Object.fromEntries(r.resourceKey.resourceIdentifiers.map((i: any) => [i.identifierType.name, i.value]));

describe('several vCenters behind one vROps', () => {
  it('lists the vCenters with their base paths, own instance uuids and names', async () => {
    const list = await json(await fetch(`${sim.url}/__sim/vcenters`));
    expect(list).toEqual([
      {
        index: 1,
        basePath: '/vc/1',
        instanceUuid: sim.state.vcenters[0].inventory.vcenterUuid,
        name: 'vcsa.lab.local',
      },
      {
        index: 2,
        basePath: '/vc/2',
        instanceUuid: sim.state.vcenters[1].inventory.vcenterUuid,
        name: 'vc2-vcsa.lab.local',
      },
    ]);
    expect(list[0].instanceUuid).not.toBe(list[1].instanceUuid);
  });

  it('serves each vCenter under /vc/<k>/api with its own sessions; /api stays vCenter 1', async () => {
    const s1 = await login('/vc/1');
    const s2 = await login('/vc/2');
    const root = await login('');
    expect((await vcGet('/vc/2', s1, '/vcenter/vm')).status).toBe(401); // sessions are per vCenter
    expect((await vcGet('/vc/1', s2, '/vcenter/vm')).status).toBe(401);
    expect((await vcGet('', root, '/vcenter/vm')).status).toBe(200);
    const vm1 = await json(await vcGet('/vc/1', s1, '/vcenter/vm/vm-1001'));
    const vm2 = await json(await vcGet('/vc/2', s2, '/vcenter/vm/vm-1001'));
    const alias = await json(await vcGet('', root, '/vcenter/vm/vm-1001'));
    expect(alias).toEqual(vm1);
    // The same MoRef names a different VM in each vCenter; names tell them apart.
    expect(vm2.name).toMatch(/^vc2-/);
    expect(vm1.name).not.toMatch(/^vc2-/);
    expect(vm2.identity.instance_uuid).not.toBe(vm1.identity.instance_uuid);
    const notFound = await json(await vcGet('/vc/2', s2, '/vcenter/vm/vm-999999'));
    expect(notFound.messages[0].default_message).toContain(`vm-999999:${sim.state.vcenters[1].inventory.vcenterUuid}`);
    expect(
      (await fetch(`${sim.url}/vc/3/api/session`, { method: 'POST', headers: { authorization: basic() } })).status
    ).toBe(404);
  });

  it('keeps the vCenters apart: a power change on vCenter 2 leaves vCenter 1 as it was', async () => {
    const s2 = await login('/vc/2');
    const vm2 = sim.state.vcenters[1].inventory.vms.get('vm-1002')!;
    const vm1Before = sim.state.vcenters[0].inventory.vms.get('vm-1002')!.powerState;
    const action = vm2.powerState === 'POWERED_ON' ? 'stop' : 'start';
    const r = await fetch(`${sim.url}/vc/2/api/vcenter/vm/vm-1002/power?action=${action}`, {
      method: 'POST',
      headers: { 'vmware-api-session-id': s2 },
    });
    expect(r.status).toBe(204);
    expect(sim.state.vcenters[0].inventory.vms.get('vm-1002')!.powerState).toBe(vm1Before);
    const calls = await json(await fetch(`${sim.url}/__sim/calls`));
    expect(calls.routes['POST /vc/2/api/vcenter/vm/:vm/power']).toBe(1);
  });

  it('gives every VM one vROps resource per vCenter, told apart by VMEntityVCID', async () => {
    const body = await json(
      await sim.ops(
        '/adapterkinds/VMWARE/resourcekinds/VirtualMachine/resources?identifiers%5BVMEntityObjectID%5D=vm-1001'
      )
    );
    expect(body.resourceList).toHaveLength(2);
    const byVc = new Map(body.resourceList.map((r: any) => [idsOf(r).VMEntityVCID, r]));
    for (const vc of sim.state.vcenters) {
      const r: any = byVc.get(vc.inventory.vcenterUuid);
      const vm = vc.inventory.vms.get('vm-1001')!;
      expect(r.resourceKey.name).toBe(vm.name);
      expect(idsOf(r)).toMatchObject({ VMEntityObjectID: 'vm-1001', VMEntityInstanceUUID: vm.instanceUuid });
      // Its stats are its own VM's.
      const latest = await json(await sim.ops(`/resources/${r.identifier}/stats/latest?statKey=cpu%7Cusage_average`));
      const want = vc.metrics.latest(
        { kind: 'VirtualMachine', moref: vm.id, obj: vm, vc },
        'cpu|usage_average',
        Date.now()
      )[0];
      expect(latest.values[0]['stat-list'].stat[0].data[0]).toBeCloseTo(want?.v ?? 0, 3);
    }
    const hosts = await json(await sim.ops('/resources?resourceKind=HostSystem&pageSize=1000'));
    for (const h of hosts.resourceList)
      expect(Object.keys(idsOf(h))).toEqual(expect.arrayContaining(['VMEntityObjectID', 'VMEntityVCID']));
  });

  it('lists one VMWARE adapter instance per vCenter with VCURL, as GET /adapters?adapterKindKey=VMWARE', async () => {
    const body = await json(await sim.ops('/adapters?adapterKindKey=VMWARE'));
    expect(body.adapterInstancesInfoDto.map((a: any) => [a.resourceKey.resourceKindKey, idsOf(a)])).toEqual([
      ['VMwareAdapter Instance', { VCURL: sim.url, VMEntityVCID: sim.state.vcenters[0].inventory.vcenterUuid }],
      [
        'VMwareAdapter Instance',
        { VCURL: `${sim.url}/vc/2`, VMEntityVCID: sim.state.vcenters[1].inventory.vcenterUuid },
      ],
    ]);
    expect((await json(await sim.ops('/adapters?adapterKindKey=NSXTAdapter'))).adapterInstancesInfoDto).toEqual([]);
    // The adapter instance is also a resource with the same id.
    const res = await json(await sim.ops(`/resources/${body.adapterInstancesInfoDto[1].id}`));
    expect(res.resourceKey.name).toBe('vc2-vcsa.lab.local');
  });

  it('can be walked the way sapcc/vrops-exporter does: adapters → datacenters → clusters → hosts → VMs', async () => {
    const walk = async (kind: string, parents: string[]) => {
      const r = await sim.ops(
        '/resources/bulk/relationships?pageSize=10000',
        post({
          relationshipType: 'DESCENDANT',
          resourceIds: parents,
          resourceQuery: {
            adapterKind: ['VMWARE'],
            resourceKind: [kind],
            resourceStatus: [],
            resourceHealth: [],
            resourceState: [],
          },
          hierarchyDepth: 5,
        })
      );
      expect(r.status).toBe(200);
      return (await json(r)).resourcesRelations as any[];
    };
    const adapters = (await json(await sim.ops('/adapters?adapterKindKey=VMWARE'))).adapterInstancesInfoDto;
    for (const [i, vc] of sim.state.vcenters.entries()) {
      const inv = vc.inventory;
      const dcs = await walk('Datacenter', [adapters[i].id]);
      expect(dcs.map((d) => d.resource.resourceKey.name).sort()).toEqual(
        [...inv.datacenters.values()].map((d) => d.name).sort()
      );
      const clusters = await walk(
        'ClusterComputeResource',
        dcs.map((d) => d.resource.identifier)
      );
      expect(clusters).toHaveLength(inv.clusters.size);
      const hosts = await walk(
        'HostSystem',
        clusters.map((c) => c.resource.identifier)
      );
      expect(hosts).toHaveLength(inv.hosts.size);
      const vms = await walk(
        'VirtualMachine',
        hosts.map((h) => h.resource.identifier)
      );
      expect(vms.map((v) => idsOf(v.resource).VMEntityVCID)).toEqual(vms.map(() => inv.vcenterUuid));
      expect(vms).toHaveLength(inv.vms.size);
      const count = await json(
        await sim.ops(
          '/resources/stats/latest/query',
          post({ resourceId: [adapters[i].id], statKey: ['summary|total_number_vms'] })
        )
      );
      expect(count.values[0]['stat-list'].stat[0].data[0]).toBe(inv.vms.size);
    }
  });

  it('answers the catalogue calls of VMware docs: versions, alert/symptom definitions, recommendations, one alert', async () => {
    const v = await json(await sim.ops('/versions/current'));
    expect(v).toEqual(
      expect.objectContaining({ major: 8, minor: expect.any(Number), releaseName: expect.any(String) })
    );
    const defs = await json(await sim.ops('/alertdefinitions?adapterKind=VMWARE&resourceKind=VirtualMachine'));
    expect(defs.pageInfo.totalCount).toBe(2);
    const symptomIds = defs.alertDefinitions.flatMap((d: any) => d.states[0]['base-symptom-set'].symptomDefinitionIds);
    const symptoms = await json(
      await sim.ops(`/symptomdefinitions?${symptomIds.map((i: string) => `id=${i}`).join('&')}`)
    );
    expect(symptoms.symptomDefinitions.map((s: any) => s.id).sort()).toEqual([...symptomIds].sort());
    expect(symptoms.symptomDefinitions[0].state.condition).toEqual(
      expect.objectContaining({ type: 'CONDITION_HT', key: expect.any(String) })
    );
    const recIds = defs.alertDefinitions.flatMap((d: any) => Object.keys(d.states[0].recommendationPriorityMap));
    const recs = await json(await sim.ops(`/recommendations?${recIds.map((i: string) => `id=${i}`).join('&')}`));
    expect(recs.recommendations.map((r: any) => r.id).sort()).toEqual([...recIds].sort());
    const alerts = await json(await sim.ops('/alerts?pageSize=1'));
    expect(alerts.alerts.length).toBe(1);
    expect(await json(await sim.ops(`/alerts/${alerts.alerts[0].alertId}`))).toEqual(alerts.alerts[0]);
    const missing = await sim.ops('/alerts/00000000-0000-0000-0000-000000000000');
    expect(missing.status).toBe(404);
    expect((await json(missing)).message).toContain('does not exist');
  });

  it("accepts every value of VMware's GuestOS enum on create and refuses vim-style ids", async () => {
    expect(GUEST_OS).toHaveLength(210);
    expect(new Set(GUEST_OS.map((g) => g.id)).size).toBe(210);
    const s1 = await login('/vc/1');
    const inv = sim.state.inventory;
    const dc = [...inv.datacenters.values()][0];
    const cl = [...inv.clusters.values()].find((c) => c.datacenter === dc.id)!;
    const ds = [...inv.datastores.values()].find((d) => d.cluster === cl.id)!;
    const create = (guest: string, name: string) =>
      fetch(`${sim.url}/vc/1/api/vcenter/vm`, {
        method: 'POST',
        headers: { 'vmware-api-session-id': s1, 'content-type': 'application/json' },
        body: JSON.stringify({
          name,
          guest_OS: guest,
          placement: { folder: dc.vmFolder, cluster: cl.id, datastore: ds.id },
        }),
      });
    expect((await create('ALMALINUX_64', 'alma-1')).status).toBe(201);
    expect((await create('DARWIN_23_64', 'mac-1')).status).toBe(201);
    expect((await create('almalinux_64Guest', 'bad-1')).status).toBe(400);
  });
});

describe('resource kinds', () => {
  it('lists Datacenter and the adapter instance kind, with the identifier types each carries', async () => {
    const body = await json(await sim.ops('/adapterkinds/VMWARE/resourcekinds'));
    const types = Object.fromEntries(
      body['resource-kind'].map((k: any) => [k.key, k.resourceIdentifierTypes.map((t: any) => t.name)])
    );
    expect(types['VMwareAdapter Instance']).toEqual(['VCURL', 'VMEntityVCID']);
    expect(types.Datacenter).toEqual(['VMEntityName', 'VMEntityObjectID', 'VMEntityVCID']);
    const dcs = await json(await sim.ops('/adapterkinds/VMWARE/resourcekinds/Datacenter/resources'));
    expect(dcs.pageInfo.totalCount).toBe(sim.state.vcenters.reduce((a, vc) => a + vc.inventory.datacenters.size, 0));
  });
});

describe('resource ids', () => {
  it('resolves a host id that a client kept across a restart, before anything was listed', async () => {
    const a = await startSim({ vms: 10, seed: 21, vcenters: 2 });
    const host = [...a.state.vcenters[1].inventory.hosts.values()][0];
    const id = a.state.vcenters[1].inventory.resourceIdOf(host.id);
    await a.close();
    const b = await startSim({ vms: 10, seed: 21, vcenters: 2 });
    try {
      const r = await json(await b.ops(`/resources/${id}`));
      expect(r.resourceKey.name).toBe(host.name);
      expect(r.resourceKey.resourceIdentifiers.find((i: any) => i.identifierType.name === 'VMEntityVCID').value).toBe(
        b.state.vcenters[1].inventory.vcenterUuid
      );
    } finally {
      await b.close();
    }
  });
});
