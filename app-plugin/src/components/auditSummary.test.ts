import { auditDetails, auditSummary } from './auditSummary';

describe('auditSummary', () => {
  it.each([
    [{ action: 'power', params: { action: 'stop' } }, 'power off'],
    [{ action: 'power', params: { action: 'start' } }, 'power on'],
    [{ action: 'power', params: { action: 'shutdown' } }, 'shut down the guest'],
    [{ action: 'updateHardware', params: { memoryMiB: 8192, before: { memoryMiB: 4096 } } }, 'memory 4.0 → 8.0 GiB'],
    [{ action: 'updateHardware', params: { cpuCount: 4, before: { cpuCount: 2 } } }, 'CPUs 2 → 4'],
    [{ action: 'updateHardware', params: { memoryMiB: 8192 } }, 'memory → 8.0 GiB'],
    [{ action: 'updateHardware', params: {} }, 'no change recorded'],
    [
      { action: 'create', params: { cpuCount: 2, memoryMiB: 4096, diskGiB: 40, guestOS: 'UBUNTU_64' } },
      '2 vCPUs, 4.0 GiB memory, 40 GiB disk, Ubuntu Linux (64-bit)',
    ],
    [{ action: 'delete', params: { confirmName: 'web-01' } }, 'delete, confirmed by typing the name'],
    [{ action: 'clone', params: { source: 'vm-42', sourceName: 'web-42' } }, 'clone of web-42'],
    [{ action: 'clone', params: { kind: 'instant', sourceName: 'web-42' } }, 'instant clone of web-42'],
    [{ action: 'clone', params: {} }, 'clone of another VM'],
    [
      { action: 'clone', params: { templateName: 'ubuntu-22.04', customizationSpec: 'linux-dhcp' } },
      'deploy from ubuntu-22.04, customized: linux-dhcp',
    ],
    [
      {
        action: 'clone',
        params: {
          templateName: 'ubuntu-22.04',
          customization: { spec: 'linux-static-web', hostName: 'web-01', ip: { address: '10.50.0.11', prefix: 16 } },
        },
      },
      'deploy from ubuntu-22.04, customized: linux-static-web, host web-01, 10.50.0.11/16',
    ],
    [
      {
        action: 'customize',
        params: { spec: 'linux-static-web', hostName: 'web-01', ip: { address: '10.50.0.11', prefix: 16 } },
      },
      'Customized guest: linux-static-web, host web-01, 10.50.0.11/16',
    ],
    [{ action: 'customize', params: { spec: 'linux-dhcp', ip: 'dhcp' } }, 'Customized guest: linux-dhcp, DHCP'],
    [{ action: 'customize', params: {} }, 'Customized guest: stored spec'],
    [{ action: 'migrate', params: { host: 'host-9', toHostName: 'esx-09' } }, 'move to host esx-09'],
    [{ action: 'migrate', params: { host: 'host-9' } }, 'move to another host'],
    [
      { action: 'migrate', params: { host: 'host-9', datastore: 'datastore-9' } },
      'move to another host, disks to another datastore',
    ],
    [{ action: 'migrate', params: { disks: { '2000': { datastore: 'd' } }, datastoreName: 'ds-9' } }, 'disks to ds-9'],
    [{ action: 'migrate', params: {} }, 'move'],
  ] as const)('%j → %j', (event, text) => {
    expect(auditSummary(event as never)).toBe(text);
  });

  it('lists the details as readable lines, nested objects flattened, empty values left out', () => {
    expect(
      auditDetails({ name: 'web-01', cpuCount: 2, diskGiB: 0, network: '', placement: { folder: 'group-v3' } })
    ).toEqual([
      ['name', 'web-01'],
      ['cpuCount', '2'],
      ['placement.folder', 'group-v3'],
    ]);
  });
});

describe('auditSummary: every power action and the edges', () => {
  it.each([
    [{ action: 'power', params: { action: 'reboot' } }, 'restart the guest'],
    [{ action: 'power', params: { action: 'reset' } }, 'reset'],
    [{ action: 'power', params: { action: 'suspend' } }, 'suspend'],
    [{ action: 'power', params: { action: 'hibernate' } }, 'hibernate'],
    [{ action: 'power', params: {} }, 'power'],
    [{ action: 'power' }, 'power'],
    [{ action: 'updateHardware', params: { cpuCount: '4', memoryMiB: Infinity } }, 'no change recorded'],
    [{ action: 'updateHardware', params: { cpuCount: NaN } }, 'no change recorded'],
    [
      { action: 'updateHardware', params: { cpuCount: 4, memoryMiB: 8192, before: { cpuCount: 2, memoryMiB: 4096 } } },
      'CPUs 2 → 4, memory 4.0 → 8.0 GiB',
    ],
    [{ action: 'updateHardware', params: { memoryMiB: 8192, before: { memoryMiB: 512 } } }, 'memory 512 MiB → 8.0 GiB'],
    [{ action: 'updateHardware', params: { cpuCount: 4, before: { cpuCount: '2' } } }, 'CPUs → 4'],
    [{ action: 'create', params: {} }, 'new VM'],
    [{ action: 'create' }, 'new VM'],
    [{ action: 'create', params: { cpuCount: 1 } }, '1 vCPU'],
    [{ action: 'create', params: { memoryMiB: 512 } }, '512 MiB memory'],
    [{ action: 'create', params: { diskGiB: 0, guestOS: '' } }, 'new VM'],
    [{ action: 'create', params: { guestOS: 5 } }, 'new VM'],
    [{ action: 'create', params: { guestOS: 'PHOTON_64' } }, 'Photon (64-bit)'],
    [{ action: 'login', params: { user: 'x' } }, ''],
  ] as const)('%j → %j', (event, text) => {
    expect(auditSummary(event as never)).toBe(text);
  });

  it('uses the backend names of guest systems', () =>
    expect(auditSummary({ action: 'create', params: { guestOS: 'X_64' } }, { X_64: 'Xenix' })).toBe('Xenix'));

  it.each([
    [undefined, []],
    [{ a: undefined, b: null, c: '', d: 0, e: false }, [['e', 'false']]],
    [{ tags: ['a', 'b'] }, [['tags', 'a, b']]],
    [{ before: { cpuCount: 2, memoryMiB: 0 } }, [['before.cpuCount', '2']]],
  ] as const)('details of %j → %j', (params, lines) => expect(auditDetails(params as never)).toEqual(lines));
});
