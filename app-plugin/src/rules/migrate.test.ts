import {
  datastoreChoices,
  effectText,
  isCurrentHost,
  keepsDatastores,
  levelOf,
  migrateRequest,
  moveSummary,
  selectable,
} from './migrate';
import { MigrateOptions } from '../types';

const GiB = 1024 ** 3;
const options: MigrateOptions = {
  vm: {
    id: 'vm-42',
    name: 'web-42',
    host: 'host-7',
    hostName: 'esx-07',
    clusterName: 'Prod',
    datastores: ['datastore-1'],
    disks: [
      { key: '2000', label: 'Hard disk 1', datastore: 'datastore-1', capacityBytes: 40 * GiB },
      { key: '2001', label: 'Hard disk 2', datastore: 'datastore-1', capacityBytes: 200 * GiB },
    ],
  },
  hosts: [
    { id: 'host-7', name: 'esx-07', compatible: false, reason: 'current host', datastores: ['datastore-1'] },
    {
      id: 'host-8',
      name: 'esx-08',
      clusterName: 'Prod',
      compatible: true,
      cpuUsagePct: 30,
      cpuAfterPct: 42.5,
      memoryUsagePct: 70,
      memoryAfterPct: 81,
      datastores: ['datastore-1', 'datastore-2'],
    },
    { id: 'host-9', name: 'esx-09', compatible: true, datastores: ['datastore-3'] },
    { id: 'host-10', name: 'esx-10', compatible: false, reason: 'not connected', datastores: [] },
  ],
  datastores: [
    {
      id: 'datastore-1',
      name: 'shared-01',
      freeBytes: 500 * GiB,
      capacityBytes: 1000 * GiB,
      hosts: ['host-7', 'host-8'],
      fits: true,
    },
    {
      id: 'datastore-2',
      name: 'local-08',
      freeBytes: 100 * GiB,
      capacityBytes: 200 * GiB,
      hosts: ['host-8'],
      fits: false,
    },
    { id: 'datastore-3', name: 'local-09', freeBytes: 900 * GiB, capacityBytes: 1000 * GiB, hosts: [], fits: true },
  ],
};
const host = (id: string) => options.hosts.find((h) => h.id === id)!;

describe('after-move levels', () => {
  it.each([
    [undefined, undefined],
    [null as unknown as number, undefined],
    [NaN, undefined],
    [0, 'ok'],
    [79.9, 'ok'],
    [80, 'warning'],
    [94.9, 'warning'],
    [95, 'critical'],
  ])('%s → %s', (pct, level) => {
    expect(levelOf(pct)).toBe(level);
  });
  it.each([
    ['CPU', 30, 42.5, 'CPU 30.0 % → 42.5 %'],
    ['memory', 70, 81, 'memory 70.0 % → 81.0 % (warning)'],
    ['memory', 90, 99, 'memory 90.0 % → 99.0 % (critical)'],
    ['CPU', undefined, undefined, 'CPU — → —'],
  ])('%s %s → %s', (what, now, after, text) => {
    expect(effectText(what, now, after)).toBe(text);
  });
});

describe('datastores a target host can use', () => {
  it.each([
    ['host-8', undefined, ['datastore-1']],
    ['host-8', options.vm.disks[0], ['datastore-1', 'datastore-2']],
    ['host-8', options.vm.disks[1], ['datastore-1']],
    ['host-9', undefined, ['datastore-3']],
    ['host-10', undefined, []],
  ])('%s for %j', (h, disk, ids) => {
    expect(datastoreChoices(options, host(h), disk).map((d) => d.id)).toEqual(ids);
  });
  it('without vROps (no mount lists) nothing is ruled out: vCenter decides', () => {
    const bare: MigrateOptions = {
      ...options,
      hosts: options.hosts.map(({ datastores: _d, ...h }) => h),
      datastores: options.datastores.map(({ hosts: _h, ...d }) => d),
    };
    const h = bare.hosts.find((x) => x.id === 'host-9')!;
    expect(datastoreChoices(bare, h).map((d) => d.id)).toEqual(['datastore-1', 'datastore-3']);
    expect(keepsDatastores(bare, h)).toBe(true);
    expect(migrateRequest(bare, { host: 'host-9', mode: 'keep', datastore: '', disks: {} })).toEqual({
      body: { host: 'host-9' },
    });
  });
  it('one side of the mount relation is enough', () => {
    const h = { id: 'host-x', name: 'x', compatible: true, datastores: ['datastore-9'] };
    const onlyHostSide = { id: 'datastore-9', name: 'n', freeBytes: 1, capacityBytes: 1, fits: true };
    const onlyDsSide = { id: 'datastore-8', name: 'm', freeBytes: 1, capacityBytes: 1, fits: true, hosts: ['host-x'] };
    const neither = { id: 'datastore-7', name: 'o', freeBytes: 1, capacityBytes: 1, fits: true, hosts: ['host-y'] };
    const o = { ...options, datastores: [onlyHostSide, onlyDsSide, neither] };
    expect(datastoreChoices(o, h).map((d) => d.id)).toEqual(['datastore-9', 'datastore-8']);
    expect(datastoreChoices(o, { ...h, datastores: undefined }).map((d) => d.id)).toEqual([
      'datastore-9',
      'datastore-8',
    ]);
  });
  it('a disk of exactly the free space fits; a disk on a full datastore may stay there', () => {
    const full = {
      id: 'datastore-1',
      name: 'full',
      freeBytes: 0,
      capacityBytes: 1000 * GiB,
      hosts: ['host-8'],
      fits: false,
    };
    const exact = {
      id: 'datastore-2',
      name: 'exact',
      freeBytes: 40 * GiB,
      capacityBytes: 100 * GiB,
      hosts: ['host-8'],
      fits: false,
    };
    const o = { ...options, datastores: [full, exact] };
    expect(datastoreChoices(o, host('host-8'), options.vm.disks[0]).map((d) => d.id)).toEqual([
      'datastore-1',
      'datastore-2',
    ]);
    expect(datastoreChoices(o, host('host-8'), options.vm.disks[1]).map((d) => d.id)).toEqual(['datastore-1']);
  });
  it.each([
    [['datastore-1'], ['datastore-1'], true],
    [['datastore-1'], ['datastore-3'], false],
    [['datastore-1', 'datastore-3'], ['datastore-1'], false],
    [['datastore-x'], ['datastore-x'], true],
    [['datastore-x'], ['datastore-1'], false],
    [['datastore-x'], undefined, true],
  ])('the VM on %j, the host mounting %j: keeps = %s', (vmDs, hostDs, keeps) => {
    const o = { ...options, vm: { ...options.vm, datastores: vmDs } };
    expect(keepsDatastores(o, { id: 'host-z', name: 'z', compatible: true, datastores: hostDs })).toBe(keeps);
  });
  it.each([
    ['host-7', true, true],
    ['host-8', false, true],
    ['host-10', false, false],
  ])('%s: current %s, selectable %s', (id, current, sel) => {
    expect(isCurrentHost(options, host(id))).toBe(current);
    expect(selectable(options, host(id))).toBe(sel);
  });
  it('no host, no choice', () => {
    expect(datastoreChoices(options, undefined)).toEqual([]);
  });
  it.each([
    ['host-8', true],
    ['host-9', false],
  ])('%s keeps the datastores: %s', (h, keeps) => {
    expect(keepsDatastores(options, host(h))).toBe(keeps);
  });
});

describe('migrate request', () => {
  const c = { host: 'host-8', mode: 'keep' as const, datastore: '', disks: {} };
  it.each([
    [c, { body: { host: 'host-8' } }],
    [{ ...c, host: '' }, { error: 'Choose the host to move the VM to.' }],
    [{ ...c, host: 'host-10' }, { error: 'esx-10 cannot take the VM: not connected.' }],
    [{ ...c, host: 'host-9' }, { error: "esx-09 does not mount the VM's datastores: choose where its disks go." }],
    [
      { ...c, host: 'host-9', mode: 'all' as const, datastore: 'datastore-3' },
      { body: { host: 'host-9', datastore: 'datastore-3' } },
    ],
    [{ ...c, mode: 'all' as const, datastore: 'datastore-2' }, { error: 'Choose the datastore for the disks.' }],
    [
      { ...c, mode: 'perDisk' as const, disks: { '2000': 'datastore-2', '2001': 'datastore-1' } },
      {
        body: { host: 'host-8', disks: { '2000': { datastore: 'datastore-2' }, '2001': { datastore: 'datastore-1' } } },
      },
    ],
    [
      { ...c, mode: 'perDisk' as const, disks: { '2000': 'datastore-2', '2001': 'datastore-2' } },
      { error: 'Choose a datastore for Hard disk 2.' },
    ],
    [
      { ...c, mode: 'perDisk' as const, disks: { '2000': 'datastore-1' } },
      { error: 'Choose a datastore for Hard disk 2.' },
    ],
  ])('%j', (choice, want) => {
    expect(migrateRequest(options, choice)).toEqual(want);
  });

  it.each([
    [{ cpuAfterPct: 50 }, 'on esx-11: CPU — → 50.0 %, memory — → —.'],
    [{ memoryAfterPct: 50 }, 'on esx-11: CPU — → —, memory — → 50.0 %.'],
    [{}, 'no usage figures for esx-11.'],
  ])('summary with %j', (figures, text) => {
    const h = { id: 'host-11', name: 'esx-11', compatible: true, datastores: ['datastore-1'], ...figures };
    expect(moveSummary(options, h, { ...c, host: 'host-11' })).toContain(text);
  });
  it('a host that cannot take the VM and has no reason', () => {
    const o = { ...options, hosts: [{ id: 'host-12', name: 'esx-12', compatible: false, datastores: [] }] };
    expect(migrateRequest(o, { ...c, host: 'host-12' })).toEqual({
      error: 'esx-12 cannot take the VM: not compatible.',
    });
    expect(moveSummary(options, host('host-8'), { ...c, mode: 'all', datastore: 'datastore-gone' })).toContain(
      'its disks move to another datastore;'
    );
  });

  it('the current host moves the disks only', () => {
    const own = host('host-7');
    expect(migrateRequest(options, { ...c, host: 'host-7' })).toEqual({
      error: 'The VM already runs on esx-07: choose where its disks go, or another host.',
    });
    expect(migrateRequest(options, { ...c, host: 'host-7', mode: 'all', datastore: 'datastore-1' })).toEqual({
      body: { host: 'host-7', datastore: 'datastore-1' },
    });
    expect(moveSummary(options, own, { ...c, host: 'host-7', mode: 'all', datastore: 'datastore-1' })).toBe(
      "web-42 stays on esx-07; its disks move to shared-01 (Storage vMotion only; the host's CPU and memory do not change)."
    );
  });

  it('summary in words', () => {
    expect(moveSummary(options, host('host-8'), c)).toBe(
      'web-42 moves from esx-07 to esx-08 (cluster Prod); its disks stay where they are; on esx-08: CPU 30.0 % → 42.5 %, memory 70.0 % → 81.0 % (warning).'
    );
    expect(
      moveSummary({ ...options, metricsError: 'vROps is not configured' }, host('host-9'), {
        ...c,
        mode: 'all',
        datastore: 'datastore-3',
      })
    ).toBe(
      'web-42 moves from esx-07 to esx-09; its disks move to local-09; no usage figures for esx-09 (vROps is not configured).'
    );
    expect(
      moveSummary(options, host('host-8'), {
        ...c,
        mode: 'perDisk',
        disks: { '2000': 'datastore-2', '2001': 'datastore-1' },
      })
    ).toContain('its disks move to local-08 (Hard disk 1), shared-01 (Hard disk 2)');
  });
});
