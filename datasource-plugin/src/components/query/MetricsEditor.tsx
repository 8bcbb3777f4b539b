import { Field, Input, RadioButtonGroup, Stack } from '@grafana/ui';
import React, { useCallback, useEffect, useState } from 'react';

import type { VsphereDataSource } from '../../datasource';
import { hasVariable } from '../../query/validate';

import { selectors } from '../../selectors';
import { LatestQuery, MetricsQuery, ResourceKind, ResourceSelection, RollUp, StatKey } from '../../types/query';
import { problemText } from './ProblemText';
import { SelectionField } from './SelectionField';
import { StatKeyPicker } from './StatKeyPicker';
import { TypedEditorProps } from './types';

const KINDS: Array<{ label: string; value: ResourceKind }> = [
  { label: 'VMs', value: 'VirtualMachine' },
  { label: 'Hosts', value: 'HostSystem' },
  { label: 'Clusters', value: 'ClusterComputeResource' },
  { label: 'Datastores', value: 'Datastore' },
];

const ROLL_UPS: Array<{ label: string; value: RollUp }> = [
  { label: 'Average', value: 'AVG' },
  { label: 'Max', value: 'MAX' },
  { label: 'Min', value: 'MIN' },
  { label: 'Latest', value: 'LATEST' },
];

/**
 * useResourceStatKeys loads the stat keys one resource has in vROps (the first picked resource of
 * an `ids` selection), for the picker's autocomplete; nothing when no single resource is chosen
 * or the load fails (the common keys and typed keys still work).
 */
export function useResourceStatKeys(
  datasource: VsphereDataSource,
  kind: ResourceKind,
  resource: string | undefined
): StatKey[] | undefined {
  const [state, setState] = useState<{ id?: string; keys?: StatKey[] }>({});
  const id = resource ? `${kind}/${resource}` : undefined;
  useEffect(() => {
    if (!resource) {
      return;
    }
    let live = true;
    datasource
      .getResourceStatKeys(kind, resource)
      .then((keys) => live && setState({ id: `${kind}/${resource}`, keys }))
      .catch(() => live && setState({ id: `${kind}/${resource}`, keys: [] }));
    return () => {
      live = false;
    };
  }, [datasource, kind, resource]);
  return id && state.id === id ? state.keys : undefined;
}

/** chosenResource is the one resource whose keys to offer: the first id picked, not a variable. */
function chosenResource(selection: ResourceSelection): string | undefined {
  const first = selection.mode === 'ids' ? selection.ids?.[0] : undefined;
  return first && !hasVariable(first) ? first : undefined;
}

/**
 * MetricsEditor edits `metrics` (time series) and `latest` (one value per key) queries: which
 * resources, which stat keys, and for time series how samples are rolled up per interval.
 */
export function MetricsEditor(props: TypedEditorProps<MetricsQuery | LatestQuery>) {
  const { query, datasource, onChange, onRun, problems, statKeys, statKeysError } = props;
  const sel = selectors.query;
  const onSelection = useCallback(
    (selection: ResourceSelection, run?: boolean) => onChange({ ...query, selection }, run),
    [query, onChange]
  );
  const onKind = (resourceKind: ResourceKind) => {
    // Picked ids belong to the old kind; a parent or a regex still makes sense for the new one.
    const selection = query.selection.mode === 'ids' ? { ...query.selection, ids: [] } : query.selection;
    onChange({ ...query, resourceKind, selection }, true);
  };
  const statKeyProblem = problems.statKeys ?? statKeysError;
  const resource = chosenResource(query.selection);
  const resourceKeys = useResourceStatKeys(datasource, query.resourceKind, resource);

  return (
    <Stack direction="column" gap={1}>
      <Field label={sel.resourceKind.label} useFieldset>
        <RadioButtonGroup<ResourceKind>
          data-testid={sel.resourceKind.testId}
          aria-label={sel.resourceKind.label}
          options={KINDS}
          value={query.resourceKind}
          onChange={onKind}
        />
      </Field>
      <SelectionField
        datasource={datasource}
        kind={query.resourceKind}
        selection={query.selection}
        problems={problems}
        onChange={onSelection}
        onRun={onRun}
        resolveDefaultParent
      />
      <Field
        label={sel.statKeys.label}
        description="vROps metrics, e.g. cpu|usage_average; any key the resource has, instanced ones too (net:4000|usage_average)"
        invalid={!!statKeyProblem}
        error={problemText('statKeys', statKeyProblem)}
      >
        <StatKeyPicker
          datasource={datasource}
          value={query.statKeys}
          catalogue={statKeys}
          resourceKeys={resourceKeys}
          resourceName={resource ? (datasource.nameOf(resource) ?? resource) : undefined}
          onChange={(statKeys) => onChange({ ...query, statKeys }, true)}
          invalid={!!statKeyProblem}
        />
      </Field>
      {query.queryType === 'metrics' && (
        <Stack direction="row" gap={2} wrap="wrap">
          <Field label={sel.rollUp.label} useFieldset>
            <RadioButtonGroup<RollUp>
              data-testid={sel.rollUp.testId}
              aria-label={sel.rollUp.label}
              options={ROLL_UPS}
              value={query.rollUp}
              onChange={(rollUp) => onChange({ ...query, rollUp }, true)}
            />
          </Field>
          <Field
            label={sel.interval.label}
            description="auto follows the panel (at least 5m, the vROps collection cycle)"
            invalid={!!problems.interval}
            error={problemText('interval', problems.interval)}
          >
            <Input
              id={sel.interval.testId}
              data-testid={sel.interval.testId}
              value={query.interval}
              placeholder="auto"
              onChange={(e) => onChange({ ...query, interval: e.currentTarget.value.trim() }, false)}
              onBlur={onRun}
              width={16}
            />
          </Field>
        </Stack>
      )}
    </Stack>
  );
}
