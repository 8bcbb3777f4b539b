import { toMiB } from '../components/labels';
import { HardwareLimits, VmHardwarePatch } from '../types';

/**
 * The edit-hardware rules (docs/contracts.md: hardware limits): the count and size must be within
 * the limits, memory a multiple of 4 MiB, and a powered-on VM may only add CPUs or memory with
 * hot-add on, remove CPUs with hot-remove on, and never shrink its memory. Pure; table tests in
 * hardware.test.ts, mutation-tested (src/README.md).
 */
/** Field errors of the hardware form; empty when the patch may be sent. */
export function validateHardware(
  limits: HardwareLimits,
  cpuText: string,
  memText: string,
  // Stryker disable next-line StringLiteral: equivalent, toMiB and the messages read every unit but GiB as MiB.
  memUnit: 'GiB' | 'MiB' = 'MiB'
): { errors: { cpu?: string; memory?: string; form?: string }; patch: VmHardwarePatch } {
  const errors: { cpu?: string; memory?: string; form?: string } = {};
  const patch: VmHardwarePatch = {};
  const on = limits.powerState === 'POWERED_ON';
  const cpu = Number(cpuText);
  if (!/^\d+$/.test(cpuText.trim())) {
    errors.cpu = 'Enter a whole number of CPUs.';
  } else if (cpu < limits.minCpu || cpu > limits.maxCpu) {
    errors.cpu = `Choose between ${limits.minCpu} and ${limits.maxCpu} CPUs.`;
  } else if (cpu !== limits.cpuCount) {
    if (!limits.canChangeCpu) {
      errors.cpu = limits.reasons.cpu ?? 'CPUs cannot change in the current power state.';
      // `>` → `>=` here and `<` → `<=` below survive and are equivalent: an unchanged count never gets here.
    } else if (on && cpu > limits.cpuCount && !limits.cpuHotAddEnabled) {
      errors.cpu = 'CPU hot-add is off for this VM: power it off to add CPUs.';
    } else if (on && cpu < limits.cpuCount && !limits.cpuHotRemoveEnabled) {
      errors.cpu = 'CPU hot-remove is off for this VM: power it off to remove CPUs.';
    } else {
      patch.cpuCount = cpu;
    }
  }
  const mem = toMiB(memText, memUnit) ?? NaN;
  if (!Number.isFinite(mem)) {
    errors.memory =
      memUnit === 'GiB' ? 'Enter the memory in GiB, e.g. 8 or 0.5.' : 'Enter the memory as a whole number of MiB.';
  } else if (mem < limits.minMemoryMiB || mem > limits.maxMemoryMiB) {
    errors.memory = `Choose between ${limits.minMemoryMiB} and ${limits.maxMemoryMiB} MiB.`;
  } else if (mem % 4 !== 0) {
    errors.memory = 'Memory must be a multiple of 4 MiB.';
  } else if (mem !== limits.memoryMiB) {
    if (!limits.canChangeMemory) {
      errors.memory = limits.reasons.memory ?? 'Memory cannot change in the current power state.';
      // `<` → `<=` survives and is equivalent: an unchanged size never gets here.
    } else if (on && mem < limits.memoryMiB) {
      errors.memory = 'Memory cannot shrink while the VM is powered on: power it off first.';
    } else if (on && !limits.memoryHotAddEnabled) {
      errors.memory = 'Memory hot-add is off for this VM: power it off to add memory.';
    } else {
      patch.memoryMiB = mem;
    }
  }
  if (!errors.cpu && !errors.memory && patch.cpuCount === undefined && patch.memoryMiB === undefined) {
    errors.form = 'Nothing changed: enter a new CPU count or memory size.';
  }
  return { errors, patch };
}
