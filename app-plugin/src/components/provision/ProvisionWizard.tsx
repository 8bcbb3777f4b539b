import React, { useCallback, useMemo, useState } from 'react';
import { Alert, Button, Checkbox, Field, FieldSet, Input, Stack } from '@grafana/ui';
import { ApiError, toApiError, VsphereClient } from '../../api/client';
import { isUnsupported } from '../../api/errors';
import {
  cloneRequest,
  datacenterOf,
  deployRequest,
  MAX_COUNT,
  PlannedVm,
  placementIn,
  planProvision,
  ProvisionErrors,
  ProvisionForm,
  validateOvf,
} from '../../rules/provision';
import { selectors } from '../../selectors';
import { LibraryItem, OvfInfo, PlacementOptions, VmDetail } from '../../types';
import { useAsync } from '../hooks';
import { guestOsText } from '../labels';
import { CustomizationFields } from './CustomizationFields';
import { OvfFields } from './OvfFields';
import { PlacementFields } from './PlacementFields';
import { ProvisionJob, ProvisionProgress } from './ProvisionProgress';
import { ProvisionSummary } from './ProvisionSummary';

/** What the new VMs are made from. */
export type ProvisionTarget =
  { kind: 'clone'; vm: VmDetail; family?: string } | { kind: 'template'; item: LibraryItem };

/** A 404 of an older backend in words; any other error unchanged. */
function unsupportedAs(what: string) {
  return (e: unknown): never => {
    const err = toApiError(e);
    throw isUnsupported(err)
      ? new ApiError(err.code, `${what} is not available on this data source.`, err.status)
      : err;
  };
}

/**
 * The Clone and From-template flow: count, names, placement, power, customization (and an OVF
 * package's EULAs and networks), then a summary, then one progress bar per VM.
 */
export function ProvisionWizard({
  client,
  placement,
  target,
  pollMs,
  onStep,
}: {
  client: VsphereClient;
  placement: PlacementOptions;
  target: ProvisionTarget;
  pollMs?: number;
  /** Told when the flow moves between the form, the summary and the progress. */
  onStep?: (step: 'form' | 'summary' | 'progress') => void;
}) {
  const isClone = target.kind === 'clone';
  const item = target.kind === 'template' ? target.item : undefined;
  const isOvf = item?.type === 'ovf';
  const [f, setF] = useState<ProvisionForm>(() => ({
    namePattern: isClone ? `${target.vm.name}-clone` : '',
    count: '1',
    // A template's first choices: the first cluster and a folder of its datacenter.
    folder: isClone ? '' : (placementIn(placement, placement.clusters[0]?.datacenter).folders[0]?.id ?? ''),
    compute: isClone ? '' : placement.clusters[0] ? `cluster:${placement.clusters[0].id}` : '',
    datastore: '',
    powerOn: true,
    spec: '',
    hostNamePattern: '',
    ipMode: 'spec',
    ip: { address: '', prefix: '24', gateway: '' },
  }));
  const [instant, setInstant] = useState(false);
  const [errors, setErrors] = useState<ProvisionErrors>({});
  const [step, setStepState] = useState<'form' | 'summary' | 'progress'>('form');
  const setStep = (next: 'form' | 'summary' | 'progress') => {
    setStepState(next);
    onStep?.(next);
  };
  const [plan, setPlan] = useState<PlannedVm[]>([]);
  const [jobs, setJobs] = useState<ProvisionJob[]>([]);
  const [ovf, setOvf] = useState<{ accept: boolean; mappings: Record<string, string> }>({
    accept: false,
    mappings: {},
  });
  const [ovfInfo, setOvfInfo] = useState<OvfInfo | undefined>();
  const onOvfInfo = useCallback((i: OvfInfo | undefined) => setOvfInfo(i), []);
  const specs = useAsync(() => client.customizationSpecs(), [client]);
  // Every part in one datacenter: a clone's is its source's; a deploy's is the chosen cluster's or
  // host's (or folder's). A folder of another datacenter is dropped when the compute choice moves.
  const dcOf = (x: ProvisionForm) =>
    target.kind === 'clone' ? target.vm.datacenter || undefined : datacenterOf(placement, x.compute, x.folder);
  const patch = (p: Partial<ProvisionForm>) =>
    setF((old) => {
      const next = { ...old, ...p };
      const dc = datacenterOf(placement, next.compute, '');
      const folder = placement.folders.find((x) => x.id === next.folder);
      return dc && folder?.datacenter && folder.datacenter !== dc ? { ...next, folder: '' } : next;
    });
  const scoped = placementIn(placement, dcOf(f));

  const family = isClone ? target.family : item?.guestFamily;
  const needBytes = isClone ? target.vm.disks.reduce((s, d) => s + d.capacityBytes, 0) : item?.diskBytes;
  const running = isClone && target.vm.powerState === 'POWERED_ON';
  const kind = isClone ? (instant && running ? 'instant' : 'clone') : 'template';
  // An instant clone keeps the source's guest state; an OVF package's guest is known only after the
  // deploy (docs/contracts.md §3 "Guest customization"): neither takes a customization.
  const customizable = kind !== 'instant' && !isOvf;
  const sourceText = isClone
    ? `${kind === 'instant' ? 'instant clones' : 'clones'} of ${target.vm.name}`
    : `from the ${isOvf ? 'OVF package' : 'template'} ${item!.name}`;
  const ovfLines = useMemo(() => {
    if (!isOvf || !ovfInfo) {
      return [];
    }
    const lines: string[] = [];
    if (ovfInfo.eulas.length) {
      lines.push('The package’s license agreement is accepted.');
    }
    for (const n of ovfInfo.networks) {
      lines.push(`The package’s network “${n}” is ${placement.networks.find((x) => x.id === ovf.mappings[n])?.name}.`);
    }
    return lines;
  }, [isOvf, ovfInfo, ovf.mappings, placement.networks]);

  const review = () => {
    const r = planProvision(customizable ? f : { ...f, spec: '' }, { kind, family, needBytes }, scoped);
    const e: ProvisionErrors = { ...r.errors };
    if (isOvf) {
      const ovfErr = ovfInfo
        ? validateOvf(ovfInfo, ovf.accept, ovf.mappings)
        : 'The OVF package’s requirements could not be read; it cannot be deployed.';
      if (ovfErr) {
        e.ovf = ovfErr;
      }
    }
    setErrors(e);
    if (r.plan && !e.ovf) {
      setPlan(r.plan);
      setStep('summary');
    }
  };

  const submit = () => {
    setJobs(
      plan.map((vm) => ({
        name: vm.name,
        start: () =>
          kind === 'instant'
            ? client
                .instantCloneVm(target.kind === 'clone' ? target.vm.id : '', cloneRequest(f, vm, true))
                .then((d) => ({ vm: d.id }), unsupportedAs('Instant clone'))
            : target.kind === 'clone'
              ? client.cloneVm(target.vm.id, cloneRequest(f, vm, false)).catch(unsupportedAs('Cloning'))
              : isOvf
                ? client
                    .deployOvf(
                      target.item.id,
                      deployRequest(f, vm, { acceptEula: ovf.accept, networkMappings: ovf.mappings })
                    )
                    .then((d) => ({ vm: d.id }), unsupportedAs('Deploying an OVF package'))
                : client
                    .deployTemplate(target.item.id, deployRequest(f, vm))
                    .catch(unsupportedAs('Deploying from a library item')),
      }))
    );
    setStep('progress');
  };

  if (step === 'progress') {
    return <ProvisionProgress client={client} jobs={jobs} pollMs={pollMs} />;
  }
  if (step === 'summary') {
    return (
      <Stack direction="column" gap={2}>
        <ProvisionSummary
          plan={plan}
          f={f}
          placement={placement}
          source={sourceText}
          fromWhat={isClone ? 'source' : 'template'}
          extra={[
            ...ovfLines,
            ...(kind === 'instant' ? ['An instant clone shares the running source’s memory and disks at first.'] : []),
          ]}
          fixedHost={kind === 'instant' ? `host ${target.kind === 'clone' ? target.vm.hostName : ''}` : undefined}
        />
        <Stack direction="row" gap={1}>
          <Button
            variant="secondary"
            icon="arrow-left"
            onClick={() => setStep('form')}
            data-testid={selectors.newVm.back}
          >
            Back
          </Button>
          <Button icon="plus" onClick={submit} data-testid={selectors.newVm.submit}>
            {plan.length === 1 ? `Create ${plan[0].name}` : `Create ${plan.length} VMs`}
          </Button>
        </Stack>
      </Stack>
    );
  }
  const many = Number(f.count) > 1;
  return (
    <form
      data-testid={selectors.newVm.form}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        review();
      }}
    >
      <FieldSet label="New VMs">
        {item && (
          <p>
            {isOvf ? 'OVF package' : 'VM template'} {item.name}
            {item.guestName || item.guestOS ? ` — ${item.guestName || guestOsText(item.guestOS)}` : ''}
          </p>
        )}
        <Stack direction="row" gap={2} wrap="wrap">
          <Field label="How many" description={`1 to ${MAX_COUNT}`} invalid={!!errors.count} error={errors.count}>
            <Input
              type="number"
              width={10}
              min={1}
              max={MAX_COUNT}
              value={f.count}
              onChange={(e) => patch({ count: e.currentTarget.value })}
              data-testid={selectors.newVm.count}
            />
          </Field>
          <Field
            label={many ? 'Name pattern' : 'Name'}
            description={many ? '## is the number: web-## → web-01, web-02, …' : 'Up to 80 characters, no / \\ or %'}
            invalid={!!errors.namePattern}
            error={errors.namePattern}
          >
            <Input
              width={40}
              value={f.namePattern}
              placeholder={many ? 'web-##' : 'web-01'}
              onChange={(e) => patch({ namePattern: e.currentTarget.value })}
              data-testid={selectors.newVm.name}
            />
          </Field>
        </Stack>
        {running && (
          <Checkbox
            data-testid={selectors.newVm.instant}
            label="Instant clone"
            description="The source is running: the clone starts at once from its memory state on the same host (no guest customization)"
            value={instant}
            onChange={(e) => setInstant(e.currentTarget.checked)}
          />
        )}
        {kind !== 'instant' && (
          <Checkbox
            data-testid={selectors.newVm.powerOn}
            label="Power on when ready"
            value={f.powerOn}
            onChange={(e) => patch({ powerOn: e.currentTarget.checked })}
          />
        )}
      </FieldSet>
      <PlacementFields
        placement={scoped}
        // An instant clone runs on the source's host: only datastores that host mounts are offered.
        f={kind === 'instant' && target.kind === 'clone' ? { ...f, compute: `host:${target.vm.host}` } : f}
        errors={errors}
        onChange={patch}
        optional={isClone}
        fixedCompute={
          kind === 'instant' && target.kind === 'clone' ? `${target.vm.hostName} (the source's host)` : undefined
        }
      />
      {isOvf && item && (
        <OvfFields
          client={client}
          item={item}
          folder={f.folder}
          compute={f.compute}
          networks={scoped.networks}
          acceptEula={ovf.accept}
          mappings={ovf.mappings}
          onChange={(accept, mappings) => setOvf({ accept, mappings })}
          onInfo={onOvfInfo}
          error={errors.ovf}
        />
      )}
      {isOvf && <p>OVF packages are deployed without guest customization; customize the VM afterwards.</p>}
      {customizable &&
        (specs.error ? (
          <Alert severity="warning" title="No guest customization">
            The stored customization specs could not be read: {specs.error.message}
          </Alert>
        ) : (
          <CustomizationFields
            specs={specs.value ?? []}
            family={family}
            f={f}
            count={f.count}
            errors={errors}
            onChange={patch}
          />
        ))}
      {Object.keys(errors).length > 0 && (
        <Alert severity="error" title="Check the form">
          {errors.ovf ?? `${Object.keys(errors).length} field(s) need attention; nothing was sent.`}
        </Alert>
      )}
      <Button type="submit" icon="arrow-right" data-testid={selectors.newVm.review}>
        Review
      </Button>
    </form>
  );
}
