import { type Sim, basic, json, post, startSim } from './helpers';

let sim: Sim;
beforeAll(async () => {
  sim = await startSim();
});
afterAll(() => sim.close());

const expectVapiError = async (r: Response, status: number, type: string) => {
  expect(r.status).toBe(status);
  const b = await json(r);
  expect(b.error_type).toBe(type);
  expect(Array.isArray(b.messages)).toBe(true);
  expect(b.messages[0]).toEqual(
    expect.objectContaining({ id: expect.any(String), default_message: expect.any(String), args: expect.any(Array) })
  );
  return b;
};

describe('sessions', () => {
  it('creates a session with Basic auth: 201 and a bare JSON string of 32 hex chars', async () => {
    const r = await fetch(`${sim.url}/api/session`, { method: 'POST', headers: { authorization: basic() } });
    expect(r.status).toBe(201);
    expect(r.headers.get('content-type')).toMatch(/application\/json/);
    const token = await json<string>(r);
    expect(token).toMatch(/^[0-9a-f]{32}$/);
    const info = await json(await fetch(`${sim.url}/api/session`, { headers: { 'vmware-api-session-id': token } }));
    expect(info).toEqual({
      user: 'Administrator@VSPHERE.LOCAL',
      created_time: expect.any(String),
      last_accessed_time: expect.any(String),
    });
    const del = await fetch(`${sim.url}/api/session`, {
      method: 'DELETE',
      headers: { 'vmware-api-session-id': token },
    });
    expect(del.status).toBe(204);
    const after = await fetch(`${sim.url}/api/vcenter/vm`, { headers: { 'vmware-api-session-id': token } });
    await expectVapiError(after, 401, 'UNAUTHENTICATED');
  });

  it('refuses bad credentials and missing or unknown sessions with UNAUTHENTICATED and a challenge', async () => {
    const bad = await fetch(`${sim.url}/api/session`, {
      method: 'POST',
      headers: { authorization: basic('administrator@vsphere.local', 'wrong') },
    });
    const b = await expectVapiError(bad, 401, 'UNAUTHENTICATED');
    expect(b.challenge).toContain('Basic realm');
    expect(JSON.stringify(b)).not.toContain('wrong');
    await expectVapiError(await fetch(`${sim.url}/api/session`, { method: 'POST' }), 401, 'UNAUTHENTICATED');
    await expectVapiError(await fetch(`${sim.url}/api/vcenter/host`), 401, 'UNAUTHENTICATED');
    await expectVapiError(
      await fetch(`${sim.url}/api/vcenter/host`, { headers: { 'vmware-api-session-id': 'deadbeef' } }),
      401,
      'UNAUTHENTICATED'
    );
  });
});

describe('inventory lists', () => {
  it('lists the default lab: 1 datacenter, 2 clusters with HA/DRS flags, 5 connected hosts, ~40 VMs', async () => {
    const dcs = await json(await sim.vc('/vcenter/datacenter'));
    expect(dcs).toHaveLength(1);
    expect(dcs[0]).toEqual({ datacenter: expect.stringMatching(/^datacenter-\d+$/), name: expect.any(String) });
    const clusters = await json(await sim.vc('/vcenter/cluster'));
    expect(clusters).toHaveLength(2);
    for (const c of clusters)
      expect(c).toEqual({
        cluster: expect.stringMatching(/^domain-c\d+$/),
        name: expect.any(String),
        ha_enabled: expect.any(Boolean),
        drs_enabled: expect.any(Boolean),
      });
    const hosts = await json(await sim.vc('/vcenter/host'));
    expect(hosts).toHaveLength(5);
    for (const h of hosts)
      expect(h).toEqual({
        host: expect.stringMatching(/^host-\d+$/),
        name: expect.any(String),
        connection_state: 'CONNECTED',
        power_state: 'POWERED_ON',
      });
    const vms = await json(await sim.vc('/vcenter/vm'));
    expect(vms).toHaveLength(40);
    expect(vms[0]).toEqual({
      vm: 'vm-1001',
      name: expect.any(String),
      power_state: expect.stringMatching(/^POWERED_(ON|OFF)$|^SUSPENDED$/),
      cpu_count: expect.any(Number),
      memory_size_MiB: expect.any(Number),
    });
  });

  it('filters VMs with bare repeated params (AND across fields, OR within one); unknown ids match nothing', async () => {
    const hosts = await json(await sim.vc('/vcenter/host'));
    const [h1, h2] = [hosts[0].host, hosts[1].host];
    const one = await json(await sim.vc(`/vcenter/vm?hosts=${h1}`));
    const two = await json(await sim.vc(`/vcenter/vm?hosts=${h1}&hosts=${h2}`));
    expect(one.length).toBeGreaterThan(0);
    expect(two.length).toBeGreaterThan(one.length);
    const on = await json(await sim.vc(`/vcenter/vm?hosts=${h1}&hosts=${h2}&power_states=POWERED_ON`));
    expect(on.every((v: any) => v.power_state === 'POWERED_ON')).toBe(true);
    expect(on.length).toBeLessThanOrEqual(two.length);
    const byName = await json(await sim.vc(`/vcenter/vm?names=${encodeURIComponent(one[0].name)}`));
    expect(byName).toEqual([one[0]]);
    expect(await json(await sim.vc('/vcenter/vm?clusters=DC-East-CL01'))).toEqual([]);
    // Per-host partitions cover the whole estate exactly once.
    let total = 0;
    for (const h of hosts) total += (await json(await sim.vc(`/vcenter/vm?hosts=${h.host}`))).length;
    expect(total).toBe(40);
  });

  it('answers 400 INVALID_ARGUMENT for invalid enum values', async () => {
    const b = await expectVapiError(await sim.vc('/vcenter/vm?power_states=RUNNING'), 400, 'INVALID_ARGUMENT');
    expect(b.messages[0].default_message).toContain('POWERED_ON');
    await expectVapiError(await sim.vc('/vcenter/datastore?types=EXT4'), 400, 'INVALID_ARGUMENT');
    await expectVapiError(await sim.vc('/vcenter/folder?type=BOGUS'), 400, 'INVALID_ARGUMENT');
  });

  it('serves datastores (shared per cluster), networks, folders, resource pools and single-object GETs', async () => {
    const ds = await json(await sim.vc('/vcenter/datastore'));
    for (const d of ds) {
      expect(d).toEqual({
        datastore: expect.stringMatching(/^datastore-\d+$/),
        name: expect.any(String),
        type: expect.any(String),
        free_space: expect.any(Number),
        capacity: expect.any(Number),
      });
      expect(d.free_space).toBeLessThan(d.capacity);
    }
    const vsan = await json(await sim.vc('/vcenter/datastore?types=VSAN'));
    expect(vsan).toHaveLength(2);
    const one = await json(await sim.vc(`/vcenter/datastore/${vsan[0].datastore}`));
    expect(one).toEqual({
      name: vsan[0].name,
      type: 'VSAN',
      accessible: true,
      free_space: vsan[0].free_space,
      multiple_host_access: true,
      thin_provisioning_supported: true,
    });
    const nets = await json(await sim.vc('/vcenter/network?types=DISTRIBUTED_PORTGROUP'));
    expect(nets.length).toBeGreaterThan(0);
    expect(nets[0].network).toMatch(/^dvportgroup-\d+$/);
    const vmFolders = await json(await sim.vc('/vcenter/folder?type=VIRTUAL_MACHINE'));
    expect(vmFolders.map((f: any) => f.name)).toEqual(expect.arrayContaining(['vm', 'Production']));
    const clusters = await json(await sim.vc('/vcenter/cluster'));
    const cl = await json(await sim.vc(`/vcenter/cluster/${clusters[0].cluster}`));
    expect(cl).toEqual({ name: clusters[0].name, resource_pool: expect.stringMatching(/^resgroup-\d+$/) });
    const pools = await json(await sim.vc(`/vcenter/resource-pool?clusters=${clusters[0].cluster}`));
    expect(pools.map((p: any) => p.resource_pool)).toContain(cl.resource_pool);
    const dc = (await json(await sim.vc('/vcenter/datacenter')))[0];
    expect(await json(await sim.vc(`/vcenter/datacenter/${dc.datacenter}`))).toEqual({
      name: dc.name,
      datastore_folder: expect.stringMatching(/^group-s/),
      host_folder: expect.stringMatching(/^group-h/),
      network_folder: expect.stringMatching(/^group-n/),
      vm_folder: expect.stringMatching(/^group-v/),
    });
    await expectVapiError(await sim.vc('/vcenter/cluster/domain-c999999'), 404, 'NOT_FOUND');
  });
});

describe('VM detail and guest info', () => {
  it('renders VM info with maps keyed by device id and no placement fields', async () => {
    const vm = await json(await sim.vc('/vcenter/vm/vm-1001'));
    expect(vm).toEqual(
      expect.objectContaining({
        name: expect.any(String),
        guest_OS: expect.any(String),
        power_state: expect.any(String),
        hardware: expect.objectContaining({ version: expect.stringMatching(/^VMX_\d\d$/) }),
        cpu: expect.objectContaining({
          count: expect.any(Number),
          cores_per_socket: expect.any(Number),
          hot_add_enabled: expect.any(Boolean),
        }),
        memory: expect.objectContaining({ size_MiB: expect.any(Number), hot_add_enabled: expect.any(Boolean) }),
        boot_devices: [],
      })
    );
    expect(Object.keys(vm.disks)[0]).toBe('2000');
    expect(vm.disks['2000'].backing).toEqual({
      type: 'VMDK_FILE',
      vmdk_file: expect.stringMatching(/^\[.+\] .+\.vmdk$/),
    });
    expect(Object.keys(vm.nics)).toEqual(['4000']);
    expect(vm.nics['4000']).toEqual(
      expect.objectContaining({
        mac_address: expect.stringMatching(/^00:50:56:/),
        state: expect.stringMatching(/CONNECTED/),
      })
    );
    expect(vm.nics['4000'].backing).toEqual(expect.objectContaining({ network: expect.any(String) }));
    expect(await json(await sim.vc('/vcenter/vm/vm-1001/hardware'))).toEqual(vm.hardware);
    expect(vm.hardware).toEqual({
      version: expect.stringMatching(/^VMX_\d+$/),
      upgrade_policy: 'NEVER',
      upgrade_status: 'NONE',
    });
    expect(vm).not.toHaveProperty('host');
    expect(JSON.stringify(vm)).not.toContain('null');
    expect(await json(await sim.vc('/vcenter/vm/vm-1001/hardware/disk'))).toEqual(
      Object.keys(vm.disks).map((disk) => ({ disk }))
    );
  });

  it('renders NIC backings as the union VMware defines: network_name only on standard port groups', async () => {
    const inv = sim.state.inventory;
    const seen = new Set<string>();
    for (const v of inv.vms.values()) {
      const net = inv.networks.get(v.nics[0].network)!;
      if (seen.has(net.type)) continue;
      seen.add(net.type);
      const b = (await json(await sim.vc(`/vcenter/vm/${v.id}/hardware/ethernet/4000`))).backing;
      if (net.type === 'STANDARD_PORTGROUP') {
        expect(b).toEqual({ type: 'STANDARD_PORTGROUP', network: net.id, network_name: net.name });
      } else {
        expect(b).toEqual({
          type: 'DISTRIBUTED_PORTGROUP',
          network: net.id,
          distributed_switch_uuid: expect.any(String),
          distributed_port: expect.any(String),
          connection_cookie: expect.any(Number),
        });
      }
    }
    expect([...seen].sort()).toEqual(['DISTRIBUTED_PORTGROUP', 'STANDARD_PORTGROUP']);
  });

  it('answers NOT_FOUND with the vCenter body for unknown VMs and routes', async () => {
    const b = await expectVapiError(await sim.vc('/vcenter/vm/vm-999999'), 404, 'NOT_FOUND');
    expect(b.messages[0].default_message).toContain("'vm-999999:");
    const route = await expectVapiError(await sim.vc('/vcenter/nope'), 404, 'NOT_FOUND');
    expect(route.messages[0].id).toBe('com.vmware.vapi.rest.httpNotFound');
  });

  it('serves guest identity, filesystems and networking while Tools run; 503 tools_not_running otherwise', async () => {
    const vm = [...sim.state.inventory.vms.values()].find((v) => v.powerState === 'POWERED_ON' && v.toolsInstalled)!;
    const id = await json(await sim.vc(`/vcenter/vm/${vm.id}/guest/identity`));
    expect(id).toEqual({
      name: vm.guestOS,
      family: expect.stringMatching(/LINUX|WINDOWS|OTHER/),
      full_name: { args: [], default_message: expect.any(String), id: expect.stringMatching(/^vmsg\.guestos\./) },
      host_name: vm.name,
      ip_address: vm.ipAddress,
    });
    const fs = await json(await sim.vc(`/vcenter/vm/${vm.id}/guest/local-filesystem`));
    const mounts = Object.values(fs) as any[];
    expect(mounts.length).toBeGreaterThan(0);
    for (const m of mounts) expect(m.free_space).toBeLessThan(m.capacity);
    const ifaces = await json(await sim.vc(`/vcenter/vm/${vm.id}/guest/networking/interfaces`));
    expect(ifaces[0].ip.ip_addresses[0].ip_address).toBe(vm.ipAddress);
    expect(await json(await sim.vc(`/vcenter/vm/${vm.id}/guest/networking`))).toEqual(
      expect.objectContaining({ dns_values: expect.any(Object) })
    );

    const off = [...sim.state.inventory.vms.values()].find((v) => v.powerState === 'POWERED_OFF')!;
    const err = await expectVapiError(await sim.vc(`/vcenter/vm/${off.id}/guest/identity`), 503, 'SERVICE_UNAVAILABLE');
    expect(err.messages[0].id).toBe('com.vmware.api.vcenter.vm.guest.tools_not_running');
    expect(await json(await sim.vc(`/vcenter/vm/${off.id}/guest/power`))).toEqual({
      state: 'NOT_RUNNING',
      operations_ready: false,
    });
  });
});

describe('bad input never crashes', () => {
  it('answers bad JSON with 400 INVALID_REQUEST and no stack trace', async () => {
    const r = await sim.vc('/vcenter/vm', { method: 'POST', body: '{"name": ' });
    const b = await expectVapiError(r, 400, 'INVALID_REQUEST');
    expect(JSON.stringify(b)).not.toMatch(/at .+\.js:\d+/);
  });

  it('accepts Content-Type: application/json with an empty body, as vCenter does', async () => {
    const off = [...sim.state.inventory.vms.values()].find((v) => v.powerState === 'POWERED_OFF')!;
    const r = await sim.vc(`/vcenter/vm/${off.id}/power?action=reset`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    });
    expect((await json(r)).error_type).toBe('NOT_ALLOWED_IN_CURRENT_STATE');
    const login = await fetch(`${sim.url}/api/session`, {
      method: 'POST',
      headers: { authorization: basic(), 'content-type': 'application/json' },
    });
    expect(login.status).toBe(201);
  });

  it('answers schema violations in bodies and unknown actions with INVALID_ARGUMENT', async () => {
    await expectVapiError(await sim.vc('/vcenter/vm', post({ guest_OS: 'UBUNTU_64' })), 400, 'INVALID_ARGUMENT');
    await expectVapiError(
      await sim.vc('/vcenter/vm/vm-1001/power?action=explode', { method: 'POST' }),
      400,
      'INVALID_ARGUMENT'
    );
    await expectVapiError(await sim.vc('/vcenter/vm/vm-1001/power', { method: 'POST' }), 400, 'INVALID_ARGUMENT');
    await expectVapiError(
      await sim.vc('/vcenter/vm/vm-1001/hardware/cpu', { method: 'PATCH', body: JSON.stringify({ count: 'four' }) }),
      400,
      'INVALID_ARGUMENT'
    );
    // Nothing changed.
    expect(sim.state.inventory.vms.size).toBe(40);
  });
});
