import type { Vm } from '../inventory/model';
import { vapiError } from '../routes/vcenter/errors';
import { invalidState } from './power';

/** MAX_MEMORY_MIB is vSphere 8's per-VM memory maximum. */
export const MAX_MEMORY_MIB = 6128640;
/** MAX_CPU is the largest vCPU count the simulator accepts. */
export const MAX_CPU = 128;

/** invalidArgument is vCenter's 400 INVALID_ARGUMENT with one message. */
export function invalidArgument(message: string) {
  return vapiError('INVALID_ARGUMENT', 'com.vmware.vapi.std.errors.invalid_argument', message);
}

function needsPowerOff(vm: Pick<Vm, 'powerState'>, id: string, message: string) {
  return vapiError('NOT_ALLOWED_IN_CURRENT_STATE', id, message, [], [invalidState(vm.powerState)]);
}

/** checkCpuShape validates a vCPU count and its cores per socket. */
export function checkCpuShape(count: number, coresPerSocket: number): void {
  if (count < 1 || count > MAX_CPU) throw invalidArgument(`CPU count must be between 1 and ${MAX_CPU} (got ${count}).`);
  if (coresPerSocket < 1 || count % coresPerSocket !== 0)
    throw invalidArgument(`CPU count ${count} is not a multiple of cores per socket ${coresPerSocket}.`);
}

/** checkMemorySize validates a memory size in MiB. */
export function checkMemorySize(size: number): void {
  if (size < 4 || size > MAX_MEMORY_MIB || size % 4 !== 0) {
    throw invalidArgument(`Memory size must be a multiple of 4 MiB between 4 and ${MAX_MEMORY_MIB} MiB (got ${size}).`);
  }
}

/** CpuUpdate is the `Cpu.UpdateSpec` body of `PATCH …/hardware/cpu`. */
export interface CpuUpdate {
  count?: number;
  cores_per_socket?: number;
  hot_add_enabled?: boolean;
  hot_remove_enabled?: boolean;
}

type CpuFields = Pick<Vm, 'cpuCount' | 'coresPerSocket' | 'cpuHotAdd' | 'cpuHotRemove'>;

/**
 * planCpuUpdate returns the CPU fields after `PATCH …/hardware/cpu`, or throws vCenter's refusal.
 * While the VM is not powered off, the vSphere hot-plug rules apply: hot-plug settings and cores per
 * socket need power off, adding needs CPU hot add, removing needs CPU hot remove.
 */
export function planCpuUpdate(vm: CpuFields & Pick<Vm, 'powerState'>, b: CpuUpdate): CpuFields {
  const count = b.count ?? vm.cpuCount;
  const cps = b.cores_per_socket ?? vm.coresPerSocket;
  checkCpuShape(count, cps);
  if (vm.powerState !== 'POWERED_OFF') {
    const id = 'com.vmware.api.vcenter.vm.hardware.cpu';
    if (b.hot_add_enabled !== undefined || b.hot_remove_enabled !== undefined)
      throw needsPowerOff(
        vm,
        `${id}.hot_plug_setting_requires_power_off`,
        'CPU hot-plug settings can only be changed while the virtual machine is powered off.'
      );
    if (cps !== vm.coresPerSocket)
      throw needsPowerOff(
        vm,
        `${id}.cores_per_socket_requires_power_off`,
        'Cores per socket can only be changed while the virtual machine is powered off.'
      );
    if (count > vm.cpuCount && !vm.cpuHotAdd)
      throw needsPowerOff(
        vm,
        `${id}.hot_add_disabled`,
        'CPU hot add is not enabled for this virtual machine; power it off to add CPUs.'
      );
    if (count < vm.cpuCount && !vm.cpuHotRemove)
      throw needsPowerOff(
        vm,
        `${id}.hot_remove_disabled`,
        'CPU hot remove is not enabled for this virtual machine; power it off to remove CPUs.'
      );
  }
  return {
    cpuCount: count,
    coresPerSocket: cps,
    cpuHotAdd: b.hot_add_enabled ?? vm.cpuHotAdd,
    cpuHotRemove: b.hot_remove_enabled ?? vm.cpuHotRemove,
  };
}

/** MemoryUpdate is the `Memory.UpdateSpec` body of `PATCH …/hardware/memory`. */
export interface MemoryUpdate {
  size_MiB?: number;
  hot_add_enabled?: boolean;
}

type MemoryFields = Pick<Vm, 'memoryMiB' | 'memoryHotAdd'>;

/** hotAddLimitMiB is how far memory can grow while running (16× the current size, capped). */
export function hotAddLimitMiB(memoryMiB: number): number {
  return Math.min(MAX_MEMORY_MIB, memoryMiB * 16);
}

/**
 * planMemoryUpdate returns the memory fields after `PATCH …/hardware/memory`, or throws. While the
 * VM is not powered off: the hot-add setting needs power off, any change needs hot add, memory
 * never shrinks, and growth stops at the hot-add limit.
 */
export function planMemoryUpdate(vm: MemoryFields & Pick<Vm, 'powerState'>, b: MemoryUpdate): MemoryFields {
  const size = b.size_MiB ?? vm.memoryMiB;
  checkMemorySize(size);
  if (vm.powerState !== 'POWERED_OFF') {
    const id = 'com.vmware.api.vcenter.vm.hardware.memory';
    if (b.hot_add_enabled !== undefined)
      throw needsPowerOff(
        vm,
        `${id}.hot_add_setting_requires_power_off`,
        'Memory hot add can only be turned on or off while the virtual machine is powered off.'
      );
    if (size !== vm.memoryMiB && !vm.memoryHotAdd)
      throw needsPowerOff(
        vm,
        `${id}.hot_add_disabled`,
        'Memory hot add is not enabled for this virtual machine; power it off to change its memory.'
      );
    if (size < vm.memoryMiB)
      throw needsPowerOff(
        vm,
        `${id}.hot_remove_unsupported`,
        'Memory cannot be reduced while the virtual machine is powered on.'
      );
    const limit = hotAddLimitMiB(vm.memoryMiB);
    if (size > limit) throw invalidArgument(`Memory can be hot-added up to ${limit} MiB for this virtual machine.`);
  }
  return { memoryMiB: size, memoryHotAdd: b.hot_add_enabled ?? vm.memoryHotAdd };
}
