import type { Inventory } from '../inventory/inventory';
import type { LibraryItem } from '../inventory/library';
import type { Vm } from '../inventory/model';
import { ipFromSpec } from '../inventory/customization';
import { objectNotFound } from '../routes/vcenter/errors';
import { checkCustomization } from './clone';
import { type CreatePlan, checkNameFree, checkSpace, placedOn, resolvePlacement, uuidsOf, vmSeed } from './create';
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
  spec: DeploySpec & { network?: string },
  id: string,
  now: number,
  expect: LibraryItem['type'] = 'vm-template'
): CreatePlan & { powerOn: boolean } {
  if (!item) throw objectNotFound(inv.vcenterUuid, 'Library item', 'vm_template.library_items', itemId);
  if (item.type !== expect)
    throw invalidArgument(
      expect === 'vm-template'
        ? `Library item '${item.name}' is an OVF package, not a VM template.`
        : `Library item '${item.name}' is a VM template, not an OVF package.`
    );
  const custom = spec.guest_customization?.name
    ? checkCustomization(inv, spec.guest_customization.name, item.guestOS)
    : undefined;
  const pl = spec.placement ?? {};
  const placement = resolvePlacement(inv, {
    ...pl,
    datastore: spec.vm_home_storage?.datastore ?? item.datastore,
  });
  const { folder, cluster, datastore } = placement;
  checkNameFree(inv, folder, spec.name);
  checkSpace(inv, datastore, item.diskSizes);
  if (spec.network && !inv.networks.has(spec.network))
    throw objectNotFound(inv.vcenterUuid, 'Network', 'network', spec.network);
  const itemNet = inv.networks.get(spec.network ?? item.network ?? '');
  if (spec.network && itemNet!.datacenter !== cluster.datacenter)
    throw invalidArgument(`Network '${spec.network}' is not in the datacenter of the target.`);
  const network =
    itemNet && itemNet.datacenter === cluster.datacenter
      ? itemNet.id
      : ([...inv.networks.values()].find((n) => n.datacenter === cluster.datacenter && n.type === 'STANDARD_PORTGROUP')
          ?.id ?? null);
  const seed = vmSeed(inv, id);
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
    ...placedOn(placement),
    toolsInstalled: true,
    ...uuidsOf(seed),
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
