import { Combobox, Field, Stack } from '@grafana/ui';
import React from 'react';

import { selectors } from '../../selectors';
import { InventoryEntity, InventoryQuery, VariableQuery } from '../../types/query';
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

/**
 * EntityFilterEditor is what inventory queries and query variables share: which kind of object
 * to list, then the filters (chained variables go in the filters).
 */
export function EntityFilterEditor<E extends string, Q extends (InventoryQuery | VariableQuery) & { entity: E }>({
  query,
  datasource,
  onChange,
  onRun,
  problems,
  entities,
  sel,
  description,
}: TypedEditorProps<Q> & {
  entities: Array<{ label: string; value: E }>;
  sel: { label: string; testId: string };
  description?: string;
}) {
  const entity = query.entity;
  return (
    <Stack direction="column" gap={1}>
      <Field label={sel.label} description={description}>
        <Combobox<E>
          id={sel.testId}
          data-testid={sel.testId}
          options={entities}
          value={entity}
          onChange={(o) => onChange({ ...query, entity: o.value }, true)}
          width={30}
        />
      </Field>
      <FilterFields
        datasource={datasource}
        filter={query.filter ?? {}}
        problems={problems}
        showPowerState={entity === 'vms'}
        onChange={(filter, run) => onChange({ ...query, filter }, run)}
        onRun={onRun}
      />
    </Stack>
  );
}

/** InventoryEditor edits a query that lists vCenter objects as a table. */
export function InventoryEditor(props: TypedEditorProps<InventoryQuery>) {
  return (
    <EntityFilterEditor<InventoryEntity, InventoryQuery>
      {...props}
      entities={INVENTORY_ENTITIES}
      sel={selectors.query.entity}
    />
  );
}
