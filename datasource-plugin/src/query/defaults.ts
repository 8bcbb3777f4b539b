import { QueryOfType, QueryType, VsphereQuery } from '../types/query';

/** DEFAULT_STAT_KEY is what a new metrics panel shows: CPU usage in percent. */
export const DEFAULT_STAT_KEY = 'cpu|usage_average';

/**
 * DEFAULTS holds a complete query per type, without refId. A new panel starts with the metrics
 * default: CPU usage of every VM under a cluster. Its `parent` is empty on purpose: the metrics
 * editor fills it with the first cluster (sorted by name) from the backend as soon as it opens,
 * so the saved query names a concrete cluster and keeps meaning the same thing later (alert rules
 * run it without a browser). Until then filterQuery holds the query back rather than sending one
 * the backend can only refuse.
 */
export const DEFAULTS: { [T in QueryType]: Omit<QueryOfType<T>, 'refId'> } = {
  metrics: {
    queryType: 'metrics',
    resourceKind: 'VirtualMachine',
    selection: { mode: 'under', parent: '' },
    statKeys: [DEFAULT_STAT_KEY],
    rollUp: 'AVG',
    interval: 'auto',
  },
  latest: {
    queryType: 'latest',
    resourceKind: 'VirtualMachine',
    selection: { mode: 'under', parent: '' },
    statKeys: [DEFAULT_STAT_KEY],
  },
  inventory: { queryType: 'inventory', entity: 'vms', filter: {} },
  vmDetail: { queryType: 'vmDetail', vms: [] },
  alerts: { queryType: 'alerts', minLevel: 'WARNING' },
  variable: { queryType: 'variable', entity: 'vms', filter: {} },
  annotations: { queryType: 'annotations', annotationKind: 'hostChanges', vms: [] },
};

/** DEFAULT_QUERY is what getDefaultQuery gives a new panel or Explore tab. */
export const DEFAULT_QUERY: Omit<VsphereQuery, 'refId'> = DEFAULTS.metrics;

/**
 * switchQueryType turns a query into one of another type, keeping what both types share
 * (resource kind, selection and stat keys between metrics and latest) so a person who flips the
 * type picker back and forth does not lose their choices.
 */
export function switchQueryType(query: VsphereQuery, to: QueryType): VsphereQuery {
  if (query.queryType === to) {
    return query;
  }
  const base = { refId: query.refId, hide: query.hide, datasource: query.datasource };
  const next = { ...base, ...structuredCloneSafe(DEFAULTS[to]) } as VsphereQuery;
  if (
    (query.queryType === 'metrics' || query.queryType === 'latest') &&
    (next.queryType === 'metrics' || next.queryType === 'latest')
  ) {
    next.resourceKind = query.resourceKind;
    next.selection = query.selection;
    next.statKeys = query.statKeys;
  }
  if (next.queryType === 'alerts' && (query.queryType === 'metrics' || query.queryType === 'latest')) {
    next.selection = query.selection;
  }
  return stripUndefined(next);
}

/** structuredCloneSafe copies plain JSON defaults so callers never share nested objects. */
function structuredCloneSafe<T>(v: T): T {
  return JSON.parse(JSON.stringify(v));
}

/** stripUndefined drops undefined keys so payloads compare and serialise cleanly. */
export function stripUndefined<T extends object>(v: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(v)) {
    if (val !== undefined) {
      out[k] = val;
    }
  }
  return out as T;
}
