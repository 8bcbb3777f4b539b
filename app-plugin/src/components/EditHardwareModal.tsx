import React, { useState } from 'react';
import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { Alert, Button, Field, Input, Modal, RadioButtonGroup, Stack, useStyles2 } from '@grafana/ui';
import { toApiError, VsphereClient } from '../api/client';
import { errorAdvice } from '../api/errors';
import { selectors } from '../selectors';
import { FieldRow } from './FieldRow';
import { HardwareLimits, VmDetail, VmHardwarePatch } from '../types';
import { fromMiB, toMiB } from './labels';
import { ErrorState } from './ErrorState';
import { getStyles } from './styles';
import { Loading } from './Loading';
import { formatMiB } from './format';
import { useAsync } from './hooks';
import { notifyError, notifySuccess } from './notify';

/** Field errors of the hardware form; empty when the patch may be sent. */
export function validateHardware(
  limits: HardwareLimits,
  cpuText: string,
  memText: string,
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

function Form({
  client,
  vmId,
  vmName,
  limits,
  onDone,
}: {
  client: VsphereClient;
  vmId: string;
  vmName: string;
  limits: HardwareLimits;
  onDone: (updated?: VmDetail) => void;
}) {
  const styles = useStyles2(getStyles);
  const listStyles = useStyles2(getListStyles);
  const [cpu, setCpu] = useState(String(limits.cpuCount));
  const initial = fromMiB(limits.memoryMiB);
  const [mem, setMem] = useState(initial.amount);
  const [unit, setUnit] = useState<'GiB' | 'MiB'>(initial.unit);
  const [errors, setErrors] = useState<{ cpu?: string; memory?: string; form?: string }>({});
  const [busy, setBusy] = useState(false);
  const [advice, setAdvice] = useState<string | undefined>();
  const on = limits.powerState === 'POWERED_ON';
  const hot = (yes: boolean) => (yes ? 'can change now' : 'needs power-off');

  const submit = async () => {
    const v = validateHardware(limits, cpu, mem, unit);
    setErrors(v.errors);
    setAdvice(undefined);
    if (Object.keys(v.errors).length) {
      return;
    }
    setBusy(true);
    try {
      const updated = await client.patchHardware(vmId, v.patch);
      notifySuccess(`Hardware of ${vmName} updated`);
      onDone(updated);
    } catch (e) {
      const err = toApiError(e);
      setErrors({ form: err.message });
      setAdvice(errorAdvice(err));
      notifyError(`Could not change the hardware of ${vmName}`, (e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      data-testid={selectors.editHardware.modal}
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <p className={styles.muted}>
        {on
          ? `${vmName} is powered on. What can change now:`
          : `${vmName} is ${limits.powerState === 'SUSPENDED' ? 'suspended' : 'powered off'}: CPU and memory can change within the limits.`}
      </p>
      {on && (
        <ul aria-label="What can change while powered on" className={listStyles.list}>
          <li>Add CPUs: {hot(limits.canChangeCpu && limits.cpuHotAddEnabled)}</li>
          <li>Remove CPUs: {hot(limits.canChangeCpu && limits.cpuHotRemoveEnabled)}</li>
          <li>Add memory: {hot(limits.canChangeMemory && limits.memoryHotAddEnabled)}</li>
          <li>Remove memory: needs power-off</li>
          {limits.reasons.cpu && <li>CPU: {limits.reasons.cpu}</li>}
          {limits.reasons.memory && <li>Memory: {limits.reasons.memory}</li>}
        </ul>
      )}
      <Field
        label="CPUs"
        description={`Now ${limits.cpuCount}; ${limits.minCpu}–${limits.maxCpu}`}
        invalid={!!errors.cpu}
        error={errors.cpu}
      >
        <Input
          id="edit-hw-cpu"
          type="number"
          width={20}
          value={cpu}
          onChange={(e) => setCpu(e.currentTarget.value)}
          data-testid={selectors.editHardware.cpu}
        />
      </Field>
      <Field
        label="Memory"
        description={`Now ${formatMiB(limits.memoryMiB)} (${limits.memoryMiB} MiB); a multiple of 4 MiB`}
        invalid={!!errors.memory}
        error={errors.memory}
      >
        <FieldRow>
          <Input
            id="edit-hw-memory"
            type="number"
            step="any"
            width={20}
            value={mem}
            onChange={(e) => setMem(e.currentTarget.value)}
            data-testid={selectors.editHardware.memory}
          />
          <RadioButtonGroup
            aria-label="Memory unit"
            options={UNITS}
            value={unit}
            onChange={(u) => {
              // The amount keeps its size: 8 GiB becomes 8192 MiB, not 8 MiB.
              const mib = toMiB(mem, unit);
              setMem(mib === undefined ? mem : u === 'GiB' ? String(mib / 1024) : String(mib));
              setUnit(u);
            }}
          />
        </FieldRow>
      </Field>
      {errors.form && (
        <Alert severity="error" title="Not changed">
          <div>{errors.form}</div>
          {advice && <div>{advice}</div>}
        </Alert>
      )}
      <Modal.ButtonRow>
        <Button variant="secondary" fill="outline" onClick={() => onDone()}>
          Cancel
        </Button>
        <Button
          type="submit"
          disabled={busy}
          icon={busy ? 'spinner' : undefined}
          data-testid={selectors.editHardware.submit}
        >
          {busy ? 'Applying…' : 'Apply'}
        </Button>
      </Modal.ButtonRow>
    </form>
  );
}

/** Edit CPU and memory, showing first what the VM's power state and hot-add settings allow. */
export function EditHardwareModal({
  client,
  vmId,
  vmName,
  onClose,
}: {
  client: VsphereClient;
  vmId: string;
  vmName: string;
  onClose: (updated?: VmDetail) => void;
}) {
  const limits = useAsync(() => client.hardwareLimits(vmId), [client, vmId]);
  return (
    <Modal isOpen title={`Edit hardware of ${vmName}`} onDismiss={() => onClose()}>
      {limits.error ? (
        <ErrorState title="Could not read the hardware limits" error={limits.error} onRetry={limits.reload} />
      ) : !limits.value ? (
        <Loading text="Reading what can change…" />
      ) : (
        <Stack direction="column">
          <Form client={client} vmId={vmId} vmName={vmName} limits={limits.value} onDone={onClose} />
        </Stack>
      )}
    </Modal>
  );
}

const UNITS: Array<{ label: string; value: 'GiB' | 'MiB' }> = [
  { label: 'GiB', value: 'GiB' },
  { label: 'MiB', value: 'MiB' },
];

/** The hot-add list stays inside the dialog's padding (browsers indent lists by 40px by default). */
const getListStyles = (theme: GrafanaTheme2) => ({
  list: css({
    margin: theme.spacing(0, 0, 2, 0),
    paddingLeft: theme.spacing(2.5),
    listStylePosition: 'outside',
    overflowWrap: 'anywhere',
  }),
});
