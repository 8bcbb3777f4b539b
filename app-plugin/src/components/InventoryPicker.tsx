import React, { useCallback } from 'react';
import { ComboboxOption, MultiCombobox } from '@grafana/ui';
import { VsphereClient } from '../api/client';
import { powerStateText } from './format';
import { PowerState } from '../types';

/** Which inventory objects a picker offers. */
export type PickerEntity = 'clusters' | 'hosts' | 'vms';

/**
 * Searches clusters, hosts or VMs by name on the server as the user types, so 10,000 VMs cost one
 * small page per search. Options carry the name, or the id when `by` is `id`, with where the
 * object is as the description.
 */
export function useInventorySearch(client: VsphereClient, entity: PickerEntity, by: 'name' | 'id' = 'name') {
  return useCallback(
    async (input: string): Promise<Array<ComboboxOption<string>>> => {
      const p = { search: input.trim(), pageSize: 25, page: 1, sort: 'name' };
      const page =
        entity === 'clusters'
          ? await client.clusters(p)
          : entity === 'hosts'
            ? await client.hosts(p)
            : await client.vms(p);
      const items = page.items as Array<{
        id: string;
        name: string;
        clusterName?: string;
        hostName?: string;
        powerState?: PowerState;
      }>;
      return items.map((x) => ({
        label: x.name,
        value: by === 'id' ? x.id : x.name,
        description:
          entity === 'hosts'
            ? x.clusterName
            : entity === 'vms'
              ? [x.hostName, x.powerState && powerStateText[x.powerState]].filter(Boolean).join(' · ')
              : undefined,
      }));
    },
    [client, entity, by]
  );
}

/**
 * Picks clusters, hosts or VMs by name from the inventory (alert labels carry names, see
 * docs/contracts.md "Series identity"); only names the inventory knows can be picked.
 */
export function InventoryPicker({
  client,
  entity,
  value,
  onChange,
  label,
}: {
  client: VsphereClient;
  entity: PickerEntity;
  value: string[];
  onChange: (names: string[]) => void;
  label: string;
}) {
  const load = useInventorySearch(client, entity);
  return (
    <MultiCombobox<string>
      aria-label={label}
      width={60}
      options={load}
      value={value}
      placeholder="All (type to search)"
      isClearable
      onChange={(opts) => onChange(opts.map((o) => o.value))}
    />
  );
}
