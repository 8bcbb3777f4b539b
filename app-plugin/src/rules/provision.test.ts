import {
  cloneRequest,
  datacenterOf,
  placementIn,
  deployRequest,
  expandNames,
  placementOf,
  planProvision,
  ProvisionForm,
  validateOvf,
} from './provision';
import { PlacementOptions } from '../types';

const GiB = 1024 ** 3;
const placement: PlacementOptions = {
  folders: [{ id: 'group-v3', name: 'Web' }],
  clusters: [{ id: 'domain-c2', name: 'Cluster B' }],
  hosts: [{ id: 'host-21', name: 'esx-21', cluster: 'domain-c2' }],
  resourcePools: [],
  datastores: [
    { id: 'datastore-1', name: 'ds-small', type: 'VMFS', capacityBytes: 100 * GiB, freeBytes: 100 * GiB },
    { id: 'datastore-2', name: 'ds-big', type: 'VMFS', capacityBytes: 4096 * GiB, freeBytes: 2048 * GiB },
  ],
  networks: [],
};

const form = (over: Partial<ProvisionForm> = {}): ProvisionForm => ({
  namePattern: 'web-##',
  count: '3',
  folder: 'group-v3',
  compute: 'cluster:domain-c2',
  datastore: 'datastore-2',
  powerOn: true,
  spec: 'linux-static-web',
  hostNamePattern: '',
  ipMode: 'static',
  ip: { address: '10.50.0.11', prefix: '16', gateway: '10.50.0.1' },
  ...over,
});

describe('name patterns', () => {
  it.each([
    ['web-##', 3, { names: ['web-01', 'web-02', 'web-03'] }],
    ['web-#', 3, { names: ['web-1', 'web-2', 'web-3'] }],
    ['#-db', 10, { error: '10 VMs need at least 2 # for their numbers.' }],
    [
      '##-db',
      10,
      { names: ['01-db', '02-db', '03-db', '04-db', '05-db', '06-db', '07-db', '08-db', '09-db', '10-db'] },
    ],
    ['web-01', 1, { names: ['web-01'] }],
    ['web-###', 1, { names: ['web-001'] }],
    [
      'web',
      2,
      { error: 'Put ## where the number goes, so the 2 VMs get different names (web-## → web-01, web-02, …).' },
    ],
    ['web-##-#', 2, { error: 'Use one run of # for the number (web-## → web-01, web-02, …).' }],
    ['', 1, { error: 'Enter a name for the VM.' }],
    ['a/##', 2, { error: 'a/01: The name must not contain "/" (vCenter escapes / \\ and % in names).' }],
    [`${'x'.repeat(78)}##`, 1, { names: [`${'x'.repeat(78)}01`] }],
    [
      `${'x'.repeat(79)}##`,
      1,
      { error: `${'x'.repeat(79)}01: The name has 81 characters; vCenter allows at most 80.` },
    ],
  ])('%j × %i', (pattern, count, want) => {
    expect(expandNames(pattern, count)).toEqual(want);
  });
});

describe('planning VMs', () => {
  it('three web servers with consecutive static addresses and host names from the VM names', () => {
    const r = planProvision(form(), { kind: 'template', family: 'LINUX', needBytes: 40 * GiB }, placement);
    expect(r.errors).toEqual({});
    expect(r.plan).toEqual(
      [1, 2, 3].map((i) => ({
        name: `web-0${i}`,
        hostName: `web-0${i}`,
        ipText: `10.50.0.1${i}/16 via 10.50.0.1`,
        customization: {
          spec: 'linux-static-web',
          hostName: `web-0${i}`,
          ip: { address: `10.50.0.1${i}`, prefix: 16, gateway: '10.50.0.1' },
        },
      }))
    );
  });

  it.each([
    [{ ipMode: 'dhcp' as const }, { ip: 'dhcp', ipText: 'DHCP' }],
    [{ ipMode: 'spec' as const }, { ip: undefined, ipText: undefined }],
  ])('IP mode %j', (over, want) => {
    const r = planProvision(form({ count: '1', namePattern: 'app-#', ...over }), { kind: 'clone' }, placement);
    expect(r.plan?.[0].ipText).toBe(want.ipText);
    expect(r.plan?.[0].customization?.ip).toEqual(want.ip);
  });

  it.each([
    [{ count: ' 10 ', namePattern: 'web-##', spec: '' }, 10],
    [{ count: '2', namePattern: 'web-##', datastore: 'datastore-1' }, 2],
  ])('accepts %j', (over, n) => {
    // 2 × 50 GiB fit exactly into ds-small's 100 GiB.
    const r = planProvision(form({ ipMode: 'dhcp', ...over }), { kind: 'clone', needBytes: 50 * GiB }, placement);
    expect(r.errors).toEqual({});
    expect(r.plan).toHaveLength(n);
  });

  it('DHCP ignores the static fields; spaces around the patterns and the gateway do not count', () => {
    const dhcp = planProvision(
      form({ ipMode: 'dhcp', ip: { address: 'x', prefix: '', gateway: '' }, hostNamePattern: ' lnx-## ' }),
      { kind: 'clone' },
      placement
    );
    expect(dhcp.errors).toEqual({});
    expect(dhcp.plan?.map((p) => p.hostName)).toEqual(['lnx-01', 'lnx-02', 'lnx-03']);
    const r = planProvision(
      form({ ip: { address: '10.50.0.11', prefix: '16', gateway: ' 10.50.0.1 ' } }),
      { kind: 'clone' },
      placement
    );
    expect(r.plan?.[0].customization?.ip).toEqual({ address: '10.50.0.11', prefix: 16, gateway: '10.50.0.1' });
    expect(r.plan?.[0].ipText).toBe('10.50.0.11/16 via 10.50.0.1');
    const bad = planProvision(form({ hostNamePattern: ' web_## ' }), { kind: 'clone' }, placement);
    expect(bad.errors.hostNamePattern).toBe('The host name web_01 may only have letters, digits and hyphens.');
  });

  it('a blank host name pattern is the VM names', () => {
    const r = planProvision(form({ hostNamePattern: '  ', ipMode: 'dhcp' }), { kind: 'clone' }, placement);
    expect(r.plan?.map((p) => p.hostName)).toEqual(['web-01', 'web-02', 'web-03']);
  });

  it('a host name pattern of its own', () => {
    const r = planProvision(form({ hostNamePattern: 'lnx-web-##', ipMode: 'dhcp' }), { kind: 'clone' }, placement);
    expect(r.plan?.map((p) => p.hostName)).toEqual(['lnx-web-01', 'lnx-web-02', 'lnx-web-03']);
  });

  it('no spec: names only; instant clone never customizes', () => {
    expect(planProvision(form({ spec: '' }), { kind: 'clone' }, placement).plan).toEqual([
      { name: 'web-01' },
      { name: 'web-02' },
      { name: 'web-03' },
    ]);
    expect(planProvision(form({ count: '1' }), { kind: 'instant' }, placement).plan).toEqual([{ name: 'web-01' }]);
  });

  it.each([
    [{ count: '0' }, {}, { count: 'Choose 1 to 10 VMs.' }],
    [{ count: '11' }, {}, { count: 'Choose 1 to 10 VMs.' }],
    [{ count: 'two' }, {}, { count: 'Choose 1 to 10 VMs.' }],
    [{ count: '3x' }, {}, { count: 'Choose 1 to 10 VMs.' }],
    [{ count: 'x3' }, {}, { count: 'Choose 1 to 10 VMs.' }],
    [
      { count: '1', namePattern: 'web-01', datastore: 'datastore-1' },
      { needBytes: 101 * GiB },
      { datastore: 'ds-small has too little free space for the copy.' },
    ],
    [
      { namePattern: 'web' },
      {},
      { namePattern: 'Put ## where the number goes, so the 3 VMs get different names (web-## → web-01, web-02, …).' },
    ],
    [{ folder: '', compute: '' }, {}, { folder: 'Choose the VM folder.', compute: 'Choose a cluster or host.' }],
    [
      { datastore: 'datastore-1' },
      { needBytes: 40 * GiB },
      { datastore: 'ds-small has too little free space for 3 copies.' },
    ],
    [
      { namePattern: 'ü-##' },
      { family: 'WINDOWS' },
      { hostNamePattern: 'The computer name 01 must not be only digits. Enter a host name pattern.' },
    ],
    [
      { hostNamePattern: 'web-##-very-long-name' },
      { family: 'WINDOWS' },
      { hostNamePattern: 'The host name web-01-very-long-name has 21 characters; Windows allows at most 15.' },
    ],
    [
      { hostNamePattern: 'web' },
      {},
      {
        hostNamePattern: 'Put ## where the number goes, so the 3 VMs get different names (web-## → web-01, web-02, …).',
      },
    ],
    [
      { ip: { address: '10.50.255.253', prefix: '16', gateway: '10.50.0.1' } },
      {},
      {
        ipFields: {
          address: '3 addresses from 10.50.255.253 go past 10.50.255.254, the last address of 10.50.0.0/16.',
        },
      },
    ],
  ])('refuses %j (%j)', (over, ctx, errors) => {
    const r = planProvision(form(over), { kind: 'template', family: 'LINUX', ...ctx }, placement);
    expect(r.plan).toBeUndefined();
    expect(r.errors).toEqual(errors);
  });

  it('a clone may leave placement to the source', () => {
    const r = planProvision(form({ folder: '', compute: '', datastore: '', spec: '' }), { kind: 'clone' }, placement);
    expect(r.errors).toEqual({});
    expect(cloneRequest(form({ folder: '', compute: '', datastore: '' }), r.plan![0], false)).toEqual({
      name: 'web-01',
      powerOn: true,
    });
  });
});

describe('request bodies', () => {
  const vm = {
    name: 'web-01',
    customization: { spec: 's', hostName: 'web-01', ip: 'dhcp' as const },
  };
  it.each([
    ['cluster:domain-c2', { folder: 'group-v3', cluster: 'domain-c2', datastore: 'datastore-2' }],
    ['host:host-21', { folder: 'group-v3', host: 'host-21', datastore: 'datastore-2' }],
    ['', { folder: 'group-v3', datastore: 'datastore-2' }],
    ['pool:resgroup-1', { folder: 'group-v3', datastore: 'datastore-2' }],
  ])('placement of %j', (compute, want) => {
    expect(placementOf(form({ compute }))).toStrictEqual(want);
  });
  it('clone and instant clone', () => {
    expect(cloneRequest(form(), vm, false)).toStrictEqual({
      name: 'web-01',
      placement: { folder: 'group-v3', cluster: 'domain-c2', datastore: 'datastore-2' },
      powerOn: true,
      customization: vm.customization,
    });
    expect(cloneRequest(form(), vm, true)).toStrictEqual({
      name: 'web-01',
      placement: { folder: 'group-v3', datastore: 'datastore-2' },
    });
  });
  it('deploy of a template and of an OVF package', () => {
    expect(deployRequest(form({ powerOn: false }), { name: 'web-01' })).toStrictEqual({
      name: 'web-01',
      placement: { folder: 'group-v3', cluster: 'domain-c2', datastore: 'datastore-2' },
      powerOn: false,
    });
    expect(
      deployRequest(form(), vm, { acceptEula: true, networkMappings: { 'VM Network': 'network-1', Other: '' } })
    ).toStrictEqual({
      name: 'web-01',
      placement: { folder: 'group-v3', cluster: 'domain-c2', datastore: 'datastore-2' },
      powerOn: true,
      customization: vm.customization,
      acceptEula: true,
      networkMappings: { 'VM Network': 'network-1' },
    });
    expect(deployRequest(form(), vm, { acceptEula: false, networkMappings: {} })).not.toHaveProperty('acceptEula');
  });
  it.each([
    [{ eulas: ['EULA'], networks: [] }, false, {}, 'Accept the license agreement of the OVF package to deploy it.'],
    [{ eulas: ['a', 'b'], networks: [] }, false, {}, 'Accept the license agreements of the OVF package to deploy it.'],
    [{ eulas: ['a'], networks: ['nat'] }, true, {}, 'Choose a network for the OVF network nat.'],
    [{ eulas: [], networks: ['nat', 'mgmt'] }, false, { nat: 'n' }, 'Choose a network for the OVF network mgmt.'],
    [{ eulas: [], networks: ['a', 'b'] }, false, {}, 'Choose a network for the OVF networks a, b.'],
    [{ eulas: ['a'], networks: ['nat'] }, true, { nat: 'network-1' }, undefined],
    [{ eulas: [], networks: [] }, false, {}, undefined],
  ])('OVF %j accepted=%s %j', (info, accept, maps, want) => {
    expect(validateOvf(info, accept, maps)).toBe(want);
  });
});

describe('one datacenter', () => {
  const two: PlacementOptions = {
    folders: [
      { id: 'group-v3', name: 'East VMs', datacenter: 'dc-east' },
      { id: 'group-v9', name: 'West VMs', datacenter: 'dc-west' },
      { id: 'group-v1', name: 'Unknown' },
    ],
    clusters: [
      { id: 'domain-c1', name: 'East', datacenter: 'dc-east' },
      { id: 'domain-c2', name: 'West', datacenter: 'dc-west' },
    ],
    hosts: [
      { id: 'host-1', name: 'esx-e1', cluster: 'domain-c1', datacenter: 'dc-east' },
      { id: 'host-2', name: 'esx-w1', cluster: 'domain-c2', datacenter: 'dc-west' },
    ],
    resourcePools: [
      { id: 'resgroup-1', name: 'E', cluster: 'domain-c1' },
      { id: 'resgroup-2', name: 'W', cluster: 'domain-c2' },
    ],
    datastores: [
      { id: 'datastore-1', name: 'e', type: 'VMFS', capacityBytes: 1, freeBytes: 1, datacenter: 'dc-east' },
      { id: 'datastore-2', name: 'w', type: 'VMFS', capacityBytes: 1, freeBytes: 1, datacenter: 'dc-west' },
    ],
    networks: [{ id: 'network-1', name: 'VM Network', type: 'STANDARD_PORTGROUP', datacenter: 'dc-west' }],
  };
  it.each([
    ['cluster:domain-c2', '', 'dc-west'],
    ['host:host-1', 'group-v9', 'dc-east'],
    ['', 'group-v9', 'dc-west'],
    ['', 'group-v1', undefined],
    ['', '', undefined],
  ])('compute %j folder %j → %s', (compute, folder, dc) => {
    expect(datacenterOf(two, compute, folder)).toBe(dc);
  });
  it('keeps the datacenter’s choices and those without a datacenter', () => {
    const east = placementIn(two, 'dc-east');
    expect(east.folders.map((x) => x.id)).toEqual(['group-v3', 'group-v1']);
    expect(east.clusters.map((x) => x.id)).toEqual(['domain-c1']);
    expect(east.hosts.map((x) => x.id)).toEqual(['host-1']);
    expect(east.resourcePools.map((x) => x.id)).toEqual(['resgroup-1']);
    expect(east.datastores.map((x) => x.id)).toEqual(['datastore-1']);
    expect(east.networks).toEqual([]);
    expect(placementIn(two, undefined)).toBe(two);
  });
});
