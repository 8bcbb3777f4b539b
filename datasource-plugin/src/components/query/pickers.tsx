import { Combobox, ComboboxOption, MultiCombobox } from '@grafana/ui';
import React, { useCallback } from 'react';

import type { InventorySearch, VsphereDataSource } from '../../datasource';
import { InventoryEntity, InventoryItem } from '../../types/query';

/** describe is the one-line hint shown under a picker option: where the object lives. */
function describe(item: InventoryItem): string | undefined {
  const parts = [item.hostName, item.clusterName, item.powerState, item.type].filter(
    (x): x is string => typeof x === 'string' && x !== ''
  );
  return parts.length ? `${item.id} · ${parts.join(' · ')}` : item.id;
}

/** matchesVariables filters template variable options by what a person typed. */
function variableMatches(ds: VsphereDataSource, input: string): Array<ComboboxOption<string>> {
  const needle = input.toLowerCase();
  return ds.variableOptions().filter((o) => o.value.toLowerCase().includes(needle));
}

interface MultiPickerProps {
  datasource: VsphereDataSource;
  entity: InventoryEntity;
  value: string[];
  onChange: (ids: string[]) => void;
  filters?: Omit<InventorySearch, 'search' | 'page' | 'pageSize'>;
  testId: string;
  label: string;
  invalid?: boolean;
  placeholder?: string;
  width?: number;
}

/**
 * InventoryMultiPicker picks several objects by searching the backend as the person types
 * (`inventory/{entity}?search=&pageSize=50`), so it stays fast with 10,000 VMs. It stores ids,
 * offers the dashboard's template variables, and accepts typed names.
 */
export function InventoryMultiPicker(props: MultiPickerProps) {
  const { datasource, entity, value, onChange, filters, testId, label, invalid, placeholder, width } = props;
  const load = useCallback(
    async (input: string): Promise<Array<ComboboxOption<string>>> => {
      const page = await datasource.searchInventory(entity, { ...filters, search: input });
      return [
        ...variableMatches(datasource, input),
        ...page.items.map((item) => ({ value: item.id, label: item.name, description: describe(item) })),
      ];
    },
    [datasource, entity, filters]
  );
  return (
    <MultiCombobox<string>
      id={testId}
      data-testid={testId}
      options={load}
      value={value.map((id) => ({ value: id, label: datasource.nameOf(id) ?? id }))}
      onChange={(opts) => onChange(opts.map((o) => o.value))}
      createCustomValue
      customValueDescription="Use this name or id"
      invalid={invalid}
      placeholder={placeholder ?? `Search ${label.toLowerCase()}`}
      width={width ?? 60}
      isClearable
    />
  );
}

interface SinglePickerProps {
  datasource: VsphereDataSource;
  /** One entity, or several searched together (e.g. the parent of "all under"). */
  entities: InventoryEntity[];
  value: string;
  onChange: (id: string) => void;
  filters?: Omit<InventorySearch, 'search' | 'page' | 'pageSize'>;
  testId: string;
  invalid?: boolean;
  placeholder?: string;
  width?: number;
}

const GROUP_NAMES: Partial<Record<InventoryEntity, string>> = {
  clusters: 'Clusters',
  hosts: 'Hosts',
  datacenters: 'Datacenters',
};

/** InventoryPicker picks one object (or a template variable) by searching the backend. */
export function InventoryPicker(props: SinglePickerProps) {
  const { datasource, entities, value, onChange, filters, testId, invalid, placeholder, width } = props;
  const load = useCallback(
    async (input: string): Promise<Array<ComboboxOption<string>>> => {
      const pageSize = entities.length > 1 ? 20 : undefined;
      const pages = await Promise.all(
        entities.map((e) => datasource.searchInventory(e, { ...filters, search: input, pageSize }))
      );
      const items = pages.flatMap((p, i) =>
        p.items.map((item) => ({
          value: item.id,
          label: item.name,
          description: describe(item),
          group: entities.length > 1 ? GROUP_NAMES[entities[i]] : undefined,
        }))
      );
      return [...variableMatches(datasource, input), ...items];
    },
    [datasource, entities, filters]
  );
  return (
    <Combobox<string>
      id={testId}
      data-testid={testId}
      options={load}
      value={value ? { value, label: datasource.nameOf(value) ?? value } : null}
      onChange={(opt) => onChange(opt?.value ?? '')}
      createCustomValue
      customValueDescription="Use this name or id"
      isClearable
      invalid={invalid}
      placeholder={placeholder ?? 'Search'}
      width={width ?? 40}
    />
  );
}
