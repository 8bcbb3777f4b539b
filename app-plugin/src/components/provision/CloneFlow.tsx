import React, { useState } from 'react';
import { ComboboxOption, Field, FieldSet } from '@grafana/ui';
import { VsphereClient } from '../../api/client';
import { selectors } from '../../selectors';
import { GuestOsOption, PlacementOptions } from '../../types';
import { ErrorState } from '../ErrorState';
import { useAsync } from '../hooks';
import { useUrlState } from '../useUrlState';
import { Loading } from '../Loading';
import { ProvisionWizard } from './ProvisionWizard';
import { VmPicker } from './VmPicker';

/** Clone from VM: pick the source by name, then the shared provisioning form for it. */
export function CloneFlow({
  client,
  placement,
  guestOs,
  pollMs,
}: {
  client: VsphereClient;
  placement: PlacementOptions;
  guestOs: GuestOsOption[];
  pollMs?: number;
}) {
  // `?source=<vm id>` (the VM page's Clone button) preselects the source.
  const [url] = useUrlState({ source: '' });
  const [source, setSource] = useState<ComboboxOption<string> | null>(() =>
    url.source ? { value: url.source, label: url.source } : null
  );
  const [locked, setLocked] = useState(false);
  const vm = useAsync(() => (source ? client.vm(source.value) : Promise.resolve(undefined)), [client, source?.value]);
  const shown = source && vm.value?.id === source.value ? { value: source.value, label: vm.value.name } : source;
  return (
    <>
      <FieldSet label="Source VM">
        {locked ? (
          <p>{shown?.label}</p>
        ) : (
          <div data-testid={selectors.newVm.source}>
            <Field label="VM to clone" description="Type to search by name">
              <VmPicker client={client} value={shown} onChange={setSource} label="VM to clone" />
            </Field>
          </div>
        )}
      </FieldSet>
      {source &&
        (vm.error ? (
          <ErrorState title={`Could not read ${source.label}`} error={vm.error} onRetry={vm.reload} />
        ) : !vm.value || vm.value.id !== source.value ? (
          <Loading text={`Reading ${source.label}…`} />
        ) : (
          <ProvisionWizard
            key={vm.value.id}
            client={client}
            placement={placement}
            pollMs={pollMs}
            onStep={(step) => setLocked(step !== 'form')}
            target={{ kind: 'clone', vm: vm.value, family: guestOs.find((g) => g.id === vm.value!.guestOS)?.family }}
          />
        ))}
    </>
  );
}
