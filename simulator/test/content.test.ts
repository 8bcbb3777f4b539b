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

describe('guest customization specs', () => {
  it('lists Linux and Windows specs and returns one with its configuration', async () => {
    const list = await json(await sim.vc('/vcenter/guest/customization-specs'));
    expect(new Set(list.map((s: any) => s.os_type))).toEqual(new Set(['LINUX', 'WINDOWS']));
    const one = await json(await sim.vc('/vcenter/guest/customization-specs/windows-domain'));
    expect(one.spec.configuration_spec.windows_config).toBeDefined();
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
