import { GUEST_OS_BY_ID } from '../../inventory/guest-os';
import { hashString, uuidFor } from '../../inventory/prng';
import { ADAPTER_MOREF, type MetricResource } from '../../metrics/series';
import { ADAPTER_INSTANCE_KIND, type ResourceKind } from '../../metrics/statkeys';
import type { SimState, VcenterState } from '../../state';
import { toolsRunning } from '../vcenter/guest';

/** Seeded resources were "discovered" by vROps at a fixed, seed-dependent moment. */
const DISCOVERED_AT = 1_735_689_600_000; // 2025-01-01T00:00:00Z

/** allResources lists every served vROps resource of every vCenter in a stable order: VMs, hosts, clusters, datastores, datacenters, adapter instances. */
export function allResources(state: SimState): MetricResource[] {
  const out: MetricResource[] = [];
  const vcs = state.vcenters;
  for (const vc of vcs)
    for (const obj of vc.inventory.vms.values()) out.push({ kind: 'VirtualMachine', moref: obj.id, obj, vc });
  for (const vc of vcs)
    for (const obj of vc.inventory.hosts.values()) out.push({ kind: 'HostSystem', moref: obj.id, obj, vc });
  for (const vc of vcs)
    for (const obj of vc.inventory.clusters.values())
      out.push({ kind: 'ClusterComputeResource', moref: obj.id, obj, vc });
  for (const vc of vcs)
    for (const obj of vc.inventory.datastores.values()) out.push({ kind: 'Datastore', moref: obj.id, obj, vc });
  for (const vc of vcs)
    for (const obj of vc.inventory.datacenters.values()) out.push({ kind: 'Datacenter', moref: obj.id, obj, vc });
  for (const vc of vcs) out.push(adapterResource(vc));
  return out;
}

/** adapterInstanceId is the id of vCenter `vc`'s adapter instance (also its resource id, as in vROps). */
export function adapterInstanceId(vc: VcenterState): string {
  let id = adapterIds.get(vc.inventory);
  if (!id) {
    id = uuidFor(vc.inventory.seed, 'adapter-instance:VMWARE');
    adapterIds.set(vc.inventory, id);
  }
  return id;
}
const adapterIds = new WeakMap<object, string>();

/** adapterResource is vCenter `vc`'s adapter instance as a resource (kind `VMwareAdapter Instance`). */
export function adapterResource(vc: VcenterState): MetricResource {
  return { kind: ADAPTER_INSTANCE_KIND, moref: ADAPTER_MOREF, obj: { id: adapterInstanceId(vc), name: vc.name }, vc };
}

/** resourceIdOf is a resource's vROps id. */
export function resourceIdOf(r: MetricResource): string {
  return r.kind === ADAPTER_INSTANCE_KIND ? r.obj.id : r.vc.inventory.resourceIdOf(r.moref);
}

/** resolveResource maps a vROps resource id to its live vCenter object (undefined when gone). */
export function resolveResource(state: SimState, resourceId: string): MetricResource | undefined {
  for (const vc of state.vcenters) {
    if (resourceId === adapterInstanceId(vc)) return adapterResource(vc);
    const moref = vc.inventory.morefOfResource(resourceId);
    if (moref) return resolveMoref(vc, moref);
  }
  return undefined;
}

/** resolveMoref maps a MoRef of vCenter `vc` to a resource (undefined when gone or not a served kind). */
export function resolveMoref(vc: VcenterState, moref: string): MetricResource | undefined {
  const inv = vc.inventory;
  if (moref === ADAPTER_MOREF) return adapterResource(vc);
  const vm = inv.vms.get(moref);
  if (vm) return { kind: 'VirtualMachine', moref, obj: vm, vc };
  const host = inv.hosts.get(moref);
  if (host) return { kind: 'HostSystem', moref, obj: host, vc };
  const cl = inv.clusters.get(moref);
  if (cl) return { kind: 'ClusterComputeResource', moref, obj: cl, vc };
  const ds = inv.datastores.get(moref);
  if (ds) return { kind: 'Datastore', moref, obj: ds, vc };
  const dc = inv.datacenters.get(moref);
  if (dc) return { kind: 'Datacenter', moref, obj: dc, vc };
  return undefined;
}

/** resourceName is the display name of a resource. */
export function resourceName(r: MetricResource): string {
  return r.obj.name;
}

function ident(name: string, value: string, unique = true) {
  return { identifierType: { name, dataType: 'STRING', isPartOfUniqueness: unique }, value };
}

/** UNIQUE_IDENTIFIERS are the identifiers that are part of a resource's uniqueness. */
const UNIQUE_IDENTIFIERS = new Set(['VMEntityObjectID', 'VMEntityVCID', 'VCURL']);

/**
 * identifiersOf returns a resource's identifiers as `name -> value`: every vCenter object carries
 * its MoRef (`VMEntityObjectID`) and its vCenter's instance uuid (`VMEntityVCID`); the adapter
 * instance carries the vCenter URL (`VCURL`) and `VMEntityVCID`.
 */
export function identifiersOf(state: SimState, r: MetricResource): Record<string, string> {
  const uuid = r.vc.inventory.vcenterUuid;
  if (r.kind === ADAPTER_INSTANCE_KIND) return { VCURL: state.vcenterUrl(r.vc), VMEntityVCID: uuid };
  const out: Record<string, string> = {
    VMEntityName: r.obj.name,
    VMEntityObjectID: r.moref,
    VMEntityVCID: uuid,
  };
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
  const id = resourceIdOf(r);
  const ids = identifiersOf(state, r);
  const health =
    r.kind === 'HostSystem' && r.obj.connectionState !== 'CONNECTED'
      ? { color: 'RED', value: 25 }
      : r.kind === 'VirtualMachine' && r.obj.profile === 'hot' && r.obj.powerState === 'POWERED_ON'
        ? { color: 'ORANGE', value: 50 }
        : { color: 'GREEN', value: 100 };
  const created =
    r.kind === 'VirtualMachine' && Number.isFinite(r.obj.createdAt)
      ? r.obj.createdAt
      : DISCOVERED_AT + (hashString(r.moref) % 86_400_000);
  return {
    creationTime: created,
    resourceKey: {
      name: r.obj.name,
      adapterKindKey: 'VMWARE',
      resourceKindKey: r.kind,
      resourceIdentifiers: Object.entries(ids).map(([k, v]) => ident(k, v, UNIQUE_IDENTIFIERS.has(k))),
    },
    resourceStatusStates: [
      {
        adapterInstanceId: adapterInstanceId(r.vc),
        resourceStatus: 'DATA_RECEIVING',
        resourceState: 'STARTED',
        statusMessage: '',
      },
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

/** parentIdsOf lists the resource ids a resource sits under (for `parentId` filters). */
export function parentIdsOf(r: MetricResource): string[] {
  const ids = (morefs: string[]) => morefs.map((m) => r.vc.inventory.resourceIdOf(m));
  const adapter = adapterInstanceId(r.vc);
  switch (r.kind) {
    case 'VirtualMachine':
      return [...ids([r.obj.host, r.obj.cluster, r.obj.datacenter, r.obj.datastore]), adapter];
    case 'HostSystem':
      return [...ids([r.obj.cluster, r.obj.datacenter]), adapter];
    case 'ClusterComputeResource':
      return [...ids([r.obj.datacenter]), adapter];
    case 'Datastore':
      return [...ids([r.obj.datacenter, ...(r.obj.cluster ? [r.obj.cluster] : [])]), adapter];
    case 'Datacenter':
      return [adapter];
    case 'VMwareAdapter Instance':
      return [];
  }
}

/** PROPERTY_KEYS lists the property keys per kind (for the resource-kind properties listing). */
export const PROPERTY_KEYS: Record<ResourceKind, string[]> = {
  VirtualMachine: [
    'summary|guest|fullName',
    'config|guestFullName',
    'config|hardware|numCpu',
    'config|hardware|numCoresPerSocket',
    'config|hardware|memoryKB',
    'summary|runtime|powerState',
    'summary|runtime|connectionState',
    'summary|guest|ipAddress',
    'summary|guest|hostName',
    'summary|guest|toolsRunningStatus',
    'summary|parentHost',
    'summary|parentCluster',
    'summary|parentDatacenter',
    'summary|parentVcenter',
    'summary|parentFolder',
    'summary|MOID',
    'summary|UUID',
  ],
  HostSystem: [
    'runtime|powerState',
    'runtime|connectionState',
    'runtime|maintenanceState',
    'hardware|cpuInfo|numCpuCores',
    'hardware|cpuInfo|hz',
    'hardware|memorySize',
    'hardware|vendor',
    'hardware|vendorModel',
    'summary|version',
    'summary|parentCluster',
    'summary|parentDatacenter',
    'summary|parentVcenter',
    'summary|hostuuid',
    'summary|MOID',
  ],
  ClusterComputeResource: [
    'configuration|drsConfig|enabled',
    'configuration|dasConfig|enabled',
    'summary|parentDatacenter',
    'summary|parentVcenter',
    'summary|MOID',
  ],
  Datastore: [
    'summary|type',
    'summary|capacity',
    'summary|accessible',
    'summary|parentDatacenter',
    'summary|parentVcenter',
    'summary|MOID',
  ],
  Datacenter: ['summary|parentVcenter', 'summary|MOID'],
  'VMwareAdapter Instance': ['summary|vcuuid', 'summary|version'],
};

const POWER_TEXT = { POWERED_ON: 'Powered On', POWERED_OFF: 'Powered Off', SUSPENDED: 'Suspended' } as const;

/** propertiesOf returns the current property values of a resource (all values are strings). */
export function propertiesOf(r: MetricResource): Record<string, string> {
  const inv = r.vc.inventory;
  const name = (id: string | null | undefined) =>
    (id && (inv.hosts.get(id) ?? inv.clusters.get(id) ?? inv.datacenters.get(id) ?? inv.folders.get(id))?.name) || '';
  const vcenter = r.vc.name;
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
        'runtime|connectionState':
          h.connectionState === 'CONNECTED'
            ? 'connected'
            : h.connectionState === 'DISCONNECTED'
              ? 'disconnected'
              : 'notResponding',
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
    case 'Datacenter':
      return { 'summary|parentVcenter': vcenter, 'summary|MOID': r.obj.id };
    case 'VMwareAdapter Instance':
      return { 'summary|vcuuid': inv.vcenterUuid, 'summary|version': '8.0.3' };
  }
}
