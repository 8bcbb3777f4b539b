import { GUEST_OS_BY_ID } from '../../inventory/guest-os';
import type { Inventory } from '../../inventory/inventory';
import { hashString, uuidFor } from '../../inventory/prng';
import type { MetricResource } from '../../metrics/series';
import type { ResourceKind } from '../../metrics/statkeys';
import type { SimState } from '../../state';
import { toolsRunning } from '../vcenter/guest';

/** Seeded resources were "discovered" by vROps at a fixed, seed-dependent moment. */
const DISCOVERED_AT = 1_735_689_600_000; // 2025-01-01T00:00:00Z

/** allResources lists every served vROps resource in a stable order: VMs, hosts, clusters, datastores. */
export function allResources(inv: Inventory): MetricResource[] {
  const out: MetricResource[] = [];
  for (const obj of inv.vms.values()) out.push({ kind: 'VirtualMachine', moref: obj.id, obj });
  for (const obj of inv.hosts.values()) out.push({ kind: 'HostSystem', moref: obj.id, obj });
  for (const obj of inv.clusters.values()) out.push({ kind: 'ClusterComputeResource', moref: obj.id, obj });
  for (const obj of inv.datastores.values()) out.push({ kind: 'Datastore', moref: obj.id, obj });
  return out;
}

/** resolveResource maps a vROps resource id to its live vCenter object (undefined when gone). */
export function resolveResource(inv: Inventory, resourceId: string): MetricResource | undefined {
  const moref = inv.morefOfResource(resourceId);
  if (!moref) return undefined;
  return resolveMoref(inv, moref);
}

/** resolveMoref maps a MoRef to a resource (undefined when gone or not a served kind). */
export function resolveMoref(inv: Inventory, moref: string): MetricResource | undefined {
  const vm = inv.vms.get(moref);
  if (vm) return { kind: 'VirtualMachine', moref, obj: vm };
  const host = inv.hosts.get(moref);
  if (host) return { kind: 'HostSystem', moref, obj: host };
  const cl = inv.clusters.get(moref);
  if (cl) return { kind: 'ClusterComputeResource', moref, obj: cl };
  const ds = inv.datastores.get(moref);
  if (ds) return { kind: 'Datastore', moref, obj: ds };
  return undefined;
}

/** resourceName is the display name of a resource. */
export function resourceName(r: MetricResource): string {
  return r.obj.name;
}

function ident(name: string, value: string, unique = true) {
  return { identifierType: { name, dataType: 'STRING', isPartOfUniqueness: unique }, value };
}

/** identifiersOf returns a resource's identifiers as `name -> value`. */
export function identifiersOf(inv: Inventory, r: MetricResource): Record<string, string> {
  const out: Record<string, string> = { VMEntityName: r.obj.name, VMEntityObjectID: r.moref, VMEntityVCID: inv.vcenterUuid };
  if (r.kind === 'VirtualMachine') {
    out.VMEntityInstanceUUID = r.obj.instanceUuid;
    out.VMServiceMonitoringEnabled = '';
    out.isPingEnabled = '';
  }
  if (r.kind === 'HostSystem') out.isPingEnabled = '';
  return out;
}

/** resourceJson renders one resource as the Suite API's `resource` structure. */
export function resourceJson(state: SimState, r: MetricResource) {
  const inv = state.inventory;
  const id = inv.resourceIdOf(r.moref);
  const ids = identifiersOf(inv, r);
  const health =
    r.kind === 'HostSystem' && r.obj.connectionState !== 'CONNECTED'
      ? { color: 'RED', value: 25 }
      : r.kind === 'VirtualMachine' && r.obj.profile === 'hot' && r.obj.powerState === 'POWERED_ON'
        ? { color: 'ORANGE', value: 50 }
        : { color: 'GREEN', value: 100 };
  const created = r.kind === 'VirtualMachine' && Number.isFinite(r.obj.createdAt) ? r.obj.createdAt : DISCOVERED_AT + (hashString(r.moref) % 86_400_000);
  return {
    creationTime: created,
    resourceKey: {
      name: r.obj.name,
      adapterKindKey: 'VMWARE',
      resourceKindKey: r.kind,
      resourceIdentifiers: Object.entries(ids).map(([k, v]) => ident(k, v, k === 'VMEntityObjectID' || k === 'VMEntityVCID')),
    },
    resourceStatusStates: [
      { adapterInstanceId: adapterInstanceId(state), resourceStatus: 'DATA_RECEIVING', resourceState: 'STARTED', statusMessage: '' },
    ],
    resourceHealth: health.color,
    resourceHealthValue: health.value,
    dtEnabled: true,
    badges: [
      { type: 'HEALTH', color: health.color, score: health.value },
      { type: 'COMPLIANCE', color: 'GREY', score: -1 },
    ],
    relatedResources: [],
    links: [{ href: `/suite-api/api/resources/${id}`, rel: 'SELF', name: 'linkToSelf' }],
    identifier: id,
  };
}

/** adapterInstanceId is the id of the (single) vCenter adapter instance. */
export function adapterInstanceId(state: SimState): string {
  return uuidFor(state.inventory.seed, 'adapter-instance:VMWARE');
}

/** parentIdsOf lists the MoRefs a resource sits under (for `parentId` filters). */
export function parentIdsOf(r: MetricResource): string[] {
  switch (r.kind) {
    case 'VirtualMachine':
      return [r.obj.host, r.obj.cluster, r.obj.datacenter, r.obj.datastore];
    case 'HostSystem':
      return [r.obj.cluster, r.obj.datacenter];
    case 'ClusterComputeResource':
      return [r.obj.datacenter];
    case 'Datastore':
      return [r.obj.datacenter, ...(r.obj.cluster ? [r.obj.cluster] : [])];
  }
}

/** PROPERTY_KEYS lists the property keys per kind (for the resource-kind properties listing). */
export const PROPERTY_KEYS: Record<ResourceKind, string[]> = {
  VirtualMachine: [
    'summary|guest|fullName', 'config|guestFullName', 'config|hardware|numCpu', 'config|hardware|numCoresPerSocket',
    'config|hardware|memoryKB', 'summary|runtime|powerState', 'summary|runtime|connectionState', 'summary|guest|ipAddress',
    'summary|guest|hostName', 'summary|guest|toolsRunningStatus', 'summary|parentHost', 'summary|parentCluster',
    'summary|parentDatacenter', 'summary|parentVcenter', 'summary|parentFolder', 'summary|MOID', 'summary|UUID',
  ],
  HostSystem: [
    'runtime|powerState', 'runtime|connectionState', 'runtime|maintenanceState', 'hardware|cpuInfo|numCpuCores',
    'hardware|cpuInfo|hz', 'hardware|memorySize', 'hardware|vendor', 'hardware|vendorModel', 'summary|version',
    'summary|parentCluster', 'summary|parentDatacenter', 'summary|parentVcenter', 'summary|hostuuid', 'summary|MOID',
  ],
  ClusterComputeResource: [
    'configuration|drsConfig|enabled', 'configuration|dasConfig|enabled', 'summary|parentDatacenter', 'summary|parentVcenter', 'summary|MOID',
  ],
  Datastore: ['summary|type', 'summary|capacity', 'summary|accessible', 'summary|parentDatacenter', 'summary|parentVcenter', 'summary|MOID'],
};

const POWER_TEXT = { POWERED_ON: 'Powered On', POWERED_OFF: 'Powered Off', SUSPENDED: 'Suspended' } as const;

/** propertiesOf returns the current property values of a resource (all values are strings). */
export function propertiesOf(state: SimState, r: MetricResource): Record<string, string> {
  const inv = state.inventory;
  const name = (id: string | null | undefined) =>
    (id && (inv.hosts.get(id) ?? inv.clusters.get(id) ?? inv.datacenters.get(id) ?? inv.folders.get(id))?.name) || '';
  const vcenter = 'vcsa.lab.local';
  switch (r.kind) {
    case 'VirtualMachine': {
      const vm = r.obj;
      const g = GUEST_OS_BY_ID.get(vm.guestOS);
      const tools = toolsRunning(vm);
      return {
        'summary|guest|fullName': tools ? (g?.name ?? vm.guestOS) : '',
        'config|guestFullName': g?.name ?? vm.guestOS,
        'config|hardware|numCpu': String(vm.cpuCount),
        'config|hardware|numCoresPerSocket': String(vm.coresPerSocket),
        'config|hardware|memoryKB': String(vm.memoryMiB * 1024),
        'summary|runtime|powerState': POWER_TEXT[vm.powerState],
        'summary|runtime|connectionState': 'connected',
        'summary|guest|ipAddress': tools ? vm.ipAddress : '',
        'summary|guest|hostName': tools ? vm.guestHostName : '',
        'summary|guest|toolsRunningStatus': tools ? 'guestToolsRunning' : 'guestToolsNotRunning',
        'summary|parentHost': name(vm.host),
        'summary|parentCluster': name(vm.cluster),
        'summary|parentDatacenter': name(vm.datacenter),
        'summary|parentVcenter': vcenter,
        'summary|parentFolder': name(vm.folder),
        'summary|MOID': vm.id,
        'summary|UUID': vm.biosUuid,
      };
    }
    case 'HostSystem': {
      const h = r.obj;
      const on = h.connectionState === 'CONNECTED';
      return {
        'runtime|powerState': on ? 'Powered On' : 'Unknown',
        'runtime|connectionState': h.connectionState === 'CONNECTED' ? 'connected' : h.connectionState === 'DISCONNECTED' ? 'disconnected' : 'notResponding',
        'runtime|maintenanceState': 'notInMaintenance',
        'hardware|cpuInfo|numCpuCores': String(h.cpuCores),
        'hardware|cpuInfo|hz': String(h.cpuMhz * 1_000_000),
        'hardware|memorySize': String(h.memoryMiB * 1024 * 1024),
        'hardware|vendor': h.vendor,
        'hardware|vendorModel': h.model,
        'summary|version': h.version,
        'summary|parentCluster': name(h.cluster),
        'summary|parentDatacenter': name(h.datacenter),
        'summary|parentVcenter': vcenter,
        'summary|hostuuid': h.uuid,
        'summary|MOID': h.id,
      };
    }
    case 'ClusterComputeResource':
      return {
        'configuration|drsConfig|enabled': String(r.obj.drsEnabled),
        'configuration|dasConfig|enabled': String(r.obj.haEnabled),
        'summary|parentDatacenter': name(r.obj.datacenter),
        'summary|parentVcenter': vcenter,
        'summary|MOID': r.obj.id,
      };
    case 'Datastore':
      return {
        'summary|type': r.obj.type,
        'summary|capacity': String(r.obj.capacity),
        'summary|accessible': 'true',
        'summary|parentDatacenter': name(r.obj.datacenter),
        'summary|parentVcenter': vcenter,
        'summary|MOID': r.obj.id,
      };
  }
}
