import { QueryEditorProps } from '@grafana/data';
import React, { useEffect, useMemo } from 'react';

import type { VsphereDataSource } from '../datasource';
import { validateQuery } from '../query/validate';
import { selectors } from '../selectors';
import { VsphereOptions } from '../types/config';
import { VariableEntity, VariableQuery, VsphereQuery } from '../types/query';
import { toVariableQuery } from '../variables';
import { EntityFilterEditor } from './query/InventoryEditor';
import { TypedEditorProps } from './query/types';

const ENTITIES: Array<{ label: string; value: VariableEntity }> = [
  { label: 'Datacenters', value: 'datacenters' },
  { label: 'Clusters', value: 'clusters' },
  { label: 'Hosts', value: 'hosts' },
  { label: 'VMs', value: 'vms' },
  { label: 'Datastores', value: 'datastores' },
  { label: 'Networks', value: 'networks' },
];

/** VariableFieldsEditor is the body of the variable editor: what to list and how to filter it. */
export function VariableFieldsEditor({
  query,
  datasource,
  onChange,
  onRun,
  problems,
}: TypedEditorProps<VariableQuery>) {
  return (
    <EntityFilterEditor<VariableEntity, VariableQuery>
      query={query}
      datasource={datasource}
      onChange={onChange}
      onRun={onRun}
      problems={problems}
      entities={ENTITIES}
      sel={selectors.variable.entity}
      description="Values are ids, shown by name; chain variables through the filters."
    />
  );
}

/** Props Grafana passes to the editor of a query variable. */
export type VariableEditorProps = QueryEditorProps<VsphereDataSource, VsphereQuery, VsphereOptions, VariableQuery>;

/**
 * VariableQueryEditor edits a query variable that lists datacenters, clusters, hosts, VMs,
 * datastores or networks, filtered by other variables. Grafana refreshes the preview itself when
 * the query changes, so this editor only reports changes (and only valid ones).
 */
export function VariableQueryEditor({ query: stored, datasource, onChange }: VariableEditorProps) {
  const query = useMemo(() => toVariableQuery(stored, (stored as VariableQuery)?.refId), [stored]);
  useEffect(() => {
    if (query !== stored) {
      onChange(query);
    }
  }, [query, stored, onChange]);
  const problems = validateQuery(query, datasource.validationContext());
  return (
    <div data-testid={selectors.variable.editor.testId} aria-label={selectors.variable.editor.label}>
      <VariableFieldsEditor
        query={query}
        datasource={datasource}
        problems={problems}
        onChange={(next) => onChange(next)}
        onRun={() => undefined}
      />
    </div>
  );
}
