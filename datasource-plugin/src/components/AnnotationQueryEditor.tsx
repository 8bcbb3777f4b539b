import { QueryEditorProps } from '@grafana/data';
import { Field, RadioButtonGroup, Stack } from '@grafana/ui';
import React, { useEffect, useMemo } from 'react';

import type { VsphereDataSource } from '../datasource';
import { DEFAULTS } from '../query/defaults';
import { migrateQuery } from '../query/migrate';
import { selectors } from '../selectors';
import { AnnotationKind, AnnotationsQuery, VsphereQuery } from '../types/query';
import { InventoryMultiPicker } from './query/pickers';
import { TypedEditorProps } from './query/types';

const KINDS: Array<{ label: string; value: AnnotationKind; description: string }> = [
  { label: 'VM host changes', value: 'hostChanges', description: 'vMotion, DRS and HA moves of VMs between hosts' },
  { label: 'VM operations', value: 'vmOperations', description: 'Create, edit, power and delete, from the audit log' },
];

/** AnnotationFieldsEditor is the body of the annotation editor: what to mark and for which VMs. */
export function AnnotationFieldsEditor({ query, datasource, onChange }: TypedEditorProps<AnnotationsQuery>) {
  const sel = selectors.annotation;
  return (
    <Stack direction="column" gap={1}>
      <Field label={sel.kind.label} useFieldset>
        <RadioButtonGroup<AnnotationKind>
          data-testid={sel.kind.testId}
          aria-label={sel.kind.label}
          options={KINDS}
          value={query.annotationKind}
          onChange={(annotationKind) => onChange({ ...query, annotationKind }, true)}
        />
      </Field>
      <Field label={sel.vms.label} description="Empty means every VM.">
        <InventoryMultiPicker
          datasource={datasource}
          entity="vms"
          value={query.vms ?? []}
          onChange={(vms) => onChange({ ...query, vms }, true)}
          testId={sel.vms.testId}
          label={sel.vms.label}
          placeholder="All VMs"
        />
      </Field>
    </Stack>
  );
}

/** Props Grafana passes to a custom annotation editor. */
export type AnnotationEditorProps = QueryEditorProps<VsphereDataSource, VsphereQuery>;

/** AnnotationQueryEditor edits the query of a dashboard annotation of this data source. */
export function AnnotationQueryEditor({ query: stored, datasource, onChange }: AnnotationEditorProps) {
  const query = useMemo(() => {
    const base =
      stored?.queryType === 'annotations' ? stored : { ...DEFAULTS.annotations, refId: stored?.refId || 'Anno' };
    return migrateQuery(base as AnnotationsQuery) as AnnotationsQuery;
  }, [stored]);
  useEffect(() => {
    if (query !== stored) {
      onChange(query);
    }
  }, [query, stored, onChange]);
  return (
    <div data-testid={selectors.annotation.editor.testId} aria-label={selectors.annotation.editor.label}>
      <AnnotationFieldsEditor
        query={query}
        datasource={datasource}
        problems={{}}
        onChange={(next) => onChange(next)}
        onRun={() => undefined}
      />
    </div>
  );
}
