import React from 'react';
import { Combobox, ComboboxOption, Field, FieldSet } from '@grafana/ui';
import { reachableHosts, reaches } from '../../rules/createVm';
import { ProvisionErrors, ProvisionForm } from '../../rules/provision';
import { selectors } from '../../selectors';
import { PlacementOptions } from '../../types';
import { formatBytes } from '../format';

/**
 * Folder, cluster or host, and datastore of a clone or deploy. Only datastores the chosen cluster
 * or host mounts are offered (as in the blank form). With `optional`, anything left empty is the
 * source's (vCenter's clone rule); `fixedCompute` hides the compute choice (an instant clone runs
 * on its source's host).
 */
export function PlacementFields({
  placement,
  f,
  errors,
  onChange,
  optional,
  fixedCompute,
}: {
  placement: PlacementOptions;
  f: ProvisionForm;
  errors: ProvisionErrors;
  onChange: (patch: Partial<ProvisionForm>) => void;
  optional: boolean;
  fixedCompute?: string;
}) {
  const same = optional ? 'Same as the source' : undefined;
  const computeOptions = [
    ...placement.clusters.map((c) => ({ label: `Cluster ${c.name}`, value: `cluster:${c.id}` })),
    ...placement.hosts.map((h) => ({ label: `Host ${h.name}`, value: `host:${h.id}` })),
  ];
  const reach = reachableHosts(f.compute, placement);
  const dsOptions = placement.datastores
    .filter((d) => reaches(d, reach))
    .map((d) => ({
      label: `${d.name} — ${formatBytes(d.freeBytes)} free of ${formatBytes(d.capacityBytes)}`,
      value: d.id,
      description: d.type,
    }));
  const setCompute = (compute: string) => {
    const ds = placement.datastores.find((d) => d.id === f.datastore);
    onChange({ compute, datastore: ds && reaches(ds, reachableHosts(compute, placement)) ? f.datastore : '' });
  };
  return (
    <FieldSet label="Placement">
      <div data-testid={selectors.newVm.folder}>
        <Field label="Folder" invalid={!!errors.folder} error={errors.folder}>
          <Combobox
            aria-label="Folder"
            width={50}
            isClearable={optional}
            placeholder={same ?? 'Choose a folder'}
            options={placement.folders.map((x) => ({ label: x.name, value: x.id }))}
            value={f.folder || null}
            onChange={(o: ComboboxOption<string> | null) => onChange({ folder: o?.value ?? '' })}
          />
        </Field>
      </div>
      {fixedCompute ? (
        <Field label="Host">
          <span>{fixedCompute}</span>
        </Field>
      ) : (
        <div data-testid={selectors.newVm.compute}>
          <Field label="Cluster or host" invalid={!!errors.compute} error={errors.compute}>
            <Combobox
              aria-label="Cluster or host"
              width={50}
              isClearable={optional}
              placeholder={same ?? 'Choose a cluster or host'}
              options={computeOptions}
              value={f.compute || null}
              onChange={(o: ComboboxOption<string> | null) => setCompute(o?.value ?? '')}
            />
          </Field>
        </div>
      )}
      <div data-testid={selectors.newVm.datastore}>
        <Field
          label="Datastore"
          description={
            optional ? 'Empty = the source’s datastore' : 'Empty = the template’s datastore; free space shown'
          }
          invalid={!!errors.datastore}
          error={errors.datastore}
        >
          <Combobox
            aria-label="Datastore"
            width={70}
            isClearable
            placeholder={optional ? 'Same as the source' : 'Same as the template'}
            options={dsOptions}
            value={f.datastore || null}
            onChange={(o) => onChange({ datastore: o?.value ?? '' })}
          />
        </Field>
      </div>
    </FieldSet>
  );
}
