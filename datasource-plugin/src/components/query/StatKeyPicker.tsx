import { ComboboxOption, MultiCombobox } from '@grafana/ui';
import React, { useMemo } from 'react';

import type { VsphereDataSource } from '../../datasource';
import { selectors } from '../../selectors';
import { StatKey } from '../../types/query';

interface Props {
  datasource: VsphereDataSource;
  value: string[];
  catalogue?: StatKey[];
  /** The chosen resource's own stat keys in vROps (instanced ones included), when one is chosen. */
  resourceKeys?: StatKey[];
  /** The chosen resource's name, for the group heading of its keys. */
  resourceName?: string;
  onChange: (keys: string[]) => void;
  invalid?: boolean;
}

function option(k: StatKey, group?: string): ComboboxOption<string> {
  return {
    value: k.key,
    label: k.name && k.name !== k.key ? `${k.name} (${k.key})` : k.key,
    description: [k.unit && k.unit !== 'none' && `Unit: ${k.unit}`, k.description].filter(Boolean).join(' · '),
    group,
  };
}

/**
 * StatKeyPicker offers the stat keys the backend describes for the resource kind, then every
 * other key the chosen resource has in vROps (so instanced keys such as net:4000|usage_average
 * autocomplete), plus the dashboard's template variables. Any other well-formed key can be typed:
 * the backend passes it to vROps as it is.
 */
export function StatKeyPicker({ datasource, value, catalogue, resourceKeys, resourceName, onChange, invalid }: Props) {
  const options = useMemo<Array<ComboboxOption<string>>>(() => {
    const common = new Set((catalogue ?? []).map((k) => k.key));
    const own = (resourceKeys ?? []).filter((k) => !common.has(k.key));
    const ownGroup = resourceName ? `Keys of ${resourceName}` : 'Keys of the chosen resource';
    return [
      ...(catalogue ?? []).map((k) => option(k, own.length ? 'Common keys' : undefined)),
      ...own.map((k) => option(k, ownGroup)),
      ...datasource.variableOptions(),
    ];
  }, [catalogue, resourceKeys, resourceName, datasource]);
  const byKey = useMemo(
    () => new Map([...(resourceKeys ?? []), ...(catalogue ?? [])].map((k) => [k.key, k])),
    [catalogue, resourceKeys]
  );
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
      placeholder="CPU usage, memory usage, net:4000|usage_average, ..."
      width={60}
    />
  );
}
