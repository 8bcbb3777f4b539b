import React, { useState } from 'react';
import { Button, FieldSet } from '@grafana/ui';
import { VsphereClient } from '../../api/client';
import { selectors } from '../../selectors';
import { LibraryItem, PlacementOptions } from '../../types';
import { DataTable } from '../DataTable';
import { Empty } from '../Empty';
import { ErrorState } from '../ErrorState';
import { formatBytes, formatMiB } from '../format';
import { useAsync } from '../hooks';
import { guestOsText } from '../labels';
import { Loading } from '../Loading';
import { ProvisionWizard } from './ProvisionWizard';

/** From template: the content libraries' VM templates and OVF packages, then the provisioning form. */
export function TemplateFlow({
  client,
  placement,
  pollMs,
}: {
  client: VsphereClient;
  placement: PlacementOptions;
  pollMs?: number;
}) {
  const items = useAsync(() => client.templates(), [client]);
  const [chosen, setChosen] = useState<LibraryItem | undefined>();
  // Past the form (summary, progress) the choice is fixed.
  const [locked, setLocked] = useState(false);
  if (items.error) {
    return <ErrorState title="Could not read the content libraries" error={items.error} onRetry={items.reload} />;
  }
  if (!items.value) {
    return <Loading text="Reading the content libraries…" />;
  }
  if (items.value.length === 0) {
    return <Empty message="The content libraries of this vCenter hold no VM templates or OVF packages." />;
  }
  return (
    <>
      <FieldSet label="Template">
        <DataTable
          label="Templates"
          testId={selectors.newVm.templates}
          rows={locked && chosen ? [chosen] : items.value}
          rowKey={(t) => t.id}
          rowTestId={(t) => selectors.newVm.template(t.id)}
          columns={[
            { id: 'name', header: 'Name', rowHeader: true, cell: (t) => t.name },
            { id: 'type', header: 'Kind', cell: (t) => (t.type === 'ovf' ? 'OVF package' : 'VM template') },
            { id: 'os', header: 'Guest OS', cell: (t) => t.guestName || (t.guestOS ? guestOsText(t.guestOS) : '—') },
            { id: 'cpu', header: 'CPUs', numeric: true, cell: (t) => t.cpuCount ?? '—' },
            { id: 'mem', header: 'Memory', numeric: true, cell: (t) => formatMiB(t.memoryMiB) },
            {
              id: 'disk',
              header: 'Disk',
              numeric: true,
              cell: (t) =>
                t.diskBytes !== undefined
                  ? formatBytes(t.diskBytes)
                  : t.sizeBytes !== undefined
                    ? `${formatBytes(t.sizeBytes)} package`
                    : '—',
            },
            { id: 'lib', header: 'Library', cell: (t) => t.libraryName || '—' },
            {
              id: 'pick',
              header: '',
              cell: (t) => (
                <Button
                  size="sm"
                  disabled={locked}
                  variant={chosen?.id === t.id ? 'primary' : 'secondary'}
                  aria-pressed={chosen?.id === t.id}
                  aria-label={`Use ${t.name}`}
                  onClick={() => setChosen(t)}
                >
                  {chosen?.id === t.id ? 'Chosen' : 'Use'}
                </Button>
              ),
            },
          ]}
        />
      </FieldSet>
      {chosen && (
        <ProvisionWizard
          key={chosen.id}
          client={client}
          placement={placement}
          pollMs={pollMs}
          onStep={(step) => setLocked(step !== 'form')}
          target={{ kind: 'template', item: chosen }}
        />
      )}
    </>
  );
}
