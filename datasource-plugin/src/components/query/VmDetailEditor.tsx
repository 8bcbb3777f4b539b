import { Field } from '@grafana/ui';
import React from 'react';

import { selectors } from '../../selectors';
import { VmDetailQuery } from '../../types/query';
import { InventoryMultiPicker } from './pickers';
import { problemText } from './ProblemText';
import { TypedEditorProps } from './types';

/** VmDetailEditor picks the VMs whose static facts (host, disks, NICs, guest) the table shows. */
export function VmDetailEditor({ query, datasource, onChange, problems }: TypedEditorProps<VmDetailQuery>) {
  const sel = selectors.query.vms;
  return (
    <Field label={sel.label} invalid={!!problems.vms} error={problemText('vms', problems.vms)}>
      <InventoryMultiPicker
        datasource={datasource}
        entity="vms"
        value={query.vms}
        onChange={(vms) => onChange({ ...query, vms }, true)}
        testId={sel.testId}
        label={sel.label}
        invalid={!!problems.vms}
      />
    </Field>
  );
}
