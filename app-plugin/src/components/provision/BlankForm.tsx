import React, { useMemo, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import {
  Alert,
  Button,
  Combobox,
  ComboboxOption,
  Field,
  FieldSet,
  Input,
  LoadingPlaceholder,
  RadioButtonGroup,
  Stack,
} from '@grafana/ui';
import { toApiError, VsphereClient } from '../../api/client';
import { errorAdvice } from '../../api/errors';
import { formatBytes } from '../format';
import { enumText, toMiB } from '../labels';
import { notifyError, notifySuccess } from '../notify';
import { vmUrl } from '../../constants';
import { FieldRow } from '../FieldRow';
import { selectors } from '../../selectors';
import { GuestOsOption, PlacementOptions } from '../../types';
import { CreateErrors, CreateForm, reachableHosts, reaches, validateCreate } from '../../rules/createVm';

const UNITS: Array<{ label: string; value: 'GiB' | 'MiB' }> = [
  { label: 'GiB', value: 'GiB' },
  { label: 'MiB', value: 'MiB' },
];

/** Blank VM: the empty VM form (name, guest OS, hardware, network, placement). */
export function BlankForm({
  client,
  guestOs,
  placement,
}: {
  client: VsphereClient;
  guestOs: GuestOsOption[];
  placement: PlacementOptions;
}) {
  const navigate = useNavigate();
  const [f, setF] = useState<CreateForm>({
    name: '',
    guestOS: '',
    cpu: '2',
    coresPerSocket: '',
    memoryMiB: '4',
    memoryUnit: 'GiB',
    diskGiB: '40',
    network:
      placement.networks.find((n) =>
        reaches(n, reachableHosts(placement.clusters[0] ? `cluster:${placement.clusters[0].id}` : '', placement))
      )?.id ?? '',
    folder: placement.folders[0]?.id ?? '',
    compute: placement.clusters[0] ? `cluster:${placement.clusters[0].id}` : '',
    datastore: '',
  });
  const [errors, setErrors] = useState<CreateErrors>({});
  const [formError, setFormError] = useState<string | undefined>();
  const [advice, setAdvice] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const set = (k: keyof CreateForm) => (v: string) => setF((old) => ({ ...old, [k]: v }));

  const osOptions = useMemo<Array<ComboboxOption<string>>>(
    () => guestOs.map((o) => ({ label: o.name, value: o.id, description: enumText(o.family) })),
    [guestOs]
  );
  const computeOptions: Array<ComboboxOption<string>> = [
    ...placement.clusters.map((c) => ({ label: `Cluster ${c.name}`, value: `cluster:${c.id}` })),
    ...placement.hosts.map((h) => ({ label: `Host ${h.name}`, value: `host:${h.id}` })),
    ...placement.resourcePools.map((p) => ({ label: `Resource pool ${p.name}`, value: `pool:${p.id}` })),
  ];
  const reach = reachableHosts(f.compute, placement);
  const known = placement.datastores.some((d) => d.hosts) || placement.networks.some((n) => n.hosts);
  const dsOptions = placement.datastores
    .filter((d) => reaches(d, reach))
    .map((d) => ({
      label: `${d.name} — ${formatBytes(d.freeBytes)} free of ${formatBytes(d.capacityBytes)}`,
      value: d.id,
      description: d.type,
    }));
  const netOptions = placement.networks
    .filter((n) => reaches(n, reach))
    .map((n) => ({ label: n.name, value: n.id, description: enumText(n.type) }));
  /** A new compute resource drops a datastore or network it cannot reach. */
  const setCompute = (compute: string) => {
    const r = reachableHosts(compute, placement);
    setF((old) => {
      const ds = placement.datastores.find((d) => d.id === old.datastore);
      const net = placement.networks.find((n) => n.id === old.network);
      return {
        ...old,
        compute,
        datastore: ds && reaches(ds, r) ? old.datastore : '',
        network: net && !reaches(net, r) ? '' : old.network,
      };
    });
  };

  const submit = async () => {
    const v = validateCreate(f, placement);
    setErrors(v.errors);
    setFormError(undefined);
    setAdvice(undefined);
    if (!v.body) {
      return;
    }
    setBusy(true);
    try {
      const res = await client.createVm(v.body);
      notifySuccess(`${res.name} created`);
      navigate(vmUrl(res.id));
    } catch (e) {
      const err = toApiError(e);
      setFormError(err.message);
      setAdvice(errorAdvice(err));
      notifyError(`Could not create ${f.name}`, err.message);
    } finally {
      setBusy(false);
    }
  };

  const field = (k: keyof CreateForm) => ({ invalid: !!errors[k], error: errors[k] });
  /** A number input with its label, hint and the validation message next to it. */
  const numberField = (k: keyof CreateForm, label: string, description: string, id: string, testId: string) => (
    <Field label={label} description={description} {...field(k)}>
      <Input
        id={id}
        type="number"
        width={16}
        value={f[k]}
        onChange={(e) => set(k)(e.currentTarget.value)}
        data-testid={testId}
      />
    </Field>
  );
  return (
    <form
      data-testid={selectors.createVm.form}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <FieldSet label="Virtual machine">
        <Field label="Name" description="Up to 80 characters, no / \ or %" {...field('name')}>
          <Input
            id="create-name"
            width={50}
            value={f.name}
            onChange={(e) => set('name')(e.currentTarget.value)}
            data-testid={selectors.createVm.name}
          />
        </Field>
        <div data-testid={selectors.createVm.guestOs}>
          <Field label="Guest OS" description="Type to search" {...field('guestOS')}>
            <Combobox
              id="create-guest-os"
              aria-label="Guest OS"
              width={50}
              options={osOptions}
              value={f.guestOS || null}
              placeholder="Search guest OS"
              onChange={(o) => set('guestOS')(o?.value ?? '')}
            />
          </Field>
        </div>
      </FieldSet>
      <FieldSet label="Hardware">
        <Stack direction="row" gap={2} wrap="wrap">
          {numberField('cpu', 'CPUs', '1–128', 'create-cpu', selectors.createVm.cpu)}
          {numberField(
            'coresPerSocket',
            'Cores per socket',
            'Optional; divides CPUs',
            'create-cps',
            selectors.createVm.coresPerSocket
          )}
          <Field label="Memory" description="A multiple of 4 MiB" {...field('memoryMiB')}>
            <FieldRow>
              <Input
                id="create-mem"
                type="number"
                step="any"
                width={12}
                value={f.memoryMiB}
                onChange={(e) => set('memoryMiB')(e.currentTarget.value)}
                data-testid={selectors.createVm.memory}
              />
              <RadioButtonGroup
                aria-label="Memory unit"
                options={UNITS}
                value={f.memoryUnit ?? 'MiB'}
                onChange={(u) =>
                  setF((old) => {
                    // The size stays: 4 GiB becomes 4096 MiB.
                    const mib = toMiB(old.memoryMiB, old.memoryUnit ?? 'MiB');
                    const amount = mib === undefined ? old.memoryMiB : u === 'GiB' ? String(mib / 1024) : String(mib);
                    return { ...old, memoryUnit: u, memoryMiB: amount };
                  })
                }
              />
            </FieldRow>
          </Field>
          {numberField('diskGiB', 'Disk (GiB)', 'Empty = no disk', 'create-disk', selectors.createVm.disk)}
        </Stack>
        <div data-testid={selectors.createVm.network}>
          <Field label="Network" {...field('network')}>
            <Combobox
              aria-label="Network"
              width={50}
              isClearable
              options={netOptions}
              value={f.network || null}
              placeholder="No network"
              onChange={(o) => set('network')(o?.value ?? '')}
            />
          </Field>
        </div>
      </FieldSet>
      <FieldSet label="Placement">
        <div data-testid={selectors.createVm.folder}>
          <Field label="Folder" {...field('folder')}>
            <Combobox
              aria-label="Folder"
              width={50}
              options={placement.folders.map((x) => ({ label: x.name, value: x.id }))}
              value={f.folder || null}
              onChange={(o) => set('folder')(o?.value ?? '')}
            />
          </Field>
        </div>
        <div data-testid={selectors.createVm.compute}>
          <Field label="Cluster, host or resource pool" {...field('compute')}>
            <Combobox
              aria-label="Compute resource"
              width={50}
              options={computeOptions}
              value={f.compute || null}
              onChange={(o) => setCompute(o?.value ?? '')}
            />
          </Field>
        </div>
        <div data-testid={selectors.createVm.datastore}>
          <Field
            label="Datastore"
            description={
              known
                ? 'Only datastores the chosen cluster or host mounts; free space shown'
                : 'Free space shown; vCenter checks that the chosen cluster or host mounts it'
            }
            {...field('datastore')}
          >
            <Combobox
              aria-label="Datastore"
              width={70}
              options={dsOptions}
              value={f.datastore || null}
              placeholder="Choose a datastore"
              onChange={(o) => set('datastore')(o?.value ?? '')}
            />
          </Field>
        </div>
      </FieldSet>
      {Object.keys(errors).length > 0 && (
        <Alert severity="error" title="Check the form">
          {Object.keys(errors).length} field(s) need attention; nothing was sent.
        </Alert>
      )}
      {formError && (
        <Alert severity="error" title="vCenter did not create the VM">
          <div>{formError}</div>
          {advice && <div>{advice}</div>}
        </Alert>
      )}
      {busy && (
        <div data-testid={selectors.createVm.progress} aria-live="polite">
          <LoadingPlaceholder text="vCenter is creating the VM…" />
        </div>
      )}
      <Button type="submit" disabled={busy} icon={busy ? 'spinner' : 'plus'} data-testid={selectors.createVm.submit}>
        {busy ? 'Creating…' : 'Create VM'}
      </Button>
    </form>
  );
}
