import { type Sim, json, startSim } from './helpers';

let sim: Sim;
beforeAll(async () => {
  sim = await startSim({ vms: 30, seed: 12, taskMs: 200 });
});
afterAll(() => sim.close());

const put = (body: unknown): RequestInit => ({ method: 'PUT', body: JSON.stringify(body) });
const postJson = (body: unknown): RequestInit => ({ method: 'POST', body: JSON.stringify(body) });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function items(): Promise<any[]> {
  const libs = await json(await sim.vc('/content/library'));
  expect(libs).toHaveLength(1);
  const lib = await json(await sim.vc(`/content/library/${libs[0]}`));
  expect(lib).toMatchObject({ name: 'Templates', type: 'LOCAL' });
  const ids: string[] = await json(await sim.vc(`/content/library/item?library_id=${libs[0]}`));
  return Promise.all(ids.map(async (id) => json(await sim.vc(`/content/library/item/${id}`))));
}

function placement() {
  const inv = sim.state.inventory;
  const dc = [...inv.datacenters.values()][0];
  const cl = [...inv.clusters.values()].find((c) => c.datacenter === dc.id)!;
  return { folder: dc.vmFolder, cluster: cl.id };
}

describe('content libraries and VM templates', () => {
  it('lists a library with VM templates and an OVF package, and describes a template', async () => {
    const all = await items();
    expect(all.map((i) => i.type).sort()).toEqual(['ovf', 'vm-template', 'vm-template', 'vm-template']);
    const ubuntu = all.find((i) => i.name === 'ubuntu-22.04-template');
    const info = await json(await sim.vc(`/vcenter/vm-template/library-items/${ubuntu.id}`));
    expect(info).toMatchObject({ guest_OS: 'UBUNTU_64', cpu: { count: 2 }, memory: { size_MiB: 4096 } });
    expect(Object.keys(info.disks)).toEqual(['2000']);
    const ovf = all.find((i) => i.type === 'ovf');
    expect((await sim.vc(`/vcenter/vm-template/library-items/${ovf.id}`)).status).toBe(404);
  });

  it('deploys a template with a Linux customization spec, powered on, with VMware Tools answering', async () => {
    const ubuntu = (await items()).find((i) => i.name === 'ubuntu-22.04-template');
    const r = await sim.vc(
      `/vcenter/vm-template/library-items/${ubuntu.id}?action=deploy`,
      postJson({
        name: 'web-new-01',
        placement: placement(),
        powered_on: true,
        guest_customization: { name: 'linux-static-web' },
      })
    );
    expect(r.status).toBe(200);
    const id = JSON.parse(await r.text());
    const ident = await json(await sim.vc(`/vcenter/vm/${id}/guest/identity`));
    expect(ident).toMatchObject({
      name: 'UBUNTU_64',
      host_name: 'web-new-01',
      ip_address: expect.stringMatching(/^10\.50\./),
    });
  });

  it.each([
    ['the OVF package (wrong item type)', 'ovf', {}, 400, 'INVALID_ARGUMENT'],
    [
      'a Windows spec on a Linux template',
      'ubuntu-22.04-template',
      { guest_customization: { name: 'windows-domain' } },
      400,
      'INVALID_ARGUMENT',
    ],
    ['a taken name', 'ubuntu-22.04-template', { name: 'taken' }, 400, 'ALREADY_EXISTS'],
    ['no compute placement', 'ubuntu-22.04-template', { placement: { folder: 'group-v3' } }, 400, 'INVALID_ARGUMENT'],
  ])('refuses %s', async (_what, itemName, extra, status, type) => {
    const all = await items();
    const it = itemName === 'ovf' ? all.find((i) => i.type === 'ovf') : all.find((i) => i.name === itemName);
    const inv = sim.state.inventory;
    const body: any = { name: 'deploy-x', placement: placement(), ...extra };
    if (body.name === 'taken') {
      const v = [...inv.vms.values()].find((x) => x.folder === placement().folder) ?? [...inv.vms.values()][0];
      body.name = v.name;
      body.placement = { folder: v.folder, cluster: v.cluster };
    }
    const before = inv.vms.size;
    const r = await sim.vc(`/vcenter/vm-template/library-items/${it.id}?action=deploy`, postJson(body));
    expect(r.status).toBe(status);
    expect((await json(r)).error_type).toBe(type);
    expect(inv.vms.size).toBe(before);
  });

  it('deploys as a task (?vmw-task=true) with progress and the new VM id as the result', async () => {
    const rhel = (await items()).find((i) => i.name === 'rhel-9-template');
    const r = await sim.vc(
      `/vcenter/vm-template/library-items/${rhel.id}?action=deploy&vmw-task=true`,
      postJson({ name: 'db-new-01', placement: placement() })
    );
    expect(r.status).toBe(202);
    const task = JSON.parse(await r.text());
    let info: any;
    for (let i = 0; i < 100; i++) {
      info = await json(await sim.vc(`/cis/tasks/${encodeURIComponent(task)}`));
      if (info.status !== 'RUNNING') break;
      await sleep(40);
    }
    expect(info).toMatchObject({ status: 'SUCCEEDED', operation: 'deploy', progress: { completed: 100 } });
    expect(sim.state.inventory.vms.get(info.result)!.name).toBe('db-new-01');
  });
});

describe('OVF packages (POST /api/vcenter/ovf/library-item/{id}?action=filter|deploy)', () => {
  it('filters first (networks, EULAs), then deploys once the EULA is accepted', async () => {
    const all = await items();
    const ovf = all.find((i) => i.type === 'ovf');
    const template = all.find((i) => i.type === 'vm-template');
    const inv = sim.state.inventory;
    const cl = inv.clusters.get(placement().cluster)!;
    const target = { resource_pool_id: cl.rootPool };
    const filter = await json(await sim.vc(`/vcenter/ovf/library-item/${ovf.id}?action=filter`, postJson({ target })));
    expect(filter).toMatchObject({ name: ovf.name, networks: ['VM Network'], EULAs: [expect.any(String)] });
    const filterTemplate = await sim.vc(`/vcenter/ovf/library-item/${template.id}?action=filter`, postJson({ target }));
    expect((await json(filterTemplate)).error_type).toBe('INVALID_ARGUMENT');
    const noPool = await sim.vc(
      `/vcenter/ovf/library-item/${ovf.id}?action=filter`,
      postJson({ target: { resource_pool_id: 'resgroup-99999' } })
    );
    expect(noPool.status).toBe(404);
    const noEula = await sim.vc(
      `/vcenter/ovf/library-item/${ovf.id}?action=deploy`,
      postJson({ target, deployment_spec: { name: 'photon-1', accept_all_EULA: false } })
    );
    expect((await json(noEula)).error_type).toBe('INVALID_ARGUMENT');
    const badNet = await sim.vc(
      `/vcenter/ovf/library-item/${ovf.id}?action=deploy`,
      postJson({ target, deployment_spec: { name: 'photon-1', accept_all_EULA: true, network_mappings: { LAN: 'x' } } })
    );
    expect(await json(badNet)).toMatchObject({
      error_type: 'INVALID_ARGUMENT',
      messages: [{ default_message: expect.stringContaining("has no network 'LAN'") }],
    });
    const wrongType = await sim.vc(
      `/vcenter/ovf/library-item/${template.id}?action=deploy`,
      postJson({ target, deployment_spec: { name: 'photon-2', accept_all_EULA: true } })
    );
    expect((await json(wrongType)).error_type).toBe('INVALID_ARGUMENT');
    const before = inv.vms.size;
    const dvpg = [...inv.networks.values()].find(
      (n) => n.datacenter === cl.datacenter && n.type === 'DISTRIBUTED_PORTGROUP'
    )!;
    const ok = await json(
      await sim.vc(
        `/vcenter/ovf/library-item/${ovf.id}?action=deploy`,
        postJson({
          target,
          deployment_spec: { name: 'photon-1', accept_all_EULA: true, network_mappings: { 'VM Network': dvpg.id } },
        })
      )
    );
    expect(ok).toMatchObject({ succeeded: true, resource_id: { type: 'VirtualMachine' } });
    expect(inv.vms.size).toBe(before + 1);
    const vm = inv.vms.get(ok.resource_id.id)!;
    expect(vm).toMatchObject({ name: 'photon-1', guestOS: 'VMWARE_PHOTON_64', cluster: cl.id });
    expect(vm.nics[0].network).toBe(dvpg.id);
  });
});

describe('guest customization specs', () => {
  it('lists Linux and Windows specs and returns one with its configuration', async () => {
    const list = await json(await sim.vc('/vcenter/guest/customization-specs'));
    expect(new Set(list.map((s: any) => s.OS_type))).toEqual(new Set(['LINUX', 'WINDOWS']));
    // `CustomizationSpecs.Info`: last_modified and spec {name, description, fingerprint, spec}.
    const one = await json(await sim.vc('/vcenter/guest/customization-specs/windows-domain'));
    expect(one).toMatchObject({ last_modified: expect.any(String), spec: { name: 'windows-domain' } });
    expect(one.spec.spec.configuration_spec.windows_config.sysprep.user_data.computer_name).toEqual({
      type: 'VIRTUAL_MACHINE',
    });
    const web = await json(await sim.vc('/vcenter/guest/customization-specs/linux-static-web'));
    expect(web.spec.spec.interfaces[0].adapter.ipv4).toEqual({
      type: 'STATIC',
      ip_address: '10.50.0.10',
      prefix: 16,
      gateways: ['10.50.0.1'],
    });
    expect((await sim.vc('/vcenter/guest/customization-specs/nope')).status).toBe(404);
  });

  it('applies a spec to a powered-off VM only, and only for its OS family', async () => {
    const inv = sim.state.inventory;
    const off = [...inv.vms.values()].find((v) => v.powerState === 'POWERED_OFF' && !v.guestOS.startsWith('WINDOWS'))!;
    const on = [...inv.vms.values()].find((v) => v.powerState === 'POWERED_ON' && !v.guestOS.startsWith('WINDOWS'))!;
    const refused = await sim.vc(`/vcenter/vm/${on.id}/guest/customization`, put({ name: 'linux-dhcp' }));
    expect(refused.status).toBe(400);
    expect((await json(refused)).error_type).toBe('NOT_ALLOWED_IN_CURRENT_STATE');
    const wrong = await sim.vc(`/vcenter/vm/${off.id}/guest/customization`, put({ name: 'windows-domain' }));
    expect((await json(wrong)).error_type).toBe('INVALID_ARGUMENT');
    expect((await sim.vc(`/vcenter/vm/${off.id}/guest/customization`, put({ name: 'linux-static-web' }))).status).toBe(
      204
    );
    expect(inv.vms.get(off.id)!.ipAddress).toBe('10.50.0.10');
  });
});

describe('inline guest customization (Customization.SetSpec with spec)', () => {
  const linuxSpec = (hostName: string, ipv4: unknown) => ({
    configuration_spec: { linux_config: { hostname: { type: 'FIXED', fixed_name: hostName }, domain: 'lab.local' } },
    global_DNS_settings: { dns_servers: ['10.0.0.53'] },
    interfaces: [{ adapter: { ipv4 } }],
  });
  const staticIp = { type: 'STATIC', ip_address: '10.50.0.21', prefix: 16, gateways: ['10.50.0.1'] };
  const offVm = (windows: boolean) =>
    [...sim.state.inventory.vms.values()].find(
      (v) => v.powerState === 'POWERED_OFF' && v.guestOS.startsWith('WINDOWS') === windows && v.nics.length === 1
    )!;

  it('applies a stored spec read back with a new host name and address to a powered-off VM', async () => {
    const vm = offVm(false);
    const stored = await json(await sim.vc('/vcenter/guest/customization-specs/linux-static-web'));
    const spec = stored.spec.spec;
    spec.configuration_spec.linux_config.hostname = { type: 'FIXED', fixed_name: 'web-21' };
    spec.interfaces[0].adapter.ipv4.ip_address = '10.50.0.21';
    const r = await sim.vc(`/vcenter/vm/${vm.id}/guest/customization`, put({ spec }));
    expect(r.status).toBe(204);
    expect(sim.state.inventory.vms.get(vm.id)).toMatchObject({ guestHostName: 'web-21', ipAddress: '10.50.0.21' });
  });

  it('takes a Windows computer name from sysprep user_data', async () => {
    const vm = offVm(true);
    const stored = await json(await sim.vc('/vcenter/guest/customization-specs/windows-domain'));
    const spec = stored.spec.spec;
    spec.configuration_spec.windows_config.sysprep.user_data.computer_name = { type: 'FIXED', fixed_name: 'APP-07' };
    expect((await sim.vc(`/vcenter/vm/${vm.id}/guest/customization`, put({ spec }))).status).toBe(204);
    expect(sim.state.inventory.vms.get(vm.id)!.guestHostName).toBe('APP-07');
  });

  it.each([
    [
      'name and spec together',
      (s: any) => ({ name: 'linux-dhcp', spec: s }),
      'INVALID_ARGUMENT',
      'either name or spec',
    ],
    [
      'a Windows configuration for a Linux guest',
      (s: any) => ({
        spec: {
          ...s,
          configuration_spec: {
            windows_config: { sysprep: { user_data: { computer_name: { type: 'VIRTUAL_MACHINE' } } } },
          },
        },
      }),
      'INVALID_ARGUMENT',
      'not a Windows guest',
    ],
    [
      'a host name that is not a label',
      () => ({ spec: linuxSpec('-web', staticIp) }),
      'INVALID_ARGUMENT',
      "Host name '-web' is not valid",
    ],
    [
      'FIXED without fixed_name',
      (s: any) => ({
        spec: { ...s, configuration_spec: { linux_config: { hostname: { type: 'FIXED' }, domain: 'lab.local' } } },
      }),
      'INVALID_ARGUMENT',
      'needs fixed_name',
    ],
    [
      'a static address without prefix',
      () => ({ spec: linuxSpec('web-22', { type: 'STATIC', ip_address: '10.50.0.22' }) }),
      'INVALID_ARGUMENT',
      'prefix must be between 1 and 32',
    ],
    [
      'a bad gateway',
      () => ({ spec: linuxSpec('web-22', { ...staticIp, gateways: ['10.50.0'] }) }),
      'INVALID_ARGUMENT',
      "holds '10.50.0'",
    ],
    [
      'more adapter settings than NICs',
      (s: any) => ({ spec: { ...s, interfaces: [...s.interfaces, ...s.interfaces] } }),
      'INVALID_ARGUMENT',
      'does not match the number of network adapters',
    ],
  ])('refuses %s and changes nothing', async (_what, body, type, msg) => {
    const vm = offVm(false);
    const before = { ...sim.state.inventory.vms.get(vm.id)! };
    const r = await sim.vc(`/vcenter/vm/${vm.id}/guest/customization`, put(body(linuxSpec('web-22', staticIp))));
    expect(r.status).toBe(400);
    const b = await json(r);
    expect(b.error_type).toBe(type);
    expect(b.messages[0].default_message).toContain(msg);
    expect(sim.state.inventory.vms.get(vm.id)).toMatchObject({
      guestHostName: before.guestHostName,
      ipAddress: before.ipAddress,
    });
  });

  it('refuses a running VM (NOT_ALLOWED_IN_CURRENT_STATE) and an unknown VM (NOT_FOUND)', async () => {
    const on = [...sim.state.inventory.vms.values()].find(
      (v) => v.powerState === 'POWERED_ON' && !v.guestOS.startsWith('WINDOWS') && v.nics.length === 1
    )!;
    const r = await sim.vc(`/vcenter/vm/${on.id}/guest/customization`, put({ spec: linuxSpec('web-23', staticIp) }));
    expect((await json(r)).error_type).toBe('NOT_ALLOWED_IN_CURRENT_STATE');
    const gone = await sim.vc(
      '/vcenter/vm/vm-999999/guest/customization',
      put({ spec: linuxSpec('web-23', staticIp) })
    );
    expect(gone.status).toBe(404);
  });
});
