import type { PowerState, Vm } from '../src/inventory/model';
import { Inventory } from '../src/inventory/inventory';
import { VapiError } from '../src/routes/vcenter/errors';
import { planCreate } from '../src/vm-ops/create';
import { MAX_MEMORY_MIB, planCpuUpdate, planMemoryUpdate } from '../src/vm-ops/hardware';
import { type AnyPowerAction, checkDelete, powerTransition } from '../src/vm-ops/power';

/** outcome runs a rule and reduces it to `ok:<next>[+boot]` or `<error_type>:<message id>`. */
function outcome(f: () => { powerState?: string; bootTime?: number } | object): string {
  try {
    const r = f() as { powerState?: string; bootTime?: number };
    return `ok:${r.powerState ?? ''}${r.bootTime !== undefined ? '+boot' : ''}`;
  } catch (e) {
    if (!(e instanceof VapiError)) throw e;
    return `${e.errorType}:${e.messages[0].id.replace(/^com\.vmware\.api\.vcenter\.vm\./, '')}`;
  }
}

const ON: PowerState = 'POWERED_ON';
const OFF: PowerState = 'POWERED_OFF';
const SUS: PowerState = 'SUSPENDED';

describe('power transition table (every state × action)', () => {
  // Written out by hand from the vSphere Automation API's Power and Guest Power docs, not from the table.
  const expected: Record<AnyPowerAction, Record<PowerState, string>> = {
    start: {
      [ON]: 'ALREADY_IN_DESIRED_STATE:power.already_powered_on',
      [OFF]: 'ok:POWERED_ON+boot',
      [SUS]: 'ok:POWERED_ON+boot',
    },
    stop: {
      [ON]: 'ok:POWERED_OFF',
      [OFF]: 'ALREADY_IN_DESIRED_STATE:power.already_powered_off',
      [SUS]: 'ok:POWERED_OFF',
    },
    suspend: {
      [ON]: 'ok:SUSPENDED',
      [OFF]: 'NOT_ALLOWED_IN_CURRENT_STATE:power.suspend_not_powered_on',
      [SUS]: 'ALREADY_IN_DESIRED_STATE:power.already_suspended',
    },
    reset: {
      [ON]: 'ok:POWERED_ON+boot',
      [OFF]: 'NOT_ALLOWED_IN_CURRENT_STATE:power.reset_not_powered_on',
      [SUS]: 'NOT_ALLOWED_IN_CURRENT_STATE:power.reset_not_powered_on',
    },
    'guest.shutdown': {
      [ON]: 'ok:POWERED_OFF',
      [OFF]: 'ALREADY_IN_DESIRED_STATE:guest.power.already_powered_off',
      [SUS]: 'NOT_ALLOWED_IN_CURRENT_STATE:guest.power.suspended',
    },
    'guest.reboot': {
      [ON]: 'ok:POWERED_ON+boot',
      [OFF]: 'NOT_ALLOWED_IN_CURRENT_STATE:guest.power.not_powered_on',
      [SUS]: 'NOT_ALLOWED_IN_CURRENT_STATE:guest.power.not_powered_on',
    },
    'guest.standby': {
      [ON]: 'ok:SUSPENDED',
      [OFF]: 'NOT_ALLOWED_IN_CURRENT_STATE:guest.power.not_powered_on',
      [SUS]: 'ALREADY_IN_DESIRED_STATE:guest.power.already_suspended',
    },
  };
  const rows = Object.entries(expected).flatMap(([action, byState]) =>
    Object.entries(byState).map(([state, want]) => [action as AnyPowerAction, state as PowerState, want] as const)
  );

  it.each(rows)('%s on %s → %s (host connected, Tools installed)', (action, state, want) => {
    const vm = { id: 'vm-1', powerState: state, toolsInstalled: true };
    expect(outcome(() => powerTransition(vm, action, { hostConnected: true, vcenterUuid: 'u', now: 42 }))).toBe(want);
  });

  it.each(rows)('%s on %s without Tools and with the host disconnected', (action, state, want) => {
    const vm = { id: 'vm-1', powerState: state, toolsInstalled: false };
    const got = outcome(() => powerTransition(vm, action, { hostConnected: false, vcenterUuid: 'u', now: 42 }));
    // State refusals win; otherwise starting needs the host and guest actions need Tools.
    if (!want.startsWith('ok:')) expect(got).toBe(want);
    else if (action === 'start') expect(got).toBe('RESOURCE_INACCESSIBLE:host_not_connected');
    else if (action.startsWith('guest.')) expect(got).toBe('SERVICE_UNAVAILABLE:guest.tools_not_running');
    else expect(got).toBe(want);
  });

  it('stacks the InvalidPowerState cause, naming the current state, under every refusal', () => {
    try {
      powerTransition({ id: 'vm-1', powerState: SUS, toolsInstalled: true }, 'reset', {
        hostConnected: true,
        vcenterUuid: 'u',
        now: 0,
      });
      throw new Error('not refused');
    } catch (e) {
      expect((e as VapiError).messages[1]).toEqual({
        id: 'vmsg.InvalidPowerState.summary',
        default_message: 'The attempted operation cannot be performed in the current state (Suspended).',
        args: [],
      });
    }
  });

  it.each([
    [ON, 'NOT_ALLOWED_IN_CURRENT_STATE:delete_powered_on'],
    [OFF, 'ok:'],
    [SUS, 'ok:'],
  ] as const)('delete while %s → %s', (state, want) => {
    expect(outcome(() => (checkDelete({ name: 'x', powerState: state }), {}))).toBe(want);
  });
});

describe('hardware rules (grow / shrink × power state × hot-plug flags)', () => {
  const base = (powerState: PowerState, hotAdd: boolean, hotRemove: boolean) =>
    ({
      powerState,
      cpuCount: 4,
      coresPerSocket: 1,
      cpuHotAdd: hotAdd,
      cpuHotRemove: hotRemove,
      memoryMiB: 4096,
      memoryHotAdd: hotAdd,
    }) as const;
  const states = [ON, OFF, SUS];
  const flags = [
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ] as const;

  const cpuRows = states.flatMap((s) =>
    flags.flatMap(([add, rem]) => (['grow', 'shrink', 'same'] as const).map((dir) => [s, add, rem, dir] as const))
  );
  it.each(cpuRows)('CPU %s hotAdd=%s hotRemove=%s %s', (state, add, rem, dir) => {
    const vm = base(state, add, rem);
    const count = dir === 'grow' ? 8 : dir === 'shrink' ? 2 : 4;
    const got = outcome(() => ({ powerState: String(planCpuUpdate(vm, { count }).cpuCount) }));
    if (state === OFF || dir === 'same') expect(got).toBe(`ok:${count}`);
    else if (dir === 'grow')
      expect(got).toBe(add ? 'ok:8' : 'NOT_ALLOWED_IN_CURRENT_STATE:hardware.cpu.hot_add_disabled');
    else expect(got).toBe(rem ? 'ok:2' : 'NOT_ALLOWED_IN_CURRENT_STATE:hardware.cpu.hot_remove_disabled');
  });

  it.each(states)('CPU hot-plug settings and cores per socket need power off (%s)', (state) => {
    const vm = base(state, true, true);
    const settings = outcome(() => planCpuUpdate(vm, { hot_add_enabled: false }));
    const cps = outcome(() => planCpuUpdate(vm, { count: 4, cores_per_socket: 2 }));
    if (state === OFF) {
      expect(settings).toBe('ok:');
      expect(cps).toBe('ok:');
    } else {
      expect(settings).toBe('NOT_ALLOWED_IN_CURRENT_STATE:hardware.cpu.hot_plug_setting_requires_power_off');
      expect(cps).toBe('NOT_ALLOWED_IN_CURRENT_STATE:hardware.cpu.cores_per_socket_requires_power_off');
    }
  });

  it.each([
    [0, 1],
    [129, 1],
    [6, 4],
    [4, 0],
  ])('CPU count %i with %i cores per socket is INVALID_ARGUMENT in every state', (count, cps) => {
    for (const s of states)
      expect(outcome(() => planCpuUpdate(base(s, true, true), { count, cores_per_socket: cps }))).toBe(
        'INVALID_ARGUMENT:com.vmware.vapi.std.errors.invalid_argument'
      );
  });

  const memRows = states.flatMap((s) =>
    [false, true].flatMap((add) => (['grow', 'shrink', 'same', 'past-limit'] as const).map((d) => [s, add, d] as const))
  );
  it.each(memRows)('memory %s hotAdd=%s %s', (state, add, dir) => {
    const vm = base(state, add, false);
    const size = { grow: 8192, shrink: 2048, same: 4096, 'past-limit': 4096 * 16 + 4 }[dir];
    const got = outcome(() => ({ powerState: String(planMemoryUpdate(vm, { size_MiB: size }).memoryMiB) }));
    if (state === OFF || dir === 'same') expect(got).toBe(`ok:${size}`);
    else if (!add) expect(got).toBe('NOT_ALLOWED_IN_CURRENT_STATE:hardware.memory.hot_add_disabled');
    else if (dir === 'grow') expect(got).toBe('ok:8192');
    else if (dir === 'shrink') expect(got).toBe('NOT_ALLOWED_IN_CURRENT_STATE:hardware.memory.hot_remove_unsupported');
    else expect(got).toBe('INVALID_ARGUMENT:com.vmware.vapi.std.errors.invalid_argument');
  });

  it.each([2, 4098, MAX_MEMORY_MIB + 4])('memory size %i is INVALID_ARGUMENT even when powered off', (size) => {
    expect(outcome(() => planMemoryUpdate(base(OFF, true, true), { size_MiB: size }))).toBe(
      'INVALID_ARGUMENT:com.vmware.vapi.std.errors.invalid_argument'
    );
  });

  it('does not mutate the VM it judges', () => {
    const vm = base(OFF, false, false);
    const before = JSON.stringify(vm);
    planCpuUpdate(vm, { count: 8, hot_add_enabled: true });
    planMemoryUpdate(vm, { size_MiB: 8192, hot_add_enabled: true });
    expect(JSON.stringify(vm)).toBe(before);
  });
});

describe('create planning', () => {
  const inv = new Inventory({ vms: 20, seed: 4 }, 1_700_000_000_000);
  const dc = [...inv.datacenters.values()][0];
  const cluster = [...inv.clusters.values()].find((c) => c.datacenter === dc.id)!;
  const ds = [...inv.datastores.values()].find((d) => d.cluster === cluster.id)!;
  const folder = dc.vmFolder;
  const spec = (extra: object = {}) => ({
    name: 'new-vm',
    guest_OS: 'UBUNTU_64',
    placement: { folder, cluster: cluster.id, datastore: ds.id },
    ...extra,
  });

  it('plans a powered-off VM with guest-dependent defaults and changes nothing', () => {
    const before = inv.vms.size;
    const plan = planCreate(inv, spec(), inv.peekVmId(), 5);
    expect(plan.vm).toMatchObject({ name: 'new-vm', powerState: 'POWERED_OFF', memoryMiB: 2048, cluster: cluster.id });
    expect(plan.diskSizes).toEqual([16 * 1024 ** 3]);
    expect(inv.vms.size).toBe(before);
    const win = planCreate(inv, spec({ guest_OS: 'WINDOWS_SERVER_2019' }), 'vm-x', 5);
    expect(win.vm.memoryMiB).toBe(4096);
  });

  const taken = () => [...inv.vms.values()][0] as Vm;
  it.each([
    ['unknown guest OS', () => spec({ guest_OS: 'ubuntu64Guest' }), 'INVALID_ARGUMENT'],
    ['no folder', () => spec({ placement: { cluster: cluster.id, datastore: ds.id } }), 'INVALID_ARGUMENT'],
    [
      'unknown datastore',
      () => spec({ placement: { folder, cluster: cluster.id, datastore: 'datastore-999' } }),
      'NOT_FOUND',
    ],
    [
      'name taken in the folder',
      () => ({
        ...spec(),
        name: taken().name,
        placement: { folder: taken().folder, cluster: taken().cluster, datastore: taken().datastore },
      }),
      'ALREADY_EXISTS',
    ],
    [
      'disk larger than the datastore',
      () => spec({ disks: [{ new_vmdk: { capacity: 1024 ** 5 } }] }),
      'UNABLE_TO_ALLOCATE_RESOURCE',
    ],
    ['7 CPUs with 2 cores per socket', () => spec({ cpu: { count: 7, cores_per_socket: 2 } }), 'INVALID_ARGUMENT'],
  ])('refuses %s', (_what, make, type) => {
    expect(outcome(() => planCreate(inv, make() as never, 'vm-x', 5)).split(':')[0]).toBe(type);
  });
});
