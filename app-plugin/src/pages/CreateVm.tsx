import React from 'react';
import { Alert, RadioButtonGroup, Stack } from '@grafana/ui';
import { VsphereClient } from '../api/client';
import { usePermission } from '../components/AppContext';
import { AppPage } from '../components/AppPage';
import { ErrorState } from '../components/ErrorState';
import { Loading } from '../components/Loading';
import { useAsync } from '../components/hooks';
import { BlankForm } from '../components/provision/BlankForm';
import { CloneFlow } from '../components/provision/CloneFlow';
import { TemplateFlow } from '../components/provision/TemplateFlow';
import { useUrlState } from '../components/useUrlState';
import { selectors } from '../selectors';

type Mode = 'blank' | 'clone' | 'template';

const MODES: Array<{ label: string; value: Mode; description: string; icon: string }> = [
  { label: 'Blank', value: 'blank', description: 'An empty VM: choose guest OS and hardware', icon: 'file-blank' },
  { label: 'Clone from VM', value: 'clone', description: 'A copy of an existing VM', icon: 'copy' },
  {
    label: 'From template',
    value: 'template',
    description: 'A VM template or OVF package of a content library',
    icon: 'book',
  },
];

function CreateBody({ client, pollMs }: { client: VsphereClient; pollMs?: number }) {
  const create = usePermission('create');
  const clone = usePermission('clone');
  // The way is in the URL (`?how=clone`), so a link can open the clone or template form directly.
  const [url, setUrl] = useUrlState({ how: '' });
  const urlMode = url.how;
  const fallback: Mode = create.allowed || !clone.allowed ? 'blank' : 'clone';
  const mode: Mode = MODES.some((m) => m.value === urlMode) ? (urlMode as Mode) : fallback;
  const perm = mode === 'blank' ? create : clone;
  const any = create.allowed || clone.allowed;
  // The choices are only fetched for users who may create or clone, so a Viewer's page sends nothing more.
  const options = useAsync(
    () => (any ? Promise.all([client.guestOs(), client.placement()]) : Promise.resolve(undefined)),
    [client, any]
  );
  if (!any) {
    return create.reason?.startsWith('Checking') ? (
      <Loading text="Checking your permissions…" />
    ) : (
      <Alert severity="info" title="You cannot create VMs">
        {create.reason} {clone.reason}
      </Alert>
    );
  }
  const disabled = MODES.filter((m) => !(m.value === 'blank' ? create : clone).allowed).map((m) => m.value);
  return (
    <Stack direction="column" gap={2}>
      <RadioButtonGroup
        aria-label="How to create the VM"
        data-testid={selectors.newVm.mode}
        options={MODES}
        disabledOptions={disabled}
        value={mode}
        onChange={(m) => setUrl({ how: m })}
      />
      <p>{MODES.find((m) => m.value === mode)?.description}</p>
      {!perm.allowed ? (
        <Alert severity="info" title="Not allowed">
          {perm.reason}
        </Alert>
      ) : options.error ? (
        <ErrorState title="Could not load the choices for a new VM" error={options.error} onRetry={options.reload} />
      ) : !options.value ? (
        <Loading text="Loading guest OS and placement choices…" />
      ) : mode === 'blank' ? (
        <BlankForm client={client} guestOs={options.value[0]} placement={options.value[1]} />
      ) : mode === 'clone' ? (
        <CloneFlow client={client} guestOs={options.value[0]} placement={options.value[1]} pollMs={pollMs} />
      ) : (
        <TemplateFlow client={client} placement={options.value[1]} pollMs={pollMs} />
      )}
    </Stack>
  );
}

/** New VM: blank, cloned from a VM, or deployed from a content library item. */
export default function CreateVm({ pollMs }: { pollMs?: number }) {
  return (
    <AppPage subTitle="A new VM on the chosen vCenter">
      {(client) => <CreateBody client={client} pollMs={pollMs} />}
    </AppPage>
  );
}
