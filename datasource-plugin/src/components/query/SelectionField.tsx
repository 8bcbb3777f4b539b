import { Field, Input, RadioButtonGroup, Stack } from '@grafana/ui';
import React, { useEffect, useRef } from 'react';

import type { VsphereDataSource } from '../../datasource';
import { QueryProblems } from '../../query/validate';
import { selectors } from '../../selectors';
import { InventoryEntity, ResourceKind, ResourceSelection, SelectionMode } from '../../types/query';
import { InventoryMultiPicker, InventoryPicker } from './pickers';
import { problemText } from './ProblemText';

/** ENTITY_OF_KIND maps a vROps resource kind to the vCenter inventory the pickers search. */
export const ENTITY_OF_KIND: Record<ResourceKind, InventoryEntity> = {
  VirtualMachine: 'vms',
  HostSystem: 'hosts',
  ClusterComputeResource: 'clusters',
  Datastore: 'datastores',
};

const MODES: Array<{ label: string; value: SelectionMode; description: string }> = [
  { label: 'Pick', value: 'ids', description: 'Pick resources by name (search)' },
  { label: 'All under', value: 'under', description: 'Every resource under a cluster, host or datacenter' },
  { label: 'Regex', value: 'regex', description: 'Every resource whose name matches a regular expression' },
];

interface Props {
  datasource: VsphereDataSource;
  kind: ResourceKind;
  selection: ResourceSelection;
  problems: QueryProblems;
  onChange: (selection: ResourceSelection, run?: boolean) => void;
  onRun: () => void;
  /** resolveDefaultParent fills an empty "all under" parent with the first cluster once. */
  resolveDefaultParent?: boolean;
}

/** SelectionField chooses the resources of a query: picked, all under a parent, or by regex. */
export function SelectionField({
  datasource,
  kind,
  selection,
  problems,
  onChange,
  onRun,
  resolveDefaultParent,
}: Props) {
  // The first-cluster lookup is async: by the time it answers, read the newest selection and callback.
  const latest = useRef(selection);
  const latestOnChange = useRef(onChange);
  useEffect(() => {
    latest.current = selection;
    latestOnChange.current = onChange;
  }, [selection, onChange]);
  const resolved = useRef(false);

  useEffect(() => {
    if (!resolveDefaultParent || resolved.current) {
      return;
    }
    resolved.current = true;
    if (latest.current.mode !== 'under' || latest.current.parent) {
      return;
    }
    datasource
      .firstCluster()
      .then((cluster) => {
        const now = latest.current;
        if (cluster && now.mode === 'under' && !now.parent) {
          latestOnChange.current({ ...now, parent: cluster.id }, true);
        }
      })
      // Without a cluster the field keeps asking the person to pick one; nothing else to do.
      .catch(() => undefined);
  }, [datasource, resolveDefaultParent]);

  const sel = selectors.query;
  return (
    <Stack direction="row" gap={2} wrap="wrap" alignItems="flex-start">
      <Field label={sel.selectionMode.label} useFieldset>
        <RadioButtonGroup<SelectionMode>
          data-testid={sel.selectionMode.testId}
          aria-label={sel.selectionMode.label}
          options={MODES}
          value={selection.mode}
          onChange={(mode) => onChange(withMode(selection, mode), true)}
        />
      </Field>
      {selection.mode === 'ids' && (
        <Field
          label={sel.selectionIds.label}
          invalid={!!problems['selection.ids']}
          error={problemText('selection.ids', problems['selection.ids'])}
        >
          <InventoryMultiPicker
            datasource={datasource}
            entity={ENTITY_OF_KIND[kind]}
            value={selection.ids ?? []}
            onChange={(ids) => onChange({ ...selection, ids }, true)}
            testId={sel.selectionIds.testId}
            label={sel.selectionIds.label}
            invalid={!!problems['selection.ids']}
          />
        </Field>
      )}
      {selection.mode === 'under' && (
        <Field
          label={sel.selectionParent.label}
          description="Cluster, host or datacenter"
          invalid={!!problems['selection.parent']}
          error={problemText('selection.parent', problems['selection.parent'])}
        >
          <InventoryPicker
            datasource={datasource}
            entities={['clusters', 'hosts', 'datacenters']}
            value={selection.parent ?? ''}
            onChange={(parent) => onChange({ ...selection, parent }, true)}
            testId={sel.selectionParent.testId}
            invalid={!!problems['selection.parent']}
          />
        </Field>
      )}
      {selection.mode === 'regex' && (
        <Field
          label={sel.selectionRegex.label}
          description="RE2 syntax, e.g. ^web-\d+$ or (?i)db"
          invalid={!!problems['selection.regex']}
          error={problemText('selection.regex', problems['selection.regex'])}
        >
          <Input
            id={sel.selectionRegex.testId}
            data-testid={sel.selectionRegex.testId}
            value={selection.regex ?? ''}
            placeholder="^web-.*"
            onChange={(e) => onChange({ ...selection, regex: e.currentTarget.value }, false)}
            onBlur={onRun}
            width={40}
          />
        </Field>
      )}
    </Stack>
  );
}

/** withMode switches the mode and keeps the other modes' values for switching back. */
function withMode(s: ResourceSelection, mode: SelectionMode): ResourceSelection {
  const next: ResourceSelection = { ...s, mode };
  if (mode === 'ids' && !next.ids) {
    next.ids = [];
  }
  if (mode === 'regex' && next.regex === undefined) {
    next.regex = '';
  }
  if (mode === 'under' && next.parent === undefined) {
    next.parent = '';
  }
  return next;
}
