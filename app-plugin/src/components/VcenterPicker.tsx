import React from 'react';
import { Combobox, Field } from '@grafana/ui';
import { selectors } from '../selectors';
import { useAppContext } from './AppContext';

/** The vCenter picker; only shown when the app manages several data sources. */
export function VcenterPicker() {
  const { datasources, uid, setUid } = useAppContext();
  if (datasources.length < 2) {
    return null;
  }
  return (
    <Field label="vCenter" description="Data source of the vCenter to work on">
      <div data-testid={selectors.picker.vcenter}>
        <Combobox
          aria-label="vCenter"
          width={40}
          options={datasources.map((d) => ({ label: d.name, value: d.uid }))}
          value={uid}
          onChange={(o) => o && setUid(o.value)}
        />
      </div>
    </Field>
  );
}
