import React from 'react';
import { Combobox, Field, RadioButtonGroup } from '@grafana/ui';
import { datastoreChoices, DiskMode, isCurrentHost, keepsDatastores, MigrateChoice } from '../../rules/migrate';
import { selectors } from '../../selectors';
import { MigrateDatastore, MigrateHost, MigrateOptions } from '../../types';
import { formatBytes } from '../format';

function option(d: MigrateDatastore) {
  return {
    label: `${d.name} — ${formatBytes(d.freeBytes)} free of ${formatBytes(d.capacityBytes)}`,
    value: d.id,
    description: d.type,
  };
}

/**
 * Where the VM's disks go on the chosen host: they stay (when the host mounts their datastores),
 * all move to one datastore, or each disk to its own; only datastores the host mounts and where
 * they fit are offered.
 */
export function DiskPlacement({
  options,
  host,
  choice,
  onChange,
}: {
  options: MigrateOptions;
  host: MigrateHost;
  choice: MigrateChoice;
  onChange: (patch: Partial<MigrateChoice>) => void;
}) {
  // On the VM's own host only the disks can move.
  const own = isCurrentHost(options, host);
  const keeps = !own && keepsDatastores(options, host);
  const modes: Array<{ label: string; value: DiskMode; description: string }> = [
    {
      label: 'Keep current',
      value: 'keep',
      description: own
        ? `The VM already runs on ${host.name}: the disks have to move`
        : keeps
          ? 'The disks stay on their datastores (vMotion only)'
          : `${host.name} does not mount the VM's datastores`,
    },
    { label: 'Move all', value: 'all', description: 'All disks to one datastore (Storage vMotion too)' },
    { label: 'Per disk', value: 'perDisk', description: 'A datastore for each disk' },
  ];
  const all = datastoreChoices(options, host);
  return (
    <>
      <Field label="Disks" description={modes.find((m) => m.value === choice.mode)?.description}>
        <RadioButtonGroup<DiskMode>
          aria-label="Where the disks go"
          data-testid={selectors.migrate.diskMode}
          options={modes}
          disabledOptions={keeps ? [] : ['keep']}
          value={choice.mode}
          onChange={(mode) => onChange({ mode })}
        />
      </Field>
      {choice.mode === 'all' && (
        <div data-testid={selectors.migrate.datastore}>
          <Field
            label="Datastore"
            description={
              all.length
                ? `Datastores ${host.name} mounts with room for the VM's disks`
                : `No datastore of ${host.name} has room for the VM's disks`
            }
          >
            <Combobox
              aria-label="Datastore for all disks"
              width={60}
              options={all.map(option)}
              value={choice.datastore || null}
              placeholder="Choose a datastore"
              onChange={(o) => onChange({ datastore: o?.value ?? '' })}
            />
          </Field>
        </div>
      )}
      {choice.mode === 'perDisk' &&
        options.vm.disks.map((d) => (
          <div key={d.key} data-testid={selectors.migrate.disk(d.key)}>
            <Field label={`${d.label} (${formatBytes(d.capacityBytes)})`}>
              <Combobox
                aria-label={`Datastore for ${d.label}`}
                width={60}
                options={datastoreChoices(options, host, d).map(option)}
                value={choice.disks[d.key] || null}
                placeholder="Choose a datastore"
                onChange={(o) => onChange({ disks: { ...choice.disks, [d.key]: o?.value ?? '' } })}
              />
            </Field>
          </div>
        ))}
    </>
  );
}
