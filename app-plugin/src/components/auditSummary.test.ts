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
