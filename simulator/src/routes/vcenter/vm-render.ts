import type { Vm, VmDisk, VmNic } from '../../inventory/model';
import type { Inventory } from '../../inventory/inventory';

import { hotAddLimitMiB } from '../../vm-ops/hardware';

/** cpuInfo renders `hardware/cpu`. */
export function cpuInfo(vm: Vm) {
  return {
    count: vm.cpuCount,
    cores_per_socket: vm.coresPerSocket,
    hot_add_enabled: vm.cpuHotAdd,
    hot_remove_enabled: vm.cpuHotRemove,
  };
}

/** memoryInfo renders `hardware/memory` (hot-add limits only when hot add is on). */
export function memoryInfo(vm: Vm) {
  return vm.memoryHotAdd
    ? {
        size_MiB: vm.memoryMiB,
        hot_add_enabled: true,
        hot_add_increment_size_MiB: 4,
        hot_add_limit_MiB: hotAddLimitMiB(vm.memoryMiB),
      }
    : { size_MiB: vm.memoryMiB, hot_add_enabled: false };
}

/** diskInfo renders one disk of the `disks` map. */
export function diskInfo(d: VmDisk) {
  return {
    label: d.label,
    type: 'SCSI',
    scsi: { bus: 0, unit: d.scsiUnit },
    backing: { type: 'VMDK_FILE', vmdk_file: d.vmdkFile },
    capacity: d.capacity,
  };
}

/**
 * nicInfo renders one NIC of the `nics` map; a NIC is only connected while the VM runs. The
 * backing is a union on `type` (VMware's `Ethernet.BackingInfo`): `network_name` belongs to
 * standard port groups only; distributed port groups carry the switch uuid, port and cookie instead.
 */
export function nicInfo(vm: Vm, n: VmNic, inv: Inventory) {
  const net = inv.networks.get(n.network);
  const backing: Record<string, unknown> = { type: net?.type ?? 'STANDARD_PORTGROUP', network: n.network };
  if (backing.type === 'STANDARD_PORTGROUP') backing.network_name = net?.name ?? '';
  if (net?.type === 'DISTRIBUTED_PORTGROUP') {
    backing.distributed_switch_uuid = '50 28 b4 3e 3a 8c 6d 21-4c 5b 6e 2f 1a 9d 7c 3b';
    backing.distributed_port = String(100 + (vm.metricSeed % 400));
    backing.connection_cookie = vm.metricSeed % 100000000;
  }
  return {
    label: n.label,
    type: n.type,
    upt_compatibility_enabled: n.type === 'VMXNET3',
    mac_type: 'ASSIGNED',
    mac_address: n.macAddress,
    pci_slot_number: n.pciSlot,
    wake_on_lan_enabled: true,
    state: n.connected && vm.powerState === 'POWERED_ON' ? 'CONNECTED' : 'NOT_CONNECTED',
    start_connected: n.startConnected,
    allow_guest_control: true,
    backing,
  };
}

/** hardwareInfo renders `GET /api/vcenter/vm/{vm}/hardware` (`Hardware.Info`; no upgrade_version while the policy is NEVER). */
export function hardwareInfo(vm: Vm) {
  return { version: vm.hardwareVersion, upgrade_policy: 'NEVER', upgrade_status: 'NONE' };
}

/** vmInfo renders `GET /api/vcenter/vm/{vm}`: maps keyed by device id, no placement fields. */
export function vmInfo(vm: Vm, inv: Inventory) {
  return {
    name: vm.name,
    guest_OS: vm.guestOS,
    power_state: vm.powerState,
    identity: { name: vm.name, bios_uuid: vm.biosUuid, instance_uuid: vm.instanceUuid },
    instant_clone_frozen: false,
    hardware: hardwareInfo(vm),
    boot: { type: 'BIOS', delay: 0, retry: false, retry_delay: 10000, enter_setup_mode: false },
    boot_devices: [],
    cpu: cpuInfo(vm),
    memory: memoryInfo(vm),
    disks: Object.fromEntries(vm.disks.map((d) => [d.key, diskInfo(d)])),
    nics: Object.fromEntries(vm.nics.map((n) => [n.key, nicInfo(vm, n, inv)])),
    cdroms: {
      '16000': {
        type: 'SATA',
        label: 'CD/DVD drive 1',
        sata: { bus: 0, unit: 0 },
        backing: { type: 'CLIENT_DEVICE', device_access_type: 'EMULATION' },
        state: 'NOT_CONNECTED',
        start_connected: false,
        allow_guest_control: true,
      },
    },
    floppies: {},
    parallel_ports: {},
    serial_ports: {},
    sata_adapters: { '15000': { label: 'SATA controller 0', type: 'AHCI', bus: 0 } },
    scsi_adapters: {
      '1000': { label: 'SCSI controller 0', type: 'PVSCSI', scsi: { bus: 0, unit: 7 }, sharing: 'NONE' },
    },
  };
}
