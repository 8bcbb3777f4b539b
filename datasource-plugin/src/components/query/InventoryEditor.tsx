import { Combobox, Field, Stack } from '@grafana/ui';
import React from 'react';

import { selectors } from '../../selectors';
import { InventoryEntity, InventoryQuery } from '../../types/query';
import { FilterFields } from './FilterFields';
import { TypedEditorProps } from './types';

/** INVENTORY_ENTITIES are the choices of an inventory query, in the order people look for them. */
export const INVENTORY_ENTITIES: Array<{ label: string; value: InventoryEntity }> = [
  { label: 'VMs', value: 'vms' },
  { label: 'Hosts', value: 'hosts' },
  { label: 'Clusters', value: 'clusters' },
  { label: 'Datastores', value: 'datastores' },
  { label: 'Networks', value: 'networks' },
  { label: 'Datacenters', value: 'datacenters' },
  { label: 'Folders', value: 'folders' },
  { label: 'Resource pools', value: 'resourcePools' },
];

/** InventoryEditor edits a query that lists vCenter objects as a table. */
export function InventoryEditor({ query, datasource, onChange, onRun, problems }: TypedEditorProps<InventoryQuery>) {
  const sel = selectors.query.entity;
  return (
    <Stack direction="column" gap={1}>
      <Field label={sel.label}>
        <Combobox<InventoryEntity>
          id={sel.testId}
          data-testid={sel.testId}
          options={INVENTORY_ENTITIES}
          value={query.entity}
          onChange={(o) => onChange({ ...query, entity: o.value }, true)}
          width={30}
        />
      </Field>
      <FilterFields
        datasource={datasource}
        filter={query.filter ?? {}}
        problems={problems}
        showPowerState={query.entity === 'vms'}
        onChange={(filter, run) => onChange({ ...query, filter }, run)}
        onRun={onRun}
      />
    </Stack>
  );
}
