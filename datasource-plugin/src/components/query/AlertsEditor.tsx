import { Field, RadioButtonGroup, Stack, Switch } from '@grafana/ui';
import React from 'react';

import { selectors } from '../../selectors';
import { AlertLevel, AlertsQuery } from '../../types/query';
import { SelectionField } from './SelectionField';
import { TypedEditorProps } from './types';

const LEVELS: Array<{ label: string; value: AlertLevel }> = [
  { label: 'Info', value: 'INFO' },
  { label: 'Warning', value: 'WARNING' },
  { label: 'Immediate', value: 'IMMEDIATE' },
  { label: 'Critical', value: 'CRITICAL' },
];

/** AlertsEditor edits a query for active vROps alerts at or above a level, optionally for some VMs. */
export function AlertsEditor({ query, datasource, onChange, onRun, problems }: TypedEditorProps<AlertsQuery>) {
  const sel = selectors.query;
  const limited = query.selection !== undefined;
  return (
    <Stack direction="column" gap={1}>
      <Field label={sel.minLevel.label} useFieldset>
        <RadioButtonGroup<AlertLevel>
          data-testid={sel.minLevel.testId}
          aria-label={sel.minLevel.label}
          options={LEVELS}
          value={query.minLevel}
          onChange={(minLevel) => onChange({ ...query, minLevel }, true)}
        />
      </Field>
      <Field label="Only some VMs">
        <Switch
          id="vsphere-query-alerts-limit"
          value={limited}
          onChange={(e) => {
            const { selection: _drop, ...rest } = query;
            onChange(
              e.currentTarget.checked ? { ...rest, selection: { mode: 'ids', ids: [] } } : rest,
              !e.currentTarget.checked
            );
          }}
        />
      </Field>
      {query.selection && (
        <SelectionField
          datasource={datasource}
          kind="VirtualMachine"
          selection={query.selection}
          problems={problems}
          onChange={(selection, run) => onChange({ ...query, selection }, run)}
          onRun={onRun}
        />
      )}
    </Stack>
  );
}
