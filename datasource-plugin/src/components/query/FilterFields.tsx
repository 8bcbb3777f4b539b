import { Field, Input, RadioButtonGroup, Stack } from '@grafana/ui';
import React from 'react';

import type { VsphereDataSource } from '../../datasource';
import { QueryProblems } from '../../query/validate';
import { selectors } from '../../selectors';
import { InventoryFilter } from '../../types/query';
import { InventoryPicker } from './pickers';
import { problemText } from './ProblemText';

const POWER_STATES = [
  { label: 'Any', value: '' },
  { label: 'On', value: 'POWERED_ON' },
  { label: 'Off', value: 'POWERED_OFF' },
  { label: 'Suspended', value: 'SUSPENDED' },
];

interface Props {
  datasource: VsphereDataSource;
  filter: InventoryFilter;
  problems: QueryProblems;
  showPowerState: boolean;
  onChange: (filter: InventoryFilter, run?: boolean) => void;
  onRun: () => void;
}

/** firstOf shows a filter value in a single picker: the stored value, or its first entry. */
function firstOf(v: string | string[] | undefined): string {
  return Array.isArray(v) ? (v[0] ?? '') : (v ?? '');
}

/**
 * FilterFields narrows inventory and variable queries by datacenter, cluster, host, power state
 * and name. Each picker offers template variables, which is how chained variables are built
 * (e.g. hosts filtered by `$cluster`).
 */
export function FilterFields({ datasource, filter, problems, showPowerState, onChange, onRun }: Props) {
  const sel = selectors.query;
  const set = (key: keyof InventoryFilter, value: string, run = true) => {
    const next: InventoryFilter = { ...filter, [key]: value };
    if (value === '') {
      delete next[key];
    }
    onChange(next, run);
  };
  const picker = (key: 'datacenter' | 'cluster' | 'host', s: { testId: string; label: string }) => (
    <Field label={s.label}>
      <InventoryPicker
        datasource={datasource}
        entities={[`${key}s` as 'datacenters' | 'clusters' | 'hosts']}
        value={firstOf(filter[key])}
        onChange={(v) => set(key, v)}
        testId={s.testId}
        placeholder="Any"
        width={30}
      />
    </Field>
  );
  return (
    <Stack direction="row" gap={2} wrap="wrap" alignItems="flex-start">
      {picker('datacenter', sel.filterDatacenter)}
      {picker('cluster', sel.filterCluster)}
      {picker('host', sel.filterHost)}
      {showPowerState && (
        <Field label={sel.filterPowerState.label} useFieldset>
          <RadioButtonGroup<string>
            data-testid={sel.filterPowerState.testId}
            aria-label={sel.filterPowerState.label}
            options={POWER_STATES}
            value={firstOf(filter.powerState)}
            onChange={(v) => set('powerState', v)}
          />
        </Field>
      )}
      <Field
        label={sel.filterNameRegex.label}
        invalid={!!problems['filter.nameRegex']}
        error={problemText('filter.nameRegex', problems['filter.nameRegex'])}
      >
        <Input
          id={sel.filterNameRegex.testId}
          data-testid={sel.filterNameRegex.testId}
          value={filter.nameRegex ?? ''}
          placeholder="^web-"
          onChange={(e) => set('nameRegex', e.currentTarget.value, false)}
          onBlur={onRun}
          width={30}
        />
      </Field>
    </Stack>
  );
}
