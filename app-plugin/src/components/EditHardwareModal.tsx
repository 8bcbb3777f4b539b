import React, { useState } from 'react';
import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { Alert, Button, Field, Input, Modal, RadioButtonGroup, Stack, useStyles2 } from '@grafana/ui';
import { toApiError, VsphereClient } from '../api/client';
import { errorAdvice } from '../api/errors';
import { selectors } from '../selectors';
import { FieldRow } from './FieldRow';
import { HardwareLimits, VmDetail } from '../types';
import { fromMiB, toMiB } from './labels';
import { validateHardware } from '../rules/hardware';
import { ErrorState } from './ErrorState';
import { getStyles } from './styles';
import { Loading } from './Loading';
import { formatMiB } from './format';
import { useAsync } from './hooks';
import { notifyError, notifySuccess } from './notify';

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
