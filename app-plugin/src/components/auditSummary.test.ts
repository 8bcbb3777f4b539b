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
