import { type Sim, json, post, resourceIdOf, startSim } from './helpers';

let sim: Sim;
beforeAll(async () => {
  sim = await startSim();
});
afterAll(() => sim.close());

const GiB = 1024 ** 3;

async function placement() {
  const folder = (await json(await sim.vc('/vcenter/folder?type=VIRTUAL_MACHINE&names=Production')))[0].folder;
  const cluster = (await json(await sim.vc('/vcenter/cluster')))[0].cluster;
  const ds = sim.state.inventory.datastores;
  const datastore = [...ds.values()].find((d) => d.cluster === cluster && d.type === 'VSAN')!.id;
  const network = (await json(await sim.vc('/vcenter/network?names=VM%20Network')))[0].network;
  return { folder, cluster, datastore, network };
}

async function latestCpu(resourceId: string): Promise<number | undefined> {
  const r = await sim.ops('/resources/stats/latest/query', post({ resourceId: [resourceId], statKey: ['cpu|usage_average'] }));
  const b = await json(r);
  return b.values[0]['stat-list'].stat[0]?.data[0];
}

describe('VM lifecycle: create -> list -> power on -> metrics -> delete', () => {
  it('changes what later reads and metrics return', async () => {
    const p = await placement();
    const create = await sim.vc(
      '/vcenter/vm',
      post({
        name: 'test-vm-1',
        guest_OS: 'UBUNTU_64',
        placement: { folder: p.folder, cluster: p.cluster, datastore: p.datastore },
        cpu: { count: 2, cores_per_socket: 1, hot_add_enabled: true },
        memory: { size_MiB: 4096, hot_add_enabled: false },
        disks: [{ new_vmdk: { capacity: 20 * GiB } }],
        nics: [{ backing: { type: 'STANDARD_PORTGROUP', network: p.network } }],
      }),
    );
    expect(create.status).toBe(201);
    const id = await json<string>(create);
    expect(id).toMatch(/^vm-\d+$/);

    const listed = await json(await sim.vc(`/vcenter/vm?names=test-vm-1`));
    expect(listed).toEqual([{ vm: id, name: 'test-vm-1', power_state: 'POWERED_OFF', cpu_count: 2, memory_size_MiB: 4096 }]);
    expect(await json(await sim.vc(`/vcenter/vm?clusters=${p.cluster}&folders=${p.folder}&names=test-vm-1`))).toHaveLength(1);
    const detail = await json(await sim.vc(`/vcenter/vm/${id}`));
    expect(detail.disks['2000'].capacity).toBe(20 * GiB);
    expect(detail.disks['2000'].backing.vmdk_file).toMatch(/\] test-vm-1\/test-vm-1\.vmdk$/);
    expect(detail.nics['4000'].backing.network).toBe(p.network);
    expect(detail.nics['4000'].state).toBe('NOT_CONNECTED');

    // A duplicate name in the same folder is refused and creates nothing.
    const dup = await sim.vc('/vcenter/vm', post({ name: 'test-vm-1', guest_OS: 'UBUNTU_64', placement: { folder: p.folder, cluster: p.cluster, datastore: p.datastore } }));
    expect(dup.status).toBe(400);
    expect((await json(dup)).error_type).toBe('ALREADY_EXISTS');

    // vROps knows the new VM through its identifiers; powered off means zero CPU.
    const rid = await resourceIdOf(sim, 'VirtualMachine', id);
    expect(await latestCpu(rid)).toBe(0);

    expect((await sim.vc(`/vcenter/vm/${id}/power?action=start`, { method: 'POST' })).status).toBe(204);
    const again = await sim.vc(`/vcenter/vm/${id}/power?action=start`, { method: 'POST' });
    expect(again.status).toBe(400);
    const againBody = await json(again);
    expect(againBody.error_type).toBe('ALREADY_IN_DESIRED_STATE');
    expect(againBody.messages[1].id).toBe('vmsg.InvalidPowerState.summary');
    expect(await json(await sim.vc(`/vcenter/vm/${id}/power`))).toEqual({ state: 'POWERED_ON' });
    expect(await latestCpu(rid)).toBeGreaterThan(0);

    // A new VM has no Tools yet: guest calls fail with 503, guest shutdown too.
    expect((await sim.vc(`/vcenter/vm/${id}/guest/local-filesystem`)).status).toBe(503);
    expect((await sim.vc(`/vcenter/vm/${id}/guest/power?action=shutdown`, { method: 'POST' })).status).toBe(503);

    const del = await sim.vc(`/vcenter/vm/${id}`, { method: 'DELETE' });
    expect(del.status).toBe(400);
    expect((await json(del)).error_type).toBe('NOT_ALLOWED_IN_CURRENT_STATE');

    expect((await sim.vc(`/vcenter/vm/${id}/power?action=stop`, { method: 'POST' })).status).toBe(204);
    const stopAgain = await json(await sim.vc(`/vcenter/vm/${id}/power?action=stop`, { method: 'POST' }));
    expect(stopAgain.messages[0]).toEqual({ id: 'com.vmware.api.vcenter.vm.power.already_powered_off', default_message: 'Virtual machine is already powered off.', args: [] });
    expect((await sim.vc(`/vcenter/vm/${id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await sim.vc(`/vcenter/vm/${id}`)).status).toBe(404);
    expect(await json(await sim.vc('/vcenter/vm?names=test-vm-1'))).toEqual([]);
    expect((await sim.ops(`/resources/${rid}`)).status).toBe(404);
  });

  it('validates placement: missing folder, unknown datastore, host outside cluster, bad guest_OS', async () => {
    const p = await placement();
    const before = sim.state.inventory.vms.size;
    const cases: [unknown, number, string][] = [
      [{ name: 'x', guest_OS: 'UBUNTU_64', placement: { cluster: p.cluster, datastore: p.datastore } }, 400, 'INVALID_ARGUMENT'],
      [{ name: 'x', guest_OS: 'UBUNTU_64', placement: { folder: p.folder, cluster: p.cluster, datastore: 'datastore-999999' } }, 404, 'NOT_FOUND'],
      [{ name: 'x', guest_OS: 'ubuntu64Guest', placement: { folder: p.folder, cluster: p.cluster, datastore: p.datastore } }, 400, 'INVALID_ARGUMENT'],
      [{ name: 'x', guest_OS: 'UBUNTU_64', placement: { folder: p.folder, datastore: p.datastore } }, 400, 'INVALID_ARGUMENT'],
      [{ name: 'x', guest_OS: 'UBUNTU_64', placement: { folder: p.folder, cluster: p.cluster, datastore: p.datastore }, disks: [{ new_vmdk: { capacity: 1024 * 1024 * GiB } }] }, 500, 'UNABLE_TO_ALLOCATE_RESOURCE'],
    ];
    const otherClusterHost = [...sim.state.inventory.hosts.values()].find((h) => h.cluster !== p.cluster)!;
    cases.push([{ name: 'x', guest_OS: 'UBUNTU_64', placement: { folder: p.folder, cluster: p.cluster, host: otherClusterHost.id, datastore: p.datastore } }, 400, 'INVALID_ARGUMENT']);
    for (const [body, status, type] of cases) {
      const r = await sim.vc('/vcenter/vm', post(body));
      expect([r.status, (await json(r)).error_type]).toEqual([status, type]);
    }
    expect(sim.state.inventory.vms.size).toBe(before);
  });
});

describe('hardware PATCH rules', () => {
  const pick = (pred: (v: any) => boolean) => [...sim.state.inventory.vms.values()].find(pred)!;

  it('lets a powered-off VM change anything, and refuses hot changes that hot-add forbids', async () => {
    const off = pick((v) => v.powerState === 'POWERED_OFF');
    expect((await sim.vc(`/vcenter/vm/${off.id}/hardware/cpu`, { method: 'PATCH', body: JSON.stringify({ count: 4, cores_per_socket: 2 }) })).status).toBe(204);
    expect((await sim.vc(`/vcenter/vm/${off.id}/hardware/memory`, { method: 'PATCH', body: JSON.stringify({ size_MiB: 8192 }) })).status).toBe(204);
    expect(await json(await sim.vc(`/vcenter/vm/${off.id}/hardware/cpu`))).toEqual(expect.objectContaining({ count: 4, cores_per_socket: 2 }));
    expect((await json(await sim.vc(`/vcenter/vm?vms=${off.id}`)))[0]).toEqual(expect.objectContaining({ cpu_count: 4, memory_size_MiB: 8192 }));

    const onNoHot = pick((v) => v.powerState === 'POWERED_ON' && !v.cpuHotAdd && v.coresPerSocket === 1);
    const r = await sim.vc(`/vcenter/vm/${onNoHot.id}/hardware/cpu`, { method: 'PATCH', body: JSON.stringify({ count: onNoHot.cpuCount + 1 }) });
    expect(r.status).toBe(400);
    expect((await json(r)).error_type).toBe('NOT_ALLOWED_IN_CURRENT_STATE');

    const onHot = pick((v) => v.powerState === 'POWERED_ON' && v.cpuHotAdd && v.coresPerSocket === 1);
    expect((await sim.vc(`/vcenter/vm/${onHot.id}/hardware/cpu`, { method: 'PATCH', body: JSON.stringify({ count: onHot.cpuCount + 1 }) })).status).toBe(204);
    const toggle = await sim.vc(`/vcenter/vm/${onHot.id}/hardware/cpu`, { method: 'PATCH', body: JSON.stringify({ hot_add_enabled: false }) });
    expect((await json(toggle)).error_type).toBe('NOT_ALLOWED_IN_CURRENT_STATE');

    const memOn = pick((v) => v.powerState === 'POWERED_ON' && v.memoryHotAdd);
    const shrink = await sim.vc(`/vcenter/vm/${memOn.id}/hardware/memory`, { method: 'PATCH', body: JSON.stringify({ size_MiB: memOn.memoryMiB / 2 }) });
    expect((await json(shrink)).error_type).toBe('NOT_ALLOWED_IN_CURRENT_STATE');
    expect((await sim.vc(`/vcenter/vm/${memOn.id}/hardware/memory`, { method: 'PATCH', body: JSON.stringify({ size_MiB: memOn.memoryMiB * 2 }) })).status).toBe(204);

    const bad = await sim.vc(`/vcenter/vm/${off.id}/hardware/cpu`, { method: 'PATCH', body: JSON.stringify({ count: 0 }) });
    expect((await json(bad)).error_type).toBe('INVALID_ARGUMENT');
    const badMem = await sim.vc(`/vcenter/vm/${off.id}/hardware/memory`, { method: 'PATCH', body: JSON.stringify({ size_MiB: 1001 }) });
    expect((await json(badMem)).error_type).toBe('INVALID_ARGUMENT');
  });

  it('follows the power-state rules for suspend, reset and guest power', async () => {
    const off = pick((v) => v.powerState === 'POWERED_OFF');
    const reset = await json(await sim.vc(`/vcenter/vm/${off.id}/power?action=reset`, { method: 'POST' }));
    expect(reset.error_type).toBe('NOT_ALLOWED_IN_CURRENT_STATE');
    const suspend = await json(await sim.vc(`/vcenter/vm/${off.id}/power?action=suspend`, { method: 'POST' }));
    expect(suspend.error_type).toBe('NOT_ALLOWED_IN_CURRENT_STATE');
    const shutdownOff = await json(await sim.vc(`/vcenter/vm/${off.id}/guest/power?action=shutdown`, { method: 'POST' }));
    expect(shutdownOff.error_type).toBe('ALREADY_IN_DESIRED_STATE');

    const withTools = pick((v) => v.powerState === 'POWERED_ON' && v.toolsInstalled);
    expect((await sim.vc(`/vcenter/vm/${withTools.id}/guest/power?action=reboot`, { method: 'POST' })).status).toBe(204);
    expect((await sim.vc(`/vcenter/vm/${withTools.id}/guest/power?action=shutdown`, { method: 'POST' })).status).toBe(204);
    expect(await json(await sim.vc(`/vcenter/vm/${withTools.id}/power`))).toEqual({ state: 'POWERED_OFF', clean_power_off: true });
    const rid = await resourceIdOf(sim, 'VirtualMachine', withTools.id);
    expect(await latestCpu(rid)).toBe(0);
  });
});
