/** ResourceKind is a vROps resource kind of the VMWARE adapter that the simulator serves. */
export type ResourceKind =
  'VirtualMachine' | 'HostSystem' | 'ClusterComputeResource' | 'Datastore' | 'Datacenter' | 'VMwareAdapter Instance';
/** RESOURCE_KINDS lists the served resource kinds. */
export const RESOURCE_KINDS: readonly ResourceKind[] = [
  'VirtualMachine',
  'HostSystem',
  'ClusterComputeResource',
  'Datastore',
  'Datacenter',
  'VMwareAdapter Instance',
];
/** ADAPTER_INSTANCE_KIND is the resource kind of a vCenter adapter instance (the vCenter Server object in vROps). */
export const ADAPTER_INSTANCE_KIND = 'VMwareAdapter Instance';

/** StatKeyDef describes one stat key as vROps' resource-kind stat key listing does. */
export interface StatKeyDef {
  key: string;
  name: string;
  /** vROps unit label. */
  unit: string;
  description: string;
  kinds: readonly ResourceKind[];
  /** Guest keys come from VMware Tools: absent (not zero) while Tools are not running. */
  needsTools?: boolean;
}

const VM: ResourceKind[] = ['VirtualMachine'];
const VM_HOST_CL: ResourceKind[] = ['VirtualMachine', 'HostSystem', 'ClusterComputeResource'];
const HOST_CL: ResourceKind[] = ['HostSystem', 'ClusterComputeResource'];
const DS: ResourceKind[] = ['Datastore'];

/** STAT_KEYS is every stat key the simulator publishes, with units per VMware's metric tables. */
export const STAT_KEYS: readonly StatKeyDef[] = [
  {
    key: 'cpu|usage_average',
    name: 'CPU|Usage',
    unit: '%',
    description: 'CPU usage as a percentage of the allocated (VM) or total (host, cluster) capacity',
    kinds: VM_HOST_CL,
  },
  {
    key: 'cpu|usagemhz_average',
    name: 'CPU|Usage (MHz)',
    unit: 'MHz',
    description: 'CPU usage in megahertz',
    kinds: VM_HOST_CL,
  },
  {
    key: 'cpu|demandmhz',
    name: 'CPU|Demand (MHz)',
    unit: 'MHz',
    description: 'CPU demand without contention or limits',
    kinds: VM_HOST_CL,
  },
  {
    key: 'cpu|readyPct',
    name: 'CPU|Ready (%)',
    unit: '%',
    description: 'Share of time the VM was ready to run but not scheduled',
    kinds: VM,
  },
  {
    key: 'cpu|capacity_provisioned',
    name: 'CPU|Provisioned Capacity (MHz)',
    unit: 'MHz',
    description: 'Total CPU capacity',
    kinds: HOST_CL,
  },
  {
    key: 'mem|usage_average',
    name: 'Memory|Usage',
    unit: '%',
    description: 'Memory usage as a percentage of configured (VM) or total (host, cluster) memory',
    kinds: VM_HOST_CL,
  },
  {
    key: 'mem|consumed_average',
    name: 'Memory|Consumed (KB)',
    unit: 'KB',
    description: 'Host memory consumed',
    kinds: VM_HOST_CL,
  },
  {
    key: 'mem|guest_usage',
    name: 'Memory|Guest Usage (KB)',
    unit: 'KB',
    description: 'Memory used by the guest OS (needs VMware Tools)',
    kinds: VM,
    needsTools: true,
  },
  {
    key: 'mem|guest_provisioned',
    name: 'Memory|Guest Configured (KB)',
    unit: 'KB',
    description: 'Memory configured for the VM',
    kinds: VM,
  },
  {
    key: 'mem|host_usage',
    name: 'Memory|Machine Usage (KB)',
    unit: 'KB',
    description: 'Machine memory used',
    kinds: HOST_CL,
  },
  {
    key: 'mem|host_provisioned',
    name: 'Memory|Provisioned Memory (KB)',
    unit: 'KB',
    description: 'Total machine memory',
    kinds: HOST_CL,
  },
  {
    key: 'disk|usage_average',
    name: 'Disk|Usage Rate (KBps)',
    unit: 'KBps',
    description: 'Disk I/O rate',
    kinds: VM_HOST_CL,
  },
  {
    key: 'net|usage_average',
    name: 'Network|Usage Rate (KBps)',
    unit: 'KBps',
    description: 'Network I/O rate',
    kinds: VM_HOST_CL,
  },
  {
    key: 'sys|poweredOn',
    name: 'System|Powered ON',
    unit: '',
    description: '1 when the VM is powered on, 0 otherwise',
    kinds: VM,
  },
  {
    key: 'sys|osUptime_latest',
    name: 'System|OS Uptime',
    unit: 's',
    description: 'Seconds since the guest booted (needs VMware Tools)',
    kinds: VM,
    needsTools: true,
  },
  {
    key: 'config|hardware|num_Cpu',
    name: 'Configuration|Hardware|Number of virtual CPUs',
    unit: '',
    description: 'Configured vCPUs',
    kinds: VM,
  },
  {
    key: 'guestfilesystem|percentage_total',
    name: 'Guest File System|Utilization (%)',
    unit: '%',
    description: 'Used share of all guest file systems (needs VMware Tools)',
    kinds: VM,
    needsTools: true,
  },
  {
    key: 'summary|total_number_vms',
    name: 'Summary|Total Number of VMs',
    unit: '',
    description: 'VMs on this resource',
    kinds: ['HostSystem', 'ClusterComputeResource', 'Datastore', 'Datacenter', 'VMwareAdapter Instance'],
  },
  {
    key: 'summary|number_running_vms',
    name: 'Summary|Number of Running VMs',
    unit: '',
    description: 'Powered-on VMs on this resource',
    kinds: [...HOST_CL, 'Datacenter', 'VMwareAdapter Instance'],
  },
  {
    key: 'summary|total_number_hosts',
    name: 'Summary|Total Number of Hosts',
    unit: '',
    description: 'Hosts in the cluster, datacenter or vCenter',
    kinds: ['ClusterComputeResource', 'Datacenter', 'VMwareAdapter Instance'],
  },
  {
    key: 'capacity|total_capacity',
    name: 'Capacity|Total Capacity (GB)',
    unit: 'GB',
    description: 'Datastore capacity',
    kinds: DS,
  },
  {
    key: 'capacity|used_space',
    name: 'Capacity|Used Space (GB)',
    unit: 'GB',
    description: 'Datastore space in use',
    kinds: DS,
  },
  {
    key: 'capacity|available_space',
    name: 'Capacity|Available Space (GB)',
    unit: 'GB',
    description: 'Datastore free space',
    kinds: DS,
  },
  {
    key: 'capacity|usedSpacePct',
    name: 'Capacity|Used Space (%)',
    unit: '%',
    description: 'Datastore space in use as a percentage of capacity',
    kinds: DS,
  },
  {
    key: 'datastore|totalLatency_average',
    name: 'Datastore I/O|Total Latency (ms)',
    unit: 'ms',
    description: 'Average I/O latency',
    kinds: DS,
  },
];

/** statKeysFor lists the stat keys of one resource kind. */
export function statKeysFor(kind: ResourceKind): StatKeyDef[] {
  return STAT_KEYS.filter((k) => k.kinds.includes(kind));
}

/** STAT_KEY_INDEX gives each key a small stable number used in the metric noise hash. */
export const STAT_KEY_INDEX: ReadonlyMap<string, number> = new Map(STAT_KEYS.map((k, i) => [k.key, i + 1]));

/** InstancedKeyDef describes an instanced VM stat key family (`virtualDisk:scsi0:1|…`, `net:4000|…`). */
export interface InstancedKeyDef {
  /** Suffix after the instance, e.g. `totalReadLatency_average`. */
  metric: string;
  name: string;
  unit: string;
}

/** DISK_INSTANCED are the per-virtual-disk keys (`virtualDisk:scsi0:<unit>|<metric>`). */
export const DISK_INSTANCED: readonly InstancedKeyDef[] = [
  { metric: 'totalReadLatency_average', name: 'Virtual Disk|Read Latency (ms)', unit: 'ms' },
  { metric: 'totalWriteLatency_average', name: 'Virtual Disk|Write Latency (ms)', unit: 'ms' },
  { metric: 'numberReadAveraged_average', name: 'Virtual Disk|Read IOPS', unit: 'IOPS' },
];
/** NET_INSTANCED are the per-NIC keys (`net:<device key>|<metric>`). */
export const NET_INSTANCED: readonly InstancedKeyDef[] = [
  { metric: 'usage_average', name: 'Network|Usage Rate (KBps)', unit: 'KBps' },
  { metric: 'received_average', name: 'Network|Data Receive Rate (KBps)', unit: 'KBps' },
  { metric: 'transmitted_average', name: 'Network|Data Transmit Rate (KBps)', unit: 'KBps' },
];

/** parseInstancedKey splits `virtualDisk:scsi0:1|x` / `net:4000|x` into family, instance and metric. */
export function parseInstancedKey(
  key: string
): { family: 'disk' | 'net'; instance: string; metric: string } | undefined {
  let m = /^virtualDisk:scsi0:(\d+)\|(\w+)$/.exec(key);
  if (m && DISK_INSTANCED.some((d) => d.metric === m![2])) return { family: 'disk', instance: m[1], metric: m[2] };
  m = /^net:(\d+)\|(\w+)$/.exec(key);
  if (m && NET_INSTANCED.some((d) => d.metric === m![2])) return { family: 'net', instance: m[1], metric: m[2] };
  return undefined;
}
