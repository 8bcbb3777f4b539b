import { HardwareLimits, PowerState } from '../types';
import { validateHardware } from './hardware';
import { limits as vmLimits } from '../test/fixtures';

/** A VM with 4 CPUs and 8 GiB, everything allowed; each case switches off what it tests. */
const limits = (over: Partial<HardwareLimits> = {}): HardwareLimits => vmLimits({ cpuHotRemoveEnabled: true, ...over });

const STATES: PowerState[] = ['POWERED_ON', 'POWERED_OFF', 'SUSPENDED'];
const BOOLS = [true, false];
const CPU_ADD = 'CPU hot-add is off for this VM: power it off to add CPUs.';
const CPU_REMOVE = 'CPU hot-remove is off for this VM: power it off to remove CPUs.';
const MEM_SHRINK = 'Memory cannot shrink while the VM is powered on: power it off first.';
const MEM_ADD = 'Memory hot-add is off for this VM: power it off to add memory.';

describe('CPU change: grow/shrink × power state × hot-add × hot-remove', () => {
  const cases = (['grow', 'shrink'] as const).flatMap((dir) =>
    STATES.flatMap((powerState) =>
      BOOLS.flatMap((cpuHotAddEnabled) =>
        BOOLS.map((cpuHotRemoveEnabled) => {
          const on = powerState === 'POWERED_ON';
          const error =
            on && dir === 'grow' && !cpuHotAddEnabled
              ? CPU_ADD
              : on && dir === 'shrink' && !cpuHotRemoveEnabled
                ? CPU_REMOVE
                : undefined;
          return [dir, powerState, cpuHotAddEnabled, cpuHotRemoveEnabled, error] as const;
        })
      )
    )
  );
  it.each(cases)('%s while %s, hot-add %s, hot-remove %s → %j', (dir, powerState, add, remove, error) => {
    const cpu = dir === 'grow' ? 6 : 2;
    const v = validateHardware(
      limits({ powerState, cpuHotAddEnabled: add, cpuHotRemoveEnabled: remove }),
      String(cpu),
      '8192'
    );
    expect(v.errors).toEqual(error ? { cpu: error } : {});
    expect(v.patch).toEqual(error ? {} : { cpuCount: cpu });
  });
});

describe('memory change: grow/shrink × power state × hot-add', () => {
  const cases = (['grow', 'shrink'] as const).flatMap((dir) =>
    STATES.flatMap((powerState) =>
      BOOLS.map((memoryHotAddEnabled) => {
        const on = powerState === 'POWERED_ON';
        const error = on && dir === 'shrink' ? MEM_SHRINK : on && !memoryHotAddEnabled ? MEM_ADD : undefined;
        return [dir, powerState, memoryHotAddEnabled, error] as const;
      })
    )
  );
  it.each(cases)('%s while %s, hot-add %s → %j', (dir, powerState, add, error) => {
    const mem = dir === 'grow' ? 16384 : 4096;
    const v = validateHardware(limits({ powerState, memoryHotAddEnabled: add }), '4', String(mem));
    expect(v.errors).toEqual(error ? { memory: error } : {});
    expect(v.patch).toEqual(error ? {} : { memoryMiB: mem });
  });
});

describe('hardware input checks', () => {
  it.each([
    // [limits, cpu, memory, unit, errors, patch]
    [{}, '4', '8192', 'MiB', { form: 'Nothing changed: enter a new CPU count or memory size.' }, {}],
    [{}, '4', '8', 'GiB', { form: 'Nothing changed: enter a new CPU count or memory size.' }, {}],
    [{}, ' 6 ', '8192', 'MiB', {}, { cpuCount: 6 }],
    [{}, '12', '8192', 'MiB', {}, { cpuCount: 12 }],
    [{}, '', '8192', 'MiB', { cpu: 'Enter a whole number of CPUs.' }, {}],
    [{}, '2.5', '8192', 'MiB', { cpu: 'Enter a whole number of CPUs.' }, {}],
    [{}, '-2', '8192', 'MiB', { cpu: 'Enter a whole number of CPUs.' }, {}],
    [{}, 'x4', '8192', 'MiB', { cpu: 'Enter a whole number of CPUs.' }, {}],
    [{}, '4x', '8192', 'MiB', { cpu: 'Enter a whole number of CPUs.' }, {}],
    [{ minCpu: 2, maxCpu: 8 }, '1', '8192', 'MiB', { cpu: 'Choose between 2 and 8 CPUs.' }, {}],
    [{ minCpu: 2, maxCpu: 8 }, '9', '8192', 'MiB', { cpu: 'Choose between 2 and 8 CPUs.' }, {}],
    [{ minCpu: 2, maxCpu: 8 }, '2', '8192', 'MiB', {}, { cpuCount: 2 }],
    [{ minCpu: 2, maxCpu: 8 }, '8', '8192', 'MiB', {}, { cpuCount: 8 }],
    [{ canChangeCpu: false }, '6', '8192', 'MiB', { cpu: 'CPUs cannot change in the current power state.' }, {}],
    [{ canChangeCpu: false, reasons: { cpu: 'VM is locked.' } }, '6', '8192', 'MiB', { cpu: 'VM is locked.' }, {}],
    [{ canChangeCpu: false }, '4', '16384', 'MiB', {}, { memoryMiB: 16384 }],
    [{}, '4', '', 'MiB', { memory: 'Enter the memory as a whole number of MiB.' }, {}],
    [{}, '4', '1.5', 'MiB', { memory: 'Enter the memory as a whole number of MiB.' }, {}],
    [{}, '4', 'lots', 'GiB', { memory: 'Enter the memory in GiB, e.g. 8 or 0.5.' }, {}],
    [{}, '4', '12', 'GiB', {}, { memoryMiB: 12288 }],
    [{}, '4', '8.5', 'GiB', {}, { memoryMiB: 8704 }],
    [
      { minMemoryMiB: 1024, maxMemoryMiB: 65536 },
      '4',
      '1020',
      'MiB',
      { memory: 'Choose between 1024 and 65536 MiB.' },
      {},
    ],
    [
      { minMemoryMiB: 1024, maxMemoryMiB: 65536 },
      '4',
      '65540',
      'MiB',
      { memory: 'Choose between 1024 and 65536 MiB.' },
      {},
    ],
    [
      { minMemoryMiB: 1024, maxMemoryMiB: 65536, powerState: 'POWERED_OFF' },
      '4',
      '1024',
      'MiB',
      {},
      { memoryMiB: 1024 },
    ],
    [{ minMemoryMiB: 1024, maxMemoryMiB: 65536 }, '4', '65536', 'MiB', {}, { memoryMiB: 65536 }],
    [{}, '4', '8193', 'MiB', { memory: 'Memory must be a multiple of 4 MiB.' }, {}],
    [{}, '4', '8194', 'MiB', { memory: 'Memory must be a multiple of 4 MiB.' }, {}],
    [
      { canChangeMemory: false },
      '4',
      '16384',
      'MiB',
      { memory: 'Memory cannot change in the current power state.' },
      {},
    ],
    [
      { canChangeMemory: false, reasons: { memory: 'Snapshots present.' } },
      '4',
      '16384',
      'MiB',
      { memory: 'Snapshots present.' },
      {},
    ],
    [{ canChangeMemory: false }, '6', '8192', 'MiB', {}, { cpuCount: 6 }],
    [{}, '6', '16', 'GiB', {}, { cpuCount: 6, memoryMiB: 16384 }],
    [{}, '0', '2', 'MiB', { cpu: 'Choose between 1 and 128 CPUs.', memory: 'Choose between 4 and 6128640 MiB.' }, {}],
    [{ cpuHotAddEnabled: false }, '6', '16384', 'MiB', { cpu: CPU_ADD }, { memoryMiB: 16384 }],
  ] as Array<[Partial<HardwareLimits>, string, string, 'GiB' | 'MiB', object, object]>)(
    '%j: cpu %j, memory %j %s',
    (over, cpu, mem, unit, errors, patch) => {
      const v = validateHardware(limits(over), cpu, mem, unit);
      expect(v.errors).toEqual(errors);
      expect(v.patch).toEqual(patch);
    }
  );

  it('reads memory in MiB when no unit is given', () => {
    expect(validateHardware(limits(), '4', '16384').patch).toEqual({ memoryMiB: 16384 });
  });
});
