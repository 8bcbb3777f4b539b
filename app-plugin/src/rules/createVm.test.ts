import { PlacementOptions } from '../types';
import { CreateForm, MAX_NAME_LENGTH, reachableHosts, reaches, validateCreate, validateVmName } from './createVm';

const GiB = 1024 ** 3;
const p: PlacementOptions = {
  folders: [{ id: 'group-v3', name: 'Web' }],
  clusters: [
    { id: 'domain-c1', name: 'Prod' },
    { id: 'domain-c2', name: 'Lab' },
  ],
  hosts: [
    { id: 'host-7', name: 'esx-07', cluster: 'domain-c1' },
    { id: 'host-6', name: 'esx-06', cluster: 'domain-c1' },
    { id: 'host-8', name: 'esx-08', cluster: 'domain-c2' },
  ],
  resourcePools: [
    { id: 'resgroup-9', name: 'Batch', cluster: 'domain-c1' },
    { id: 'resgroup-10', name: 'Lab pool', cluster: 'domain-c2' },
  ],
  datastores: [
    {
      id: 'ds-prod',
      name: 'prod-vsan',
      type: 'VSAN',
      capacityBytes: 100 * GiB,
      freeBytes: 40 * GiB,
      hosts: ['host-6'],
    },
    { id: 'ds-lab', name: 'lab-local', type: 'VMFS', capacityBytes: 100 * GiB, freeBytes: 40 * GiB, hosts: ['host-8'] },
    { id: 'ds-any', name: 'legacy', type: 'NFS', capacityBytes: 100 * GiB, freeBytes: 40 * GiB },
    { id: 'ds-huge', name: 'huge', type: 'NFS', capacityBytes: 64 * 1024 * GiB, freeBytes: 64 * 1024 * GiB },
  ],
  networks: [
    { id: 'net-prod', name: 'Prod VLAN', type: 'DISTRIBUTED_PORTGROUP', hosts: ['host-7'] },
    { id: 'net-any', name: 'VM Network', type: 'STANDARD_PORTGROUP' },
  ],
} as PlacementOptions;

const form = (over: Partial<CreateForm> = {}): CreateForm => ({
  name: 'web-01',
  guestOS: 'UBUNTU_64',
  cpu: '2',
  coresPerSocket: '',
  memoryMiB: '4096',
  diskGiB: '',
  network: '',
  folder: 'group-v3',
  compute: 'cluster:domain-c1',
  datastore: 'ds-prod',
  ...over,
});

const PLACE = { folder: 'group-v3', datastore: 'ds-prod', cluster: 'domain-c1' };

describe('validateVmName', () => {
  const SUFFIX = ' (vCenter escapes / \\ and % in names).';
  it.each([
    ['', 'Enter a name for the VM.'],
    ['   ', 'Enter a name for the VM.'],
    ['web ', 'The name must not start or end with spaces.'],
    ['a/b', 'The name must not contain "/"' + SUFFIX],
    ['50%', 'The name must not contain "%"' + SUFFIX],
    ['back\\slash', 'The name must not contain "\\"' + SUFFIX],
    ['nul\u0000', 'The name must not contain control characters' + SUFFIX],
    ['us\u001f', 'The name must not contain control characters' + SUFFIX],
    ['del\u007f', 'The name must not contain control characters' + SUFFIX],
    ['a'.repeat(MAX_NAME_LENGTH + 1), 'The name has 81 characters; vCenter allows at most 80.'],
    ['😀'.repeat(81), 'The name has 81 characters; vCenter allows at most 80.'],
    ['😀'.repeat(80), undefined],
    ['a'.repeat(80), undefined],
    ['space inside', undefined],
    ['x', undefined],
  ])('%j → %j', (name, message) => expect(validateVmName(name)).toBe(message));
});

describe('validateCreate: fields', () => {
  it.each([
    [{ guestOS: '' }, { guestOS: 'Choose the guest operating system.' }],
    [{ name: '' }, { name: 'Enter a name for the VM.' }],
    [{ cpu: '0' }, { cpu: 'Choose 1 to 128 CPUs.' }],
    [{ cpu: '129' }, { cpu: 'Choose 1 to 128 CPUs.' }],
    [{ cpu: '1.5' }, { cpu: 'Choose 1 to 128 CPUs.' }],
    [{ cpu: '' }, { cpu: 'Choose 1 to 128 CPUs.' }],
    [{ cpu: '2x' }, { cpu: 'Choose 1 to 128 CPUs.' }],
    [{ cpu: 'x2' }, { cpu: 'Choose 1 to 128 CPUs.' }],
    [{ coresPerSocket: '0' }, { coresPerSocket: 'Enter a whole number of cores per socket, or leave it empty.' }],
    [{ coresPerSocket: 'a' }, { coresPerSocket: 'Enter a whole number of cores per socket, or leave it empty.' }],
    [{ cpu: '6', coresPerSocket: '4' }, { coresPerSocket: 'Cores per socket must divide the CPU count (6).' }],
    [{ cpu: '0', coresPerSocket: '4' }, { cpu: 'Choose 1 to 128 CPUs.' }],
    [{ memoryMiB: '3' }, { memoryMiB: 'Choose 4 to 6,128,640 MiB.' }],
    [{ memoryMiB: '6128644' }, { memoryMiB: 'Choose 4 to 6,128,640 MiB.' }],
    [{ memoryMiB: 'lots' }, { memoryMiB: 'Choose 4 to 6,128,640 MiB.' }],
    [{ memoryMiB: '0.005859375', memoryUnit: 'GiB' }, { memoryMiB: 'Memory must be a multiple of 4 MiB.' }],
    [{ memoryMiB: '0.001', memoryUnit: 'GiB' }, { memoryMiB: 'Choose 0.5 to 5,985 GiB.' }],
    [{ memoryMiB: '6000', memoryUnit: 'GiB' }, { memoryMiB: 'Choose 0.5 to 5,985 GiB.' }],
    [{ memoryMiB: '4098' }, { memoryMiB: 'Memory must be a multiple of 4 MiB.' }],
    [{ memoryMiB: '4097' }, { memoryMiB: 'Memory must be a multiple of 4 MiB.' }],
    [{ diskGiB: '0' }, { diskGiB: 'Choose 1 to 63,488 GiB, or leave it empty for no disk.' }],
    [{ diskGiB: '63489', datastore: 'ds-huge' }, { diskGiB: 'Choose 1 to 63,488 GiB, or leave it empty for no disk.' }],
    [
      { diskGiB: '63489' },
      {
        diskGiB: 'Choose 1 to 63,488 GiB, or leave it empty for no disk.',
        datastore: 'prod-vsan has 40.0 GiB free, less than the 63489 GiB disk.',
      },
    ],
    [{ diskGiB: '1.5' }, { diskGiB: 'Choose 1 to 63,488 GiB, or leave it empty for no disk.' }],
    [{ diskGiB: '41' }, { datastore: 'prod-vsan has 40.0 GiB free, less than the 41 GiB disk.' }],
    [{ folder: '' }, { folder: 'Choose the VM folder.' }],
    [{ compute: '' }, { compute: 'Choose a cluster, host or resource pool.' }],
    [{ datastore: '' }, { datastore: 'Choose a datastore.' }],
    [{ datastore: 'ds-nope' }, { datastore: 'Choose a datastore.' }],
    [
      { datastore: 'ds-lab' },
      { datastore: 'lab-local is not mounted on any host of the chosen cluster: choose another datastore.' },
    ],
    [
      { compute: 'host:host-8', datastore: 'ds-prod' },
      { datastore: 'prod-vsan is not mounted on any host of the chosen host: choose another datastore.' },
    ],
    [
      { compute: 'pool:resgroup-10', datastore: 'ds-prod' },
      {
        datastore:
          "prod-vsan is not mounted on any host of the chosen resource pool's cluster: choose another datastore.",
      },
    ],
    [
      { compute: 'host:host-8', datastore: 'ds-any', network: 'net-prod' },
      { network: 'Prod VLAN is not available on any host of the chosen host: choose another network.' },
    ],
  ] as Array<[Partial<CreateForm>, object]>)('%j → %j, nothing to send', (over, errors) => {
    const v = validateCreate(form(over), p);
    expect(v.errors).toEqual(errors);
    expect(v.body).toBeUndefined();
  });
});

describe('validateCreate: the request it builds', () => {
  const base = { name: 'web-01', guestOS: 'UBUNTU_64', cpuCount: 2, memoryMiB: 4096 };
  it.each([
    [{}, { ...base, placement: PLACE }],
    [{ cpu: '1' }, { ...base, cpuCount: 1, placement: PLACE }],
    [{ cpu: '128' }, { ...base, cpuCount: 128, placement: PLACE }],
    [
      { cpu: '6', coresPerSocket: '3' },
      { ...base, cpuCount: 6, coresPerSocket: 3, placement: PLACE },
    ],
    [{ coresPerSocket: ' ' }, { ...base, placement: PLACE }],
    [{ cpu: ' 2 ' }, { ...base, placement: PLACE }],
    [{ coresPerSocket: '1' }, { ...base, coresPerSocket: 1, placement: PLACE }],
    [{ diskGiB: ' ' }, { ...base, placement: PLACE }],
    [{ memoryMiB: '4' }, { ...base, memoryMiB: 4, placement: PLACE }],
    [{ memoryMiB: '6128640' }, { ...base, memoryMiB: 6128640, placement: PLACE }],
    [
      { memoryMiB: '0.5', memoryUnit: 'GiB' },
      { ...base, memoryMiB: 512, placement: PLACE },
    ],
    [{ diskGiB: '40' }, { ...base, diskGiB: 40, placement: PLACE }],
    [
      { diskGiB: '1', datastore: 'ds-any' },
      { ...base, diskGiB: 1, placement: { ...PLACE, datastore: 'ds-any' } },
    ],
    [
      { diskGiB: '63488', datastore: 'ds-huge' },
      { ...base, diskGiB: 63488, placement: { ...PLACE, datastore: 'ds-huge' } },
    ],
    [{ network: 'net-prod' }, { ...base, network: 'net-prod', placement: PLACE }],
    [{ network: 'net-any' }, { ...base, network: 'net-any', placement: PLACE }],
    [{ compute: 'host:host-6' }, { ...base, placement: { folder: 'group-v3', datastore: 'ds-prod', host: 'host-6' } }],
    [
      { compute: 'pool:resgroup-9' },
      { ...base, placement: { folder: 'group-v3', datastore: 'ds-prod', resourcePool: 'resgroup-9' } },
    ],
  ] as Array<[Partial<CreateForm>, object]>)('%j → %j', (over, body) => {
    const v = validateCreate(form(over), p);
    expect(v.errors).toEqual({});
    expect(v.body).toEqual(body);
  });

  it('accepts a disk that exactly fills the free space', () => {
    expect(validateCreate(form({ diskGiB: '40' }), p).body?.diskGiB).toBe(40);
  });
});

describe('placement filtering', () => {
  it.each([
    ['cluster:domain-c1', ['host-7', 'host-6']],
    ['cluster:domain-c2', ['host-8']],
    ['cluster:domain-c9', []],
    ['host:host-8', ['host-8']],
    ['pool:resgroup-9', ['host-7', 'host-6']],
    ['pool:resgroup-10', ['host-8']],
    ['pool:resgroup-99', undefined],
    ['cluster:', undefined],
    ['host:', undefined],
    ['', undefined],
  ])('%j reaches %j', (compute, hosts) => expect(reachableHosts(compute, p)).toEqual(hosts));

  it.each([
    [{}, ['host-1'], true],
    [{ hosts: ['host-1'] }, undefined, true],
    [{ hosts: ['host-1', 'host-2'] }, ['host-2'], true],
    [{ hosts: ['host-1'] }, ['host-2'], false],
    [{ hosts: [] }, ['host-2'], false],
    [{ hosts: ['host-1'] }, [], false],
  ])('%j from %j → %s', (item, reach, ok) => expect(reaches(item, reach)).toBe(ok));
});
