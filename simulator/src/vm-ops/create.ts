import { GUEST_OS_BY_ID } from '../inventory/guest-os';
import type { Inventory } from '../inventory/inventory';
import type { Cluster, Datastore, Folder, Host, ResourcePool, Vm } from '../inventory/model';
import { hashString, mix32 } from '../inventory/prng';
import { objectNotFound, vapiError } from '../routes/vcenter/errors';
import { checkCpuShape, checkMemorySize, invalidArgument } from './hardware';

const GiB = 1024 ** 3;

/** CreateSpec is the subset of `VM.CreateSpec` the simulator honours (field names as in VMware's bindings). */
export interface CreateSpec {
  name: string;
  guest_OS: string;
  hardware_version?: string;
  placement?: { folder?: string; cluster?: string; host?: string; resource_pool?: string; datastore?: string };
  cpu?: { count?: number; cores_per_socket?: number; hot_add_enabled?: boolean; hot_remove_enabled?: boolean };
  memory?: { size_MiB?: number; hot_add_enabled?: boolean };
  disks?: { type?: string; new_vmdk?: { name?: string; capacity?: number } }[];
  nics?: {
    type?: 'VMXNET3' | 'E1000E' | 'E1000';
    start_connected?: boolean;
    backing: { type: string; network: string };
  }[];
}

/** CreatePlan is everything `Inventory.insertVm` needs, decided before anything changes. */
export interface CreatePlan {
  vm: Vm;
  diskSizes: number[];
  network: string | null;
  macSeed: number;
  nic?: { type: 'VMXNET3' | 'E1000E'; startConnected: boolean };
}

/** Placement is a resolved `VM.PlacementSpec`. */
export interface Placement {
  folder: Folder;
  cluster: Cluster;
  host: Host;
  pool: ResourcePool | undefined;
  datastore: Datastore;
}

/**
 * resolvePlacement checks a placement spec against the inventory the way vCenter does: folder and
 * datastore required, one of host / cluster / resource pool, all in one datacenter, and a
 * connected host that mounts the datastore (chosen like DRS initial placement when not given).
 */
export function resolvePlacement(inv: Inventory, pl: NonNullable<CreateSpec['placement']>): Placement {
  const nf = (kind: string, part: string, id: string) => objectNotFound(inv.vcenterUuid, kind, part, id);
  if (!pl.folder) throw invalidArgument('placement.folder is required.');
  const folder = inv.folders.get(pl.folder);
  if (!folder) throw nf('Folder', 'folder', pl.folder);
  if (folder.type !== 'VIRTUAL_MACHINE')
    throw invalidArgument(`Folder '${pl.folder}' is not a virtual machine folder.`);
  if (!pl.host && !pl.cluster && !pl.resource_pool)
    throw invalidArgument(
      'placement.resource_pool is required when neither placement.host nor placement.cluster is set.'
    );
  if (!pl.datastore) throw invalidArgument('placement.datastore is required.');
  const hostArg = pl.host ? inv.hosts.get(pl.host) : undefined;
  if (pl.host && !hostArg) throw nf('Host', 'host', pl.host);
  const clusterArg = pl.cluster ? inv.clusters.get(pl.cluster) : undefined;
  if (pl.cluster && !clusterArg) throw nf('Cluster', 'cluster', pl.cluster);
  const pool = pl.resource_pool ? inv.resourcePools.get(pl.resource_pool) : undefined;
  if (pl.resource_pool && !pool) throw nf('Resource pool', 'resource_pool', pl.resource_pool);
  const datastore = inv.datastores.get(pl.datastore);
  if (!datastore) throw nf('Datastore', 'datastore', pl.datastore);
  const clusterId = hostArg?.cluster ?? clusterArg?.id ?? pool!.cluster;
  if (hostArg && clusterArg && hostArg.cluster !== clusterArg.id)
    throw invalidArgument(`Host '${hostArg.id}' is not in cluster '${clusterArg.id}'.`);
  if (pool && pool.cluster !== clusterId)
    throw invalidArgument(`Resource pool '${pool.id}' does not belong to the given host or cluster.`);
  const cluster = inv.clusters.get(clusterId)!;
  if (folder.datacenter !== cluster.datacenter)
    throw invalidArgument(`Folder '${folder.id}' and the compute resource are in different datacenters.`);
  let host = hostArg;
  if (!host) {
    // Like DRS initial placement: the connected host with the fewest VMs that sees the datastore.
    host = inv
      .connectedHostsOf(clusterId)
      .filter((h) => datastore.hosts.includes(h.id))
      .sort((a, b) => inv.vmsByHost.get(a.id)!.size - inv.vmsByHost.get(b.id)!.size)[0];
    if (!host)
      throw vapiError(
        'UNABLE_TO_ALLOCATE_RESOURCE',
        'com.vmware.api.vcenter.vm.no_host',
        `No connected host in cluster '${clusterId}' can reach datastore '${datastore.name}'.`
      );
  } else if (host.connectionState !== 'CONNECTED') {
    throw vapiError(
      'RESOURCE_INACCESSIBLE',
      'com.vmware.api.vcenter.vm.host_not_connected',
      `Host '${host.id}' is not connected.`
    );
  }
  if (!datastore.hosts.includes(host.id))
    throw invalidArgument(`Datastore '${datastore.id}' is not accessible from host '${host.id}'.`);
  return { folder, cluster, host, pool, datastore };
}

/** checkNameFree refuses a VM name already used in the folder (vCenter: ALREADY_EXISTS). */
export function checkNameFree(inv: Inventory, folder: Folder, name: string): void {
  for (const v of inv.vms.values()) {
    if (v.folder === folder.id && v.name === name) {
      throw vapiError(
        'ALREADY_EXISTS',
        'com.vmware.api.vcenter.vm.already_exists',
        `A virtual machine named '${name}' already exists in folder '${folder.name}'.`,
        [name]
      );
    }
  }
}

/** checkSpace refuses disks that do not fit on the datastore (vCenter: UNABLE_TO_ALLOCATE_RESOURCE). */
export function checkSpace(inv: Inventory, ds: Datastore, diskSizes: number[]): void {
  if (diskSizes.reduce((a, b) => a + b, 0) > inv.datastoreFree(ds)) {
    throw vapiError(
      'UNABLE_TO_ALLOCATE_RESOURCE',
      'com.vmware.api.vcenter.vm.insufficient_disk_space',
      `Insufficient disk space on datastore '${ds.name}'.`,
      [ds.name]
    );
  }
}

/** placedOn is the part of a new VM that its placement decides; disks and NICs come with the insert. */
export function placedOn(
  p: Placement
): Pick<Vm, 'host' | 'cluster' | 'datacenter' | 'folder' | 'resourcePool' | 'datastore' | 'disks' | 'nics'> {
  return {
    host: p.host.id,
    cluster: p.cluster.id,
    datacenter: p.cluster.datacenter,
    folder: p.folder.id,
    resourcePool: p.pool?.id ?? p.cluster.rootPool,
    datastore: p.datastore.id,
    disks: [],
    nics: [],
  };
}

/** vmSeed is a new VM's seed: the same id in the same inventory gets the same uuids and metrics. */
export function vmSeed(inv: Inventory, id: string): number {
  return mix32(hashString(id) ^ inv.seed);
}

/** uuidsOf are a new VM's BIOS and instance uuids, derived from its seed. */
export function uuidsOf(seed: number): Pick<Vm, 'biosUuid' | 'instanceUuid'> {
  const hex = (n: number, len: number) => (n >>> 0).toString(16).padStart(8, '0').repeat(4).slice(0, len);
  return { biosUuid: uuidFrom('42', hex(seed, 30)), instanceUuid: uuidFrom('50', hex(mix32(seed), 30)) };
}

/**
 * planCreate validates `POST /api/vcenter/vm` against the inventory and returns the VM to insert
 * (powered off, without VMware Tools, guest-OS-dependent default sizes). Pure: the id is reserved
 * by the caller (`id`), nothing is inserted here.
 */
export function planCreate(inv: Inventory, spec: CreateSpec, id: string, now: number): CreatePlan {
  const guest = GUEST_OS_BY_ID.get(spec.guest_OS);
  if (!guest) throw invalidArgument(`Invalid value '${spec.guest_OS}' for guest_OS.`);
  const placement = resolvePlacement(inv, spec.placement ?? {});
  const { folder, cluster, datastore } = placement;
  checkNameFree(inv, folder, spec.name);
  const count = spec.cpu?.count ?? 1;
  const cps = spec.cpu?.cores_per_socket ?? 1;
  checkCpuShape(count, cps);
  const mem = spec.memory?.size_MiB ?? (guest.family === 'WINDOWS' ? 4096 : 2048);
  checkMemorySize(mem);
  const defaultDisk = (guest.family === 'WINDOWS' ? 40 : 16) * GiB;
  const diskSizes = spec.disks ? spec.disks.map((d) => d.new_vmdk?.capacity ?? defaultDisk) : [defaultDisk];
  if (spec.disks?.some((d) => !d.new_vmdk)) throw invalidArgument('Only new_vmdk disks are supported.');
  let network: string | null = null;
  const nicSpec = spec.nics?.[0];
  if (nicSpec) {
    const net = inv.networks.get(nicSpec.backing.network);
    if (!net) throw objectNotFound(inv.vcenterUuid, 'Network', 'network', nicSpec.backing.network);
    if (net.datacenter !== cluster.datacenter)
      throw invalidArgument(`Network '${net.id}' is not in the datacenter of the placement.`);
    network = net.id;
  }
  checkSpace(inv, datastore, diskSizes);
  const seed = vmSeed(inv, id);
  const vm: Vm = {
    id,
    name: spec.name,
    guestOS: guest.id,
    powerState: 'POWERED_OFF',
    cpuCount: count,
    coresPerSocket: cps,
    cpuHotAdd: spec.cpu?.hot_add_enabled ?? false,
    cpuHotRemove: spec.cpu?.hot_remove_enabled ?? false,
    memoryMiB: mem,
    memoryHotAdd: spec.memory?.hot_add_enabled ?? false,
    hardwareVersion: spec.hardware_version ?? 'VMX_19',
    ...placedOn(placement),
    // A brand-new VM has no guest OS yet, so no VMware Tools: guest calls answer 503 as on vCenter.
    toolsInstalled: false,
    ...uuidsOf(seed),
    guestHostName: spec.name,
    ipAddress: '',
    fsFree: 0.8,
    profile: 'normal',
    metricSeed: seed,
    createdAt: now,
    bootTime: now,
  };
  return {
    vm,
    diskSizes,
    network,
    macSeed: seed & 0xffffff,
    ...(nicSpec
      ? {
          nic: {
            type: nicSpec.type === 'VMXNET3' || nicSpec.type === undefined ? 'VMXNET3' : 'E1000E',
            startConnected: nicSpec.start_connected ?? true,
          },
        }
      : {}),
  };
}

/** uuidFrom formats 32 hex digits (prefix first) as a uuid. */
export function uuidFrom(prefix: string, hex: string): string {
  const h = (prefix + hex).slice(0, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
