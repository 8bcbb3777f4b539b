import { ComboboxOption, MultiCombobox } from '@grafana/ui';
import React, { useMemo } from 'react';

import type { VsphereDataSource } from '../../datasource';
import { selectors } from '../../selectors';
import { StatKey } from '../../types/query';

interface Props {
  datasource: VsphereDataSource;
  value: string[];
  catalogue?: StatKey[];
  onChange: (keys: string[]) => void;
  invalid?: boolean;
}

/**
 * StatKeyPicker offers the stat keys the backend knows for the resource kind, with their name,
 * unit and description, plus the dashboard's template variables.
 */
export function StatKeyPicker({ datasource, value, catalogue, onChange, invalid }: Props) {
  const options = useMemo<Array<ComboboxOption<string>>>(
    () => [
      ...(catalogue ?? []).map((k) => ({
        value: k.key,
        label: `${k.name} (${k.key})`,
        description: [k.unit && `Unit: ${k.unit}`, k.description].filter(Boolean).join(' · '),
      })),
      ...datasource.variableOptions(),
    ],
    [catalogue, datasource]
  );
  const byKey = useMemo(() => new Map((catalogue ?? []).map((k) => [k.key, k])), [catalogue]);
  return (
    <MultiCombobox<string>
      id={selectors.query.statKeys.testId}
      data-testid={selectors.query.statKeys.testId}
      options={options}
      value={value.map((key) => ({ value: key, label: byKey.get(key)?.name ?? key }))}
      onChange={(opts) => onChange(opts.map((o) => o.value))}
      createCustomValue
      customValueDescription="Use this stat key"
      loading={catalogue === undefined}
      invalid={invalid}
      placeholder="CPU usage, memory usage, ..."
      width={60}
    />
  );
}
