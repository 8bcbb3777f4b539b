import React from 'react';
import { Combobox, ComboboxOption } from '@grafana/ui';
import { VsphereClient } from '../../api/client';
import { useInventorySearch } from '../InventoryPicker';

/** Picks one VM by name (searched on the server); the value is its id. */
export function VmPicker({
  client,
  value,
  onChange,
  label,
}: {
  client: VsphereClient;
  value: ComboboxOption<string> | null;
  onChange: (vm: ComboboxOption<string> | null) => void;
  label: string;
}) {
  const load = useInventorySearch(client, 'vms', 'id');
  return (
    <Combobox<string>
      aria-label={label}
      width={60}
      options={load}
      value={value}
      placeholder="Type a VM name to search"
      onChange={(o) => onChange(o ?? null)}
    />
  );
}
