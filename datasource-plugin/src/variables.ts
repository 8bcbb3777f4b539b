import { CustomVariableSupport, DataQueryRequest, DataQueryResponse } from '@grafana/data';
import { Observable } from 'rxjs';

import { VariableQueryEditor } from './components/VariableQueryEditor';
import type { VsphereDataSource } from './datasource';
import { DEFAULTS } from './query/defaults';
import { migrateQuery } from './query/migrate';
import { VariableQuery } from './types/query';

/**
 * toVariableQuery reads what a dashboard stored for a query variable: the current object, or a
 * bare entity name as very old dashboards kept it (e.g. "clusters").
 */
export function toVariableQuery(stored: unknown, refId = 'variable'): VariableQuery {
  if (typeof stored === 'string') {
    const q = migrateQuery({ refId, queryType: 'variable', entity: stored.trim() });
    return q as VariableQuery;
  }
  if (stored && typeof stored === 'object') {
    const q = migrateQuery({ refId, ...(stored as object), queryType: 'variable' } as VariableQuery);
    return q as VariableQuery;
  }
  return { refId, ...DEFAULTS.variable };
}

/**
 * VsphereVariableSupport answers query variables through the backend (queryType `variable`),
 * which returns one frame with `text` (name) and `value` (id) fields, so chained variables can
 * filter by ids while the dashboard shows names.
 */
export class VsphereVariableSupport extends CustomVariableSupport<VsphereDataSource, VariableQuery> {
  constructor(private readonly datasource: VsphereDataSource) {
    super();
  }

  editor = VariableQueryEditor;

  query(request: DataQueryRequest<VariableQuery>): Observable<DataQueryResponse> {
    const targets = request.targets.map((t) => toVariableQuery(t, t?.refId ?? 'variable'));
    return this.datasource.query({ ...request, targets });
  }
}
