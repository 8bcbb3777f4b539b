import { HardwareLimits, VmDetail } from '../types';

/** A VM detail answer as the resource API sends it. */
export function vmDetail(over: Partial<VmDetail> = {}): VmDetail {
  return {
    id: 'vm-42',
    name: 'web-42',
    powerState: 'POWERED_ON',
    cpuCount: 4,
    memoryMiB: 8192,
    host: 'host-7',
    hostName: 'esx-07.lab',
    cluster: 'domain-c1',
    clusterName: 'Prod',
    datacenter: 'datacenter-1',
    guestOS: 'UBUNTU_64',
    ip: '10.1.2.42',
    folder: 'group-v3',
    folderName: 'Web',
    resourcePool: 'resgroup-1',
    hardwareVersion: 'VMX_19',
    toolsRunning: true,
    guestFullName: 'Ubuntu Linux (64-bit)',
    hostName_guest: 'web-42.lab',
    cpuHotAddEnabled: true,
    cpuHotRemoveEnabled: false,
    memoryHotAddEnabled: true,
    coresPerSocket: 2,
    disks: [
      { key: '2000', label: 'Hard disk 1', vmdkFile: '[ds-01] web-42/web-42.vmdk', capacityBytes: 40 * 1024 ** 3 },
    ],
    guestFilesystems: [{ mountPoint: '/', capacityBytes: 40 * 1024 ** 3, freeBytes: 12 * 1024 ** 3 }],
    nics: [
      {
        key: '4000',
        label: 'Network adapter 1',
        macAddress: '00:50:56:aa:bb:cc',
        network: 'network-1',
        networkName: 'VM Network',
        state: 'CONNECTED',
        startConnected: true,
        ipAddresses: ['10.1.2.42'],
      },
    ],
    ...over,
  };
}

/** Hardware limits of a powered-on VM with CPU hot-add on, hot-remove off, memory hot-add on. */
export function limits(over: Partial<HardwareLimits> = {}): HardwareLimits {
  return {
    powerState: 'POWERED_ON',
    cpuHotAddEnabled: true,
    cpuHotRemoveEnabled: false,
    memoryHotAddEnabled: true,
    cpuCount: 4,
    memoryMiB: 8192,
    minCpu: 1,
    maxCpu: 128,
    minMemoryMiB: 4,
    maxMemoryMiB: 6128640,
    canChangeCpu: true,
    canChangeMemory: true,
    reasons: {},
    ...over,
  };
}

/** A `/api/ds/query` answer with hourly CPU and memory series for one VM. */
export function metricsAnswer(cpu: number[], mem: number[]) {
  const t0 = Date.UTC(2026, 10, 26, 0, 0, 0);
  const frame = (stat: string, values: number[]) => ({
    schema: {
      name: `web-42 ${stat}`,
      fields: [
        { name: 'time', type: 'time' },
        { name: 'value', type: 'number', labels: { vm: 'web-42', stat }, config: { unit: 'percent' } },
      ],
    },
    data: { values: [values.map((_, i) => t0 + i * 3600_000), values] },
  });
  return {
    results: { A: { status: 200, frames: [frame('cpu|usage_average', cpu), frame('mem|usage_average', mem)] } },
  };
}
