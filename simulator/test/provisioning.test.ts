import { type Sim, json, post, resourceIdOf, startSim } from './helpers';

let sim: Sim;
beforeAll(async () => {
  sim = await startSim({ vms: 40, seed: 11, taskMs: 300 });
});
afterAll(() => sim.close());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function waitTask(id: string): Promise<any> {
  for (let i = 0; i < 100; i++) {
    const info = await json(await sim.vc(`/cis/tasks/${encodeURIComponent(id)}`));
    if (info.status !== 'RUNNING') return info;
    await sleep(50);
  }
  throw new Error('task did not finish');
}

describe('clone (POST /api/vcenter/vm?action=clone)', () => {
  it('copies the source onto a new placement, powered on when asked', async () => {
    const inv = sim.state.inventory;
    const src = [...inv.vms.values()].find((v) => v.powerState === 'POWERED_ON' && v.nics.length)!;
    const r = await sim.vc('/vcenter/vm?action=clone', post({ source: src.id, name: 'clone-1', power_on: true }));
    expect(r.status).toBe(201);
    const id = JSON.parse(await r.text());
    const vm = await json(await sim.vc(`/vcenter/vm/${id}`));
    expect(vm).toMatchObject({ name: 'clone-1', guest_OS: src.guestOS, power_state: 'POWERED_ON' });
    expect(vm.cpu.count).toBe(src.cpuCount);
    expect(Object.keys(vm.disks)).toHaveLength(src.disks.length);
    expect(inv.vms.get(id)!.folder).toBe(src.folder);
    // vROps knows it at once.
    expect(await resourceIdOf(sim, 'VirtualMachine', id)).toMatch(/^[0-9a-f-]{36}$/);
  });

  it.each([
    ['an unknown source', { source: 'vm-999999', name: 'x' }, 404, 'NOT_FOUND'],
    ['a taken name', 'taken', 400, 'ALREADY_EXISTS'],
    ['a datastore without space', 'full', 500, 'UNABLE_TO_ALLOCATE_RESOURCE'],
    ['a spec for another OS family', 'wrong-os', 400, 'INVALID_ARGUMENT'],
    ['an unknown customization spec', 'no-spec', 404, 'NOT_FOUND'],
    ['a missing name', { source: 'vm-1001' }, 400, 'INVALID_ARGUMENT'],
  ])('refuses %s', async (_what, bodyOrCase, status, type) => {
    const inv = sim.state.inventory;
    const linux = [...inv.vms.values()].find((v) => !v.guestOS.startsWith('WINDOWS'))!;
    let body: any = bodyOrCase;
    if (bodyOrCase === 'taken') body = { source: linux.id, name: linux.name };
    if (bodyOrCase === 'full') {
      const local = [...inv.datastores.values()].find((d) => !d.cluster && d.hosts[0] === linux.host)!;
      local.otherUsed = local.capacity; // fill it
      body = { source: linux.id, name: 'c-full', placement: { datastore: local.id, host: linux.host } };
    }
    if (bodyOrCase === 'wrong-os')
      body = { source: linux.id, name: 'c-os', guest_customization_spec: { name: 'windows-domain' } };
    if (bodyOrCase === 'no-spec')
      body = { source: linux.id, name: 'c-nospec', guest_customization_spec: { name: 'nope' } };
    const before = inv.vms.size;
    const r = await sim.vc('/vcenter/vm?action=clone', post(body));
    expect(r.status).toBe(status);
    expect((await json(r)).error_type).toBe(type);
    expect(inv.vms.size).toBe(before);
  });

  it('runs as a task with progress when asked (?vmw-task=true), and the VM appears when it succeeds', async () => {
    const inv = sim.state.inventory;
    const src = [...inv.vms.values()].find((v) => !v.guestOS.startsWith('WINDOWS'))!;
    const r = await sim.vc(
      '/vcenter/vm?action=clone&vmw-task=true',
      post({ source: src.id, name: 'clone-task', guest_customization_spec: { name: 'linux-static-web' } })
    );
    expect(r.status).toBe(202);
    const task = JSON.parse(await r.text());
    const running = await json(await sim.vc(`/cis/tasks/${encodeURIComponent(task)}`));
    expect(running).toMatchObject({
      status: 'RUNNING',
      service: 'com.vmware.vcenter.VM',
      operation: 'clone',
      cancelable: false,
    });
    expect(running.progress).toEqual(expect.objectContaining({ total: 100, completed: expect.any(Number) }));
    expect([...inv.vms.values()].some((v) => v.name === 'clone-task')).toBe(false);
    const done = await waitTask(task);
    expect(done.status).toBe('SUCCEEDED');
    expect(done.progress.completed).toBe(100);
    const vm = inv.vms.get(done.result)!;
    expect(vm.name).toBe('clone-task');
    expect(vm.ipAddress).toMatch(/^10\.50\./); // the static spec's network
    expect((await sim.vc('/cis/tasks/nope')).status).toBe(404);
  });
});

describe('instant clone (POST /api/vcenter/vm?action=instant-clone)', () => {
  it('forks a running source on its host, powered on', async () => {
    const inv = sim.state.inventory;
    const src = [...inv.vms.values()].find((v) => v.powerState === 'POWERED_ON' && v.toolsInstalled)!;
    const r = await sim.vc('/vcenter/vm?action=instant-clone', post({ source: src.id, name: 'ic-1' }));
    expect(r.status).toBe(201);
    const vm = inv.vms.get(JSON.parse(await r.text()))!;
    expect(vm).toMatchObject({ name: 'ic-1', host: src.host, powerState: 'POWERED_ON', guestOS: src.guestOS });
    expect(vm.instanceUuid).not.toBe(src.instanceUuid);
  });

  it.each([
    ['a powered-off source', 'off', 400, 'INVALID_ARGUMENT'],
    ['an unknown source', 'unknown', 404, 'NOT_FOUND'],
  ])('refuses %s', async (_what, kind, status, type) => {
    const inv = sim.state.inventory;
    const off = [...inv.vms.values()].find((v) => v.powerState === 'POWERED_OFF')!;
    const before = inv.vms.size;
    const r = await sim.vc(
      '/vcenter/vm?action=instant-clone',
      post({ source: kind === 'off' ? off.id : 'vm-999999', name: `ic-${kind}` })
    );
    expect(r.status).toBe(status);
    const b = await json(r);
    expect(b.error_type).toBe(type);
    if (kind === 'off') expect(b.messages[1].id).toBe('vmsg.InvalidPowerState.summary');
    expect(inv.vms.size).toBe(before);
  });
});

describe('relocate (POST /api/vcenter/vm/{vm}?action=relocate)', () => {
  it('moves a running VM to another host: inventory, vROps relationships and a vMotion event', async () => {
    const inv = sim.state.inventory;
    const vm = [...inv.vms.values()].find(
      (v) => v.powerState === 'POWERED_ON' && inv.connectedHostsOf(v.cluster).length > 1
    )!;
    const target = inv.connectedHostsOf(vm.cluster).find((h) => h.id !== vm.host)!;
    const from = vm.host;
    const r = await sim.vc(
      `/vcenter/vm/${vm.id}?action=relocate&vmw-task=true`,
      post({ placement: { host: target.id } })
    );
    expect(r.status).toBe(202);
    expect((await waitTask(JSON.parse(await r.text()))).status).toBe('SUCCEEDED');
    expect(inv.vms.get(vm.id)!.host).toBe(target.id);
    expect(await json(await sim.vc(`/vcenter/vm?hosts=${target.id}&vms=${vm.id}`))).toHaveLength(1);
    const rid = await resourceIdOf(sim, 'VirtualMachine', vm.id);
    const parents = await json(await sim.ops(`/resources/${rid}/relationships?relationshipType=PARENT`));
    const hostParent = parents.resourceList.find((p: any) => p.resourceKey.resourceKindKey === 'HostSystem');
    expect(hostParent.resourceKey.name).toBe(target.name);
    const events = await json(await fetch(`${sim.url}/__sim/events?vm=${vm.id}`));
    expect(events.at(-1)).toMatchObject({ vm: vm.id, fromHost: from, toHost: target.id, kind: 'vmotion' });
  });

  it('moves a VM to another datastore (Storage vMotion) and its disk space with it', async () => {
    const inv = sim.state.inventory;
    const vm = [...inv.vms.values()].find((v) => v.powerState === 'POWERED_OFF')!;
    const other = [...inv.datastores.values()].find((d) => d.cluster === vm.cluster && d.id !== vm.datastore)!;
    const usedBefore = other.vmUsed;
    const size = vm.disks.reduce((a, d) => a + d.capacity, 0);
    expect(
      (await sim.vc(`/vcenter/vm/${vm.id}?action=relocate`, post({ placement: { datastore: other.id } }))).status
    ).toBe(204);
    expect(other.vmUsed).toBe(usedBefore + size);
    expect(inv.vms.get(vm.id)!.disks.every((d) => d.vmdkFile.startsWith(`[${other.name}]`))).toBe(true);
  });

  it('places each disk on its own datastore (RelocateSpec.disks), the VM home staying', async () => {
    const inv = sim.state.inventory;
    const vm = [...inv.vms.values()].find((v) => v.disks.length > 1)!;
    const [first, second] = vm.disks;
    const other = [...inv.datastores.values()].find(
      (d) =>
        d.id !== first.datastore && d.hosts.includes(vm.host) && inv.datastoreFree(d) > first.capacity + second.capacity
    )!;
    const home = vm.datastore;
    const homeDs = inv.datastores.get(home)!;
    const [homeUsed, otherUsed, homeCount] = [homeDs.vmUsed, other.vmUsed, homeDs.vmCount];
    const r = await sim.vc(
      `/vcenter/vm/${vm.id}?action=relocate`,
      post({ disks: { [first.key]: { datastore: other.id } } })
    );
    expect(r.status).toBe(204);
    const info = await json(await sim.vc(`/vcenter/vm/${vm.id}`));
    expect(info.disks[first.key].backing.vmdk_file.startsWith(`[${other.name}]`)).toBe(true);
    expect(info.disks[second.key].backing.vmdk_file.startsWith(`[${homeDs.name}]`)).toBe(true);
    expect(inv.vms.get(vm.id)!.datastore).toBe(home);
    expect([homeDs.vmUsed, other.vmUsed, homeDs.vmCount]).toEqual([
      homeUsed - first.capacity,
      otherUsed + first.capacity,
      homeCount,
    ]);
    // vROps relates the VM to both datastores.
    const rid = await resourceIdOf(sim, 'VirtualMachine', vm.id);
    const parents = await json(await sim.ops(`/resources/${rid}/relationships?relationshipType=PARENT`));
    const names = parents.resourceList
      .filter((p: any) => p.resourceKey.resourceKindKey === 'Datastore')
      .map((p: any) => p.resourceKey.name);
    expect(names).toEqual(expect.arrayContaining([other.name, homeDs.name]));
    // A placement datastore moves the VM home and the disks left out; a named disk goes where it is told.
    const r2 = await sim.vc(
      `/vcenter/vm/${vm.id}?action=relocate`,
      post({ placement: { datastore: other.id }, disks: { [first.key]: { datastore: home } } })
    );
    expect([r2.status, r2.status === 204 ? '' : await r2.text()]).toEqual([204, '']);
    const moved = inv.vms.get(vm.id)!;
    expect(moved.datastore).toBe(other.id);
    expect(moved.disks.find((d) => d.key === first.key)!.datastore).toBe(home);
    expect(moved.disks.find((d) => d.key === second.key)!.datastore).toBe(other.id);
  });

  it.each([
    ['an unknown disk key', 'key', 404, 'NOT_FOUND'],
    ['an unknown datastore', 'ds', 404, 'NOT_FOUND'],
    ['a disk without datastore', 'no-ds', 400, 'INVALID_ARGUMENT'],
    ['a datastore the host does not mount', 'unmounted', 400, 'INVALID_ARGUMENT'],
    ['a datastore without space', 'full', 400, 'INVALID_ARGUMENT'],
  ])('refuses per-disk placement with %s and changes nothing', async (_what, kind, status, type) => {
    const inv = sim.state.inventory;
    const vm = [...inv.vms.values()].find((v) => v.disks.length > 0 && v.powerState === 'POWERED_OFF')!;
    const disk = vm.disks[0];
    const mounted = [...inv.datastores.values()].find((d) => d.id !== disk.datastore && d.hosts.includes(vm.host))!;
    let disks: any = { [disk.key]: { datastore: mounted.id } };
    if (kind === 'key') disks = { '9999': { datastore: mounted.id } };
    if (kind === 'ds') disks = { [disk.key]: { datastore: 'datastore-999999' } };
    if (kind === 'no-ds') disks = { [disk.key]: {} };
    if (kind === 'unmounted') {
      const away = [...inv.datastores.values()].find((d) => !d.hosts.includes(vm.host))!;
      disks = { [disk.key]: { datastore: away.id } };
    }
    let restore = () => {};
    if (kind === 'full') {
      const other = mounted.otherUsed;
      mounted.otherUsed = mounted.capacity - mounted.vmUsed - disk.capacity + 1;
      restore = () => (mounted.otherUsed = other);
    }
    const before = JSON.stringify({ vm: inv.vms.get(vm.id), ds: [...inv.datastores.values()].map((d) => d.vmUsed) });
    const r = await sim.vc(`/vcenter/vm/${vm.id}?action=relocate`, post({ disks }));
    restore();
    expect(r.status).toBe(status);
    const b = await json(r);
    expect(b.error_type).toBe(type);
    if (kind === 'full') expect(b.messages[0].id).toBe('com.vmware.api.vcenter.vm.insufficient_disk_space');
    expect(JSON.stringify({ vm: inv.vms.get(vm.id), ds: [...inv.datastores.values()].map((d) => d.vmUsed) })).toBe(
      before
    );
  });

  it.each([
    ['a disconnected host', 'disconnected', 500, 'RESOURCE_INACCESSIBLE'],
    ['a host in another datacenter', 'other-dc', 400, 'INVALID_ARGUMENT'],
    ['an unknown host', 'unknown', 404, 'NOT_FOUND'],
    ['no placement', 'empty', 400, 'INVALID_ARGUMENT'],
  ])('refuses %s and leaves the VM where it was', async (_what, kind, status, type) => {
    const inv = sim.state.inventory;
    const vm = [...inv.vms.values()].find((v) => inv.connectedHostsOf(v.cluster).length > 1)!;
    const where = { host: vm.host, datastore: vm.datastore };
    let placement: any = {};
    if (kind === 'disconnected') {
      const h = inv.connectedHostsOf(vm.cluster).find((x) => x.id !== vm.host)!;
      h.connectionState = 'DISCONNECTED';
      placement = { host: h.id };
    }
    if (kind === 'other-dc') {
      const h = [...inv.hosts.values()].find((x) => x.datacenter !== vm.datacenter);
      if (!h) return expect(inv.datacenters.size).toBe(1); // one-datacenter estate: nothing to test
      placement = { host: h.id };
    }
    if (kind === 'unknown') placement = { host: 'host-999999' };
    const r = await sim.vc(`/vcenter/vm/${vm.id}?action=relocate`, post({ placement }));
    expect(r.status).toBe(status);
    expect((await json(r)).error_type).toBe(type);
    expect({ host: inv.vms.get(vm.id)!.host, datastore: inv.vms.get(vm.id)!.datastore }).toEqual(where);
  });
});
