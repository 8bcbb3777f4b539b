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
import { toApiError, VsphereClient } from '../api/client';
import { errorAdvice } from '../api/errors';
import { usePermission } from '../components/AppContext';
import { AppPage } from '../components/AppPage';
import { ErrorState } from '../components/ErrorState';
import { Loading } from '../components/Loading';
import { formatBytes } from '../components/format';
import { enumText, toMiB } from '../components/labels';
import { useAsync } from '../components/hooks';
import { notifyError, notifySuccess } from '../components/notify';
import { vmUrl } from '../constants';
import { FieldRow } from '../components/FieldRow';
import { selectors } from '../selectors';
import { GuestOsOption, PlacementOptions, VmCreateRequest } from '../types';

/** Longest VM name vCenter accepts. */
export const MAX_NAME_LENGTH = 80;

/** Checks a VM name against vCenter's rules; returns the problem or undefined. */
export function validateVmName(name: string): string | undefined {
  if (name.trim() === '') {
    return 'Enter a name for the VM.';
  }
  if (name !== name.trim()) {
    return 'The name must not start or end with spaces.';
  }
  if ([...name].length > MAX_NAME_LENGTH) {
    return `The name has ${[...name].length} characters; vCenter allows at most ${MAX_NAME_LENGTH}.`;
  }
  const bad = /[/\\%\u0000-\u001f\u007f]/.exec(name);
  if (bad) {
    return `The name must not contain ${bad[0] === '%' || bad[0] === '/' || bad[0] === '\\' ? `"${bad[0]}"` : 'control characters'} (vCenter escapes / \\ and % in names).`;
  }
  return undefined;
}

/** The create form's values as typed. */
export interface CreateForm {
  name: string;
  guestOS: string;
  cpu: string;
  coresPerSocket: string;
  /** Memory amount as typed, in `memoryUnit` (MiB when absent). */
  memoryMiB: string;
  memoryUnit?: 'GiB' | 'MiB';
  diskGiB: string;
  network: string;
  folder: string;
  compute: string; // "cluster:<id>" | "host:<id>" | "pool:<id>"
  datastore: string;
}

/** Field errors of the create form. */
export type CreateErrors = Partial<Record<keyof CreateForm, string>>;

const whole = (s: string) => /^\d+$/.test(s.trim());

/** Validates the whole form; the request is built only when there are no errors. */
export function validateCreate(
  f: CreateForm,
  placement: PlacementOptions
): { errors: CreateErrors; body?: VmCreateRequest } {
  const e: CreateErrors = {};
  const nameErr = validateVmName(f.name);
  if (nameErr) {
    e.name = nameErr;
  }
  if (!f.guestOS) {
    e.guestOS = 'Choose the guest operating system.';
  }
  const cpu = Number(f.cpu);
  if (!whole(f.cpu) || cpu < 1 || cpu > 128) {
    e.cpu = 'Choose 1 to 128 CPUs.';
  }
  const cps = f.coresPerSocket.trim() === '' ? 0 : Number(f.coresPerSocket);
  if (f.coresPerSocket.trim() !== '' && (!whole(f.coresPerSocket) || cps < 1)) {
    e.coresPerSocket = 'Enter a whole number of cores per socket, or leave it empty.';
  } else if (!e.cpu && cps > 0 && cpu % cps !== 0) {
    e.coresPerSocket = `Cores per socket must divide the CPU count (${cpu}).`;
  }
  const mem = toMiB(f.memoryMiB, f.memoryUnit ?? 'MiB') ?? NaN;
  if (!Number.isFinite(mem) || mem < 4 || mem > 6128640) {
    e.memoryMiB = f.memoryUnit === 'GiB' ? 'Choose 0.5 to 5,985 GiB.' : 'Choose 4 to 6,128,640 MiB.';
  } else if (mem % 4 !== 0) {
    e.memoryMiB = 'Memory must be a multiple of 4 MiB.';
  }
  const disk = f.diskGiB.trim() === '' ? 0 : Number(f.diskGiB);
  if (f.diskGiB.trim() !== '' && (!whole(f.diskGiB) || disk < 1 || disk > 62 * 1024)) {
    e.diskGiB = 'Choose 1 to 63,488 GiB, or leave it empty for no disk.';
  }
  if (!f.folder) {
    e.folder = 'Choose the VM folder.';
  }
  if (!f.compute) {
    e.compute = 'Choose a cluster, host or resource pool.';
  }
  const ds = placement.datastores.find((d) => d.id === f.datastore);
  const reach = reachableHosts(f.compute, placement);
  if (!ds) {
    e.datastore = 'Choose a datastore.';
  } else if (!reaches(ds, reach)) {
    e.datastore = `${ds.name} is not mounted on any host of the chosen ${computeWord(f.compute)}: choose another datastore.`;
  } else if (disk > 0 && disk * 1024 ** 3 > ds.freeBytes) {
    e.datastore = `${ds.name} has ${formatBytes(ds.freeBytes)} free, less than the ${disk} GiB disk.`;
  }
  const net = placement.networks.find((n) => n.id === f.network);
  if (net && !reaches(net, reach)) {
    e.network = `${net.name} is not available on any host of the chosen ${computeWord(f.compute)}: choose another network.`;
  }
  if (Object.keys(e).length) {
    return { errors: e };
  }
  const [kind, id] = f.compute.split(/:(.*)/s);
  const body: VmCreateRequest = {
    name: f.name,
    guestOS: f.guestOS,
    cpuCount: cpu,
    memoryMiB: mem,
    placement: { folder: f.folder, datastore: f.datastore },
  };
  if (cps > 0) {
    body.coresPerSocket = cps;
  }
  if (disk > 0) {
    body.diskGiB = disk;
  }
  if (f.network) {
    body.network = f.network;
  }
  if (kind === 'cluster') {
    body.placement.cluster = id;
  } else if (kind === 'host') {
    body.placement.host = id;
  } else {
    body.placement.resourcePool = id;
  }
  return { errors: {}, body };
}

/**
 * Host ids the chosen compute resource can place the VM on: a cluster's hosts, the host itself, or
 * the hosts of a resource pool's cluster. Undefined when nothing is chosen.
 */
export function reachableHosts(compute: string, placement: PlacementOptions): string[] | undefined {
  const [kind, id] = compute.split(/:(.*)/s);
  if (!id) {
    return undefined;
  }
  if (kind === 'host') {
    return [id];
  }
  const cluster = kind === 'cluster' ? id : placement.resourcePools.find((p) => p.id === id)?.cluster;
  return cluster ? placement.hosts.filter((h) => h.cluster === cluster).map((h) => h.id) : undefined;
}

/**
 * Whether a datastore or network can be used from these hosts. Without the backend's `hosts`
 * list (or without a chosen compute resource) nothing is ruled out: vCenter decides.
 */
export function reaches(item: { hosts?: string[] }, reach: string[] | undefined): boolean {
  return !item.hosts || !reach || item.hosts.some((h) => reach.includes(h));
}

function computeWord(compute: string): string {
  return compute.startsWith('host:') ? 'host' : compute.startsWith('pool:') ? "resource pool's cluster" : 'cluster';
}

const UNITS: Array<{ label: string; value: 'GiB' | 'MiB' }> = [
  { label: 'GiB', value: 'GiB' },
  { label: 'MiB', value: 'MiB' },
];

function Form({
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

function CreateBody({ client }: { client: VsphereClient }) {
  const perm = usePermission('create');
  // The choices are only fetched for users who may create, so a Viewer's page sends nothing more.
  const options = useAsync(
    () => (perm.allowed ? Promise.all([client.guestOs(), client.placement()]) : Promise.resolve(undefined)),
    [client, perm.allowed]
  );
  if (!perm.allowed) {
    return perm.reason?.startsWith('Checking') ? (
      <Loading text="Checking your permissions…" />
    ) : (
      <Alert severity="info" title="You cannot create VMs">
        {perm.reason}
      </Alert>
    );
  }
  if (options.error) {
    return (
      <ErrorState title="Could not load the choices for a new VM" error={options.error} onRetry={options.reload} />
    );
  }
  if (!options.value) {
    return <Loading text="Loading guest OS and placement choices…" />;
  }
  return <Form client={client} guestOs={options.value[0]} placement={options.value[1]} />;
}

/** Create VM form. */
export default function CreateVm() {
  return <AppPage subTitle="A new VM on the chosen vCenter">{(client) => <CreateBody client={client} />}</AppPage>;
}
