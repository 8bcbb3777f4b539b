import type { Inventory } from '../inventory/inventory';
import type { LibraryItem } from '../inventory/library';
import type { Vm } from '../inventory/model';
import { ipFromSpec } from '../inventory/customization';
import { hashString, mix32 } from '../inventory/prng';
import { objectNotFound } from '../routes/vcenter/errors';
import { checkCustomization } from './clone';
import { type CreatePlan, checkNameFree, checkSpace, resolvePlacement, uuidFrom } from './create';
import { invalidArgument } from './hardware';

/** DeploySpec is `vm_template.LibraryItems.DeploySpec` (VMware's bindings), the honoured subset. */
export interface DeploySpec {
  name: string;
  description?: string;
  vm_home_storage?: { datastore?: string };
  placement?: { folder?: string; resource_pool?: string; host?: string; cluster?: string };
  powered_on?: boolean;
  guest_customization?: { name?: string };
}

/**
 * planDeploy validates `POST /api/vcenter/vm-template/library-items/{item}?action=deploy` and
 * returns the VM to insert: the template's hardware, VMware Tools installed, the template's
 * network when it reaches the placement's datacenter (else the datacenter's standard port group).
 * Pure.
 */
export function planDeploy(
  inv: Inventory,
  item: LibraryItem | undefined,
  itemId: string,
  spec: DeploySpec,
  id: string,
  now: number
): CreatePlan & { powerOn: boolean } {
  if (!item) throw objectNotFound(inv.vcenterUuid, 'Library item', 'vm_template.library_items', itemId);
  if (item.type !== 'vm-template')
    throw invalidArgument(`Library item '${item.name}' is an ${item.type.toUpperCase()} package, not a VM template.`);
  const custom = spec.guest_customization?.name
    ? checkCustomization(inv, spec.guest_customization.name, item.guestOS)
    : undefined;
  const pl = spec.placement ?? {};
  const { folder, cluster, host, pool, datastore } = resolvePlacement(inv, {
    ...pl,
    datastore: spec.vm_home_storage?.datastore ?? item.datastore,
  });
  checkNameFree(inv, folder, spec.name);
  checkSpace(
    inv,
    datastore,
    item.diskSizes.reduce((a, b) => a + b, 0)
  );
  const itemNet = item.network ? inv.networks.get(item.network) : undefined;
  const network =
    itemNet && itemNet.datacenter === cluster.datacenter
      ? itemNet.id
      : ([...inv.networks.values()].find((n) => n.datacenter === cluster.datacenter && n.type === 'STANDARD_PORTGROUP')
          ?.id ?? null);
  const seed = mix32(hashString(id) ^ inv.seed);
  const hex = (n: number, len: number) => (n >>> 0).toString(16).padStart(8, '0').repeat(4).slice(0, len);
  const vm: Vm = {
    id,
    name: spec.name,
    guestOS: item.guestOS,
    powerState: 'POWERED_OFF',
    cpuCount: item.cpuCount,
    coresPerSocket: item.coresPerSocket,
    cpuHotAdd: true,
    cpuHotRemove: false,
    memoryMiB: item.memoryMiB,
    memoryHotAdd: true,
    hardwareVersion: 'VMX_19',
    host: host.id,
    cluster: cluster.id,
    datacenter: cluster.datacenter,
    folder: folder.id,
    resourcePool: pool?.id ?? cluster.rootPool,
    datastore: datastore.id,
    disks: [],
    nics: [],
    toolsInstalled: true,
    biosUuid: uuidFrom('42', hex(seed, 30)),
    instanceUuid: uuidFrom('50', hex(mix32(seed), 30)),
    guestHostName: spec.name,
    ipAddress: custom
      ? ipFromSpec(custom, seed % 200, `10.98.${(seed >>> 8) & 255}.${(seed & 253) + 1}`)
      : `10.98.${(seed >>> 8) & 255}.${(seed & 253) + 1}`,
    fsFree: 0.7,
    profile: 'normal',
    metricSeed: seed,
    createdAt: now,
    bootTime: now,
  };
  return { vm, diskSizes: item.diskSizes, network, macSeed: seed & 0xffffff, powerOn: spec.powered_on ?? false };
}
