import { css } from '@emotion/css';
import { GrafanaTheme2, QueryEditorProps } from '@grafana/data';
import { Alert, Field, RadioButtonGroup, Stack, useStyles2 } from '@grafana/ui';
import React, { useCallback, useEffect, useMemo, useRef, useState } from 'react';

import type { VsphereDataSource } from '../datasource';
import { switchQueryType } from '../query/defaults';
import { migrateQuery } from '../query/migrate';
import { validateQuery } from '../query/validate';
import { selectors } from '../selectors';
import { VsphereOptions } from '../types/config';
import {
  LatestQuery,
  MetricsQuery,
  PANEL_QUERY_TYPES,
  QueryType,
  ResourceKind,
  StatKey,
  VsphereQuery,
} from '../types/query';
import { AlertsEditor } from './query/AlertsEditor';
import { InventoryEditor } from './query/InventoryEditor';
import { MetricsEditor } from './query/MetricsEditor';
import { TypedEditor, TypedEditorProps } from './query/types';
import { VariableFieldsEditor } from './VariableQueryEditor';
import { AnnotationFieldsEditor } from './AnnotationQueryEditor';
import { VmDetailEditor } from './query/VmDetailEditor';

/** Props Grafana passes to a data source query editor (panels, Explore, alert rules). */
export type Props = QueryEditorProps<VsphereDataSource, VsphereQuery, VsphereOptions>;

/** EDITORS holds one small editor per query type; the dispatcher below only picks one. */
const EDITORS: { [T in QueryType]: TypedEditor<Extract<VsphereQuery, { queryType: T }>> } = {
  inventory: InventoryEditor,
  vmDetail: VmDetailEditor,
  // One editor serves both: latest is metrics without roll-up and interval.
  metrics: MetricsEditor as TypedEditor<MetricsQuery>,
  latest: MetricsEditor as TypedEditor<LatestQuery>,
  alerts: AlertsEditor,
  variable: VariableFieldsEditor,
  annotations: AnnotationFieldsEditor,
};

/** useStatKeys loads the stat key catalogue of a resource kind, or nothing when there is no kind. */
export function useStatKeys(datasource: VsphereDataSource, kind: ResourceKind | undefined) {
  const [state, setState] = useState<{ kind?: ResourceKind; keys?: StatKey[]; error?: string }>({});
  useEffect(() => {
    if (!kind) {
      return;
    }
    let live = true;
    datasource
      .getStatKeys(kind)
      .then((keys) => live && setState({ kind, keys }))
      .catch((e) => live && setState({ kind, error: `Could not load stat keys: ${errorMessage(e)}` }));
    return () => {
      live = false;
    };
  }, [datasource, kind]);
  return state.kind === kind ? state : {};
}

/** errorMessage reads the `{ error, message }` body of the resource API or a plain Error. */
export function errorMessage(e: unknown): string {
  const data = (e as { data?: { message?: string } })?.data;
  if (data?.message) {
    return data.message;
  }
  return e instanceof Error ? e.message : 'the backend did not answer';
}

/**
 * QueryEditor lets a person pick the query type and dispatches to that type's editor. It shows
 * each problem next to its field and runs a query only when it can succeed; a stored query of an
 * older shape is migrated once, on open.
 */
export function QueryEditor({ query: stored, datasource, onChange, onRunQuery }: Props) {
  const styles = useStyles2(getStyles);
  const query = useMemo(() => migrateQuery(stored), [stored]);

  // Store the migrated shape once, so the saved dashboard catches up with the model.
  useEffect(() => {
    if (query !== stored) {
      onChange(query);
    }
  }, [query, stored, onChange]);

  const kind = query.queryType === 'metrics' || query.queryType === 'latest' ? query.resourceKind : undefined;
  const catalogue = useStatKeys(datasource, kind);
  const problems = useMemo(
    () => validateQuery(query, datasource.validationContext()),
    // The catalogue is read through the context; list it so a newly loaded one re-validates.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [query, datasource, catalogue.keys]
  );

  // Editors may call onRun right after onChange; read the newest query, not the rendered one.
  const latest = useRef(query);
  useEffect(() => {
    latest.current = query;
  }, [query]);
  const runIfValid = useCallback(
    (q: VsphereQuery) => {
      if (Object.keys(validateQuery(q, datasource.validationContext())).length === 0) {
        onRunQuery();
      }
    },
    [datasource, onRunQuery]
  );
  const change = useCallback(
    (next: VsphereQuery, run = true) => {
      latest.current = next;
      onChange(next);
      if (run) {
        runIfValid(next);
      }
    },
    [onChange, runIfValid]
  );
  const run = useCallback(() => runIfValid(latest.current), [runIfValid]);

  const known = EDITORS[query.queryType as QueryType] as TypedEditor<VsphereQuery> | undefined;
  const editorProps: TypedEditorProps<VsphereQuery> = {
    query,
    datasource,
    onChange: change,
    onRun: run,
    problems,
    statKeys: catalogue.keys,
    statKeysError: catalogue.error,
  };
  const Editor = known;

  return (
    <div className={styles.root} data-testid={selectors.query.editor.testId} aria-label={selectors.query.editor.label}>
      <Stack direction="column" gap={1}>
        <Field label={selectors.query.queryType.label} useFieldset>
          <RadioButtonGroup<QueryType>
            data-testid={selectors.query.queryType.testId}
            aria-label={selectors.query.queryType.label}
            options={PANEL_QUERY_TYPES.map((t) => ({ ...t }))}
            value={query.queryType}
            onChange={(t) => change(switchQueryType(query, t))}
          />
        </Field>
        {Editor ? (
          <Editor {...editorProps} />
        ) : (
          <Alert severity="error" title="Unknown query type" data-testid={selectors.query.problem('queryType').testId}>
            {problems.queryType}
          </Alert>
        )}
      </Stack>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  root: css({
    padding: theme.spacing(0.5, 0),
  }),
});
