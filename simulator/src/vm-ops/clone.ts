import { ipFromSpec, specByName, type CustomizationSpec } from '../inventory/customization';
import { GUEST_OS_BY_ID } from '../inventory/guest-os';
import type { Inventory } from '../inventory/inventory';
import type { Vm } from '../inventory/model';
import { objectNotFound, vapiError } from '../routes/vcenter/errors';
import {
  type CreatePlan,
  type Placement,
  checkNameFree,
  checkSpace,
  placedOn,
  resolvePlacement,
  uuidsOf,
  vmSeed,
} from './create';
import { invalidArgument } from './hardware';
import { invalidState } from './power';

/** CloneSpec is `VM.CloneSpec` (VMware's bindings) as far as the simulator honours it. */
export interface CloneSpec {
  source: string;
  name: string;
  placement?: { folder?: string; resource_pool?: string; host?: string; cluster?: string; datastore?: string };
  power_on?: boolean;
  guest_customization_spec?: { name?: string };
}

/** checkCustomization finds a spec by name and checks it fits the guest's OS family. */
export function checkCustomization(inv: Inventory, name: string, guestOS: string): CustomizationSpec {
  const spec = specByName(name);
  if (!spec) throw objectNotFound(inv.vcenterUuid, 'Customization specification', 'guest.customization_specs', name);
  const family = GUEST_OS_BY_ID.get(guestOS)?.family;
  const fits = spec.osType === 'WINDOWS' ? family === 'WINDOWS' : family !== 'WINDOWS';
  if (!fits)
    throw invalidArgument(
      `Customization specification '${name}' is for ${spec.osType === 'WINDOWS' ? 'Windows' : 'Linux'} guests; the guest OS is ${GUEST_OS_BY_ID.get(guestOS)?.name ?? guestOS}.`
    );
  return spec;
}

/**
 * placementFrom fills a clone/deploy placement from defaults (the source's folder, pool, host and
 * datastore), then resolves it like create does.
 */
export function placementFrom(
  inv: Inventory,
  pl: CloneSpec['placement'],
  defaults: { folder: string; resourcePool?: string; host?: string; cluster?: string; datastore: string }
): Placement {
  const p = pl ?? {};
  const compute = p.host || p.cluster || p.resource_pool;
  return resolvePlacement(inv, {
    folder: p.folder ?? defaults.folder,
    datastore: p.datastore ?? defaults.datastore,
    ...(compute
      ? { host: p.host, cluster: p.cluster, resource_pool: p.resource_pool }
      : { host: defaults.host, cluster: defaults.cluster, resource_pool: defaults.resourcePool }),
  });
}

/**
 * planClone validates `POST /api/vcenter/vm?action=clone` (`VM.CloneSpec`) and returns the copy to
 * insert: the source's hardware and disks on the new placement, powered off unless `power_on`.
 * Pure: nothing is inserted here.
 */
export function planClone(inv: Inventory, spec: CloneSpec, id: string, now: number): CreatePlan & { powerOn: boolean } {
  const src = inv.vms.get(spec.source);
  if (!src) throw objectNotFound(inv.vcenterUuid, 'Virtual machine', 'vm', spec.source);
  if (!spec.name.trim()) throw invalidArgument('name must not be empty.');
  const custom = spec.guest_customization_spec?.name
    ? checkCustomization(inv, spec.guest_customization_spec.name, src.guestOS)
    : undefined;
  const placement = placementFrom(inv, spec.placement, {
    folder: src.folder,
    resourcePool: src.resourcePool,
    host: src.host,
    datastore: src.datastore,
  });
  const { folder, cluster, datastore } = placement;
  checkNameFree(inv, folder, spec.name);
  const diskSizes = src.disks.map((d) => d.capacity);
  checkSpace(inv, datastore, diskSizes);
  let network: string | null = src.nics[0]?.network ?? null;
  if (network && inv.networks.get(network)?.datacenter !== cluster.datacenter) {
    throw invalidArgument(`Network '${network}' of the source is not available in the datacenter of the placement.`);
  }
  if (!network) network = null;
  const seed = vmSeed(inv, id);
  const vm: Vm = {
    ...src,
    id,
    name: spec.name,
    powerState: 'POWERED_OFF',
    ...placedOn(placement),
    ...uuidsOf(seed),
    guestHostName: custom ? spec.name : src.guestHostName,
    ipAddress: custom
      ? ipFromSpec(custom, seed % 200, `10.99.${(seed >>> 8) & 255}.${(seed & 253) + 1}`)
      : src.ipAddress,
    metricSeed: seed,
    createdAt: now,
    bootTime: now,
  };
  return { vm, diskSizes, network, macSeed: seed & 0xffffff, powerOn: spec.power_on ?? false };
}

/**
 * RelocateSpec is `VM.RelocateSpec` (vSphere API 7.0.0.0): placement, and `disks`, a map of disk
 * key → `VM.DiskRelocateSpec` whose `datastore` is currently required.
 */
export interface RelocateSpec {
  placement?: { folder?: string; resource_pool?: string; host?: string; cluster?: string; datastore?: string };
  disks?: Record<string, { datastore?: string }>;
}

/** RelocatePlan is where a VM goes (host / cluster / pool / datastore / folder). */
export interface RelocatePlan {
  host: string;
  cluster: string;
  datacenter: string;
  resourcePool: string;
  datastore: string;
  folder: string;
  /** Where each disk goes (disk key → datastore id), every disk listed. */
  disks: Record<string, string>;
}

/**
 * diskTargets is where each of the VM's disks goes: a disk named in `disks` to its datastore, any
 * other to `placement.datastore` when given (VMware: "If unset, all disks will migrate to the
 * datastore specified in RelocatePlacementSpec.datastore"), else it stays. Each disk datastore must
 * exist, lie in the target's datacenter and be mounted by the target host.
 */
function diskTargets(
  inv: Inventory,
  vm: Vm,
  spec: RelocateSpec,
  target: { hostId: string; hostName: string; datacenter: string; datastore?: string }
): Record<string, string> {
  const out: Record<string, string> = {};
  const keys = new Set(vm.disks.map((d) => d.key));
  for (const [key, d] of Object.entries(spec.disks ?? {})) {
    if (!keys.has(key)) throw objectNotFound(inv.vcenterUuid, 'Virtual disk', 'vm.hardware.disk', key);
    if (!d || typeof d.datastore !== 'string' || !d.datastore)
      throw invalidArgument(`disks['${key}'].datastore is required.`);
    const ds = inv.datastores.get(d.datastore);
    if (!ds) throw objectNotFound(inv.vcenterUuid, 'Datastore', 'datastore', d.datastore);
    if (ds.datacenter !== target.datacenter)
      throw invalidArgument(`Datastore '${ds.name}' for disk '${key}' is in another datacenter than the target.`);
    if (!ds.hosts.includes(target.hostId))
      throw invalidArgument(`Datastore '${ds.id}' is not accessible from host '${target.hostId}'.`);
  }
  for (const d of vm.disks) out[d.key] = spec.disks?.[d.key]?.datastore ?? target.datastore ?? d.datastore;
  return out;
}

/**
 * planRelocate validates `POST /api/vcenter/vm/{vm}?action=relocate` (vMotion / Storage vMotion):
 * the target host must be connected, in the VM's datacenter, see the target datastore and carry
 * the VM's networks; a datastore change needs room for the disks. Pure.
 */
export function planRelocate(inv: Inventory, vm: Vm, spec: RelocateSpec): RelocatePlan {
  const pl = spec.placement ?? {};
  if (
    !pl.host &&
    !pl.cluster &&
    !pl.resource_pool &&
    !pl.datastore &&
    !pl.folder &&
    !Object.keys(spec.disks ?? {}).length
  )
    throw invalidArgument(
      'placement must name a host, cluster, resource pool, datastore or folder, or disks must be given.'
    );
  const target = placementFrom(inv, pl, {
    folder: vm.folder,
    resourcePool: vm.resourcePool,
    host: vm.host,
    datastore: vm.datastore,
  });
  if (target.cluster.datacenter !== vm.datacenter)
    throw invalidArgument(`The target is in another datacenter than virtual machine '${vm.name}'.`);
  for (const n of vm.nics) {
    const net = inv.networks.get(n.network);
    if (!net || net.datacenter !== target.cluster.datacenter)
      throw invalidArgument(
        `Host '${target.host.name}' has no access to network '${net?.name ?? n.network}' of the virtual machine.`
      );
  }
  const disks = diskTargets(inv, vm, spec, {
    hostId: target.host.id,
    hostName: target.host.name,
    datacenter: target.cluster.datacenter,
    datastore: target.datastore.id !== vm.datastore ? target.datastore.id : undefined,
  });
  // Room for every disk that changes datastore, per destination.
  const need = new Map<string, number>();
  for (const d of vm.disks)
    if (disks[d.key] !== d.datastore) need.set(disks[d.key], (need.get(disks[d.key]) ?? 0) + d.capacity);
  for (const [id, bytes] of need) {
    const ds = inv.datastores.get(id)!;
    if (bytes > inv.datastoreFree(ds))
      throw vapiError(
        'INVALID_ARGUMENT',
        'com.vmware.api.vcenter.vm.insufficient_disk_space',
        `Insufficient disk space on datastore '${ds.name}'.`,
        [ds.name]
      );
  }
  return {
    disks,
    host: target.host.id,
    cluster: target.cluster.id,
    datacenter: target.cluster.datacenter,
    resourcePool: target.pool?.id ?? (pl.host || pl.cluster ? target.cluster.rootPool : vm.resourcePool),
    datastore: target.datastore.id,
    folder: target.folder.id,
  };
}

/** InstantCloneSpec is `VM.InstantCloneSpec` (placement: folder, resource pool, datastore). */
export interface InstantCloneSpec {
  source: string;
  name: string;
  placement?: { folder?: string; resource_pool?: string; datastore?: string };
}

/**
 * planInstantClone validates `POST /api/vcenter/vm?action=instant-clone`: the source must be
 * running (the clone forks its memory state), the copy runs on the source's host, powered on,
 * with its guest (and VMware Tools) as the source had them.
 */
export function planInstantClone(
  inv: Inventory,
  spec: InstantCloneSpec,
  id: string,
  now: number
): CreatePlan & { powerOn: boolean } {
  const src = inv.vms.get(spec.source);
  if (!src) throw objectNotFound(inv.vcenterUuid, 'Virtual machine', 'vm', spec.source);
  if (src.powerState !== 'POWERED_ON')
    throw vapiError(
      'INVALID_ARGUMENT',
      'com.vmware.api.vcenter.vm.instant_clone.source_not_powered_on',
      `Instant clone needs a running source; virtual machine '${src.name}' is not powered on.`,
      [],
      [invalidState(src.powerState)]
    );
  const plan = planClone(
    inv,
    {
      source: spec.source,
      name: spec.name,
      placement: { ...spec.placement, host: spec.placement?.resource_pool ? undefined : src.host },
      power_on: true,
    },
    id,
    now
  );
  if (plan.vm.host !== src.host) throw invalidArgument('An instant clone runs on the host of its source.');
  return { ...plan, vm: { ...plan.vm, bootTime: src.bootTime } };
}
