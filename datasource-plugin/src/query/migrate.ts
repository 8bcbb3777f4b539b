import {
  AlertLevel,
  InventoryEntity,
  InventoryFilter,
  QueryType,
  ResourceKind,
  ResourceSelection,
  RollUp,
  VsphereQuery,
} from '../types/query';
import { DEFAULTS, stripUndefined } from './defaults';

const QUERY_TYPES: QueryType[] = ['inventory', 'vmDetail', 'metrics', 'latest', 'alerts', 'variable', 'annotations'];
const ENTITIES: InventoryEntity[] = [
  'hosts',
  'clusters',
  'datastores',
  'networks',
  'datacenters',
  'folders',
  'resourcePools',
  'vms',
];
const RESOURCE_KINDS: ResourceKind[] = ['VirtualMachine', 'HostSystem', 'ClusterComputeResource', 'Datastore'];
const ROLL_UPS: RollUp[] = ['AVG', 'MAX', 'MIN', 'LATEST'];
const LEVELS: AlertLevel[] = ['INFO', 'WARNING', 'IMMEDIATE', 'CRITICAL'];

/** Singular and vSphere type names that early drafts and hand-written JSON used for entities. */
const ENTITY_ALIASES: Record<string, InventoryEntity> = {
  vm: 'vms',
  virtualmachine: 'vms',
  virtualmachines: 'vms',
  host: 'hosts',
  hostsystem: 'hosts',
  cluster: 'clusters',
  clustercomputeresource: 'clusters',
  datastore: 'datastores',
  network: 'networks',
  datacenter: 'datacenters',
  folder: 'folders',
  resourcepool: 'resourcePools',
  resourcepools: 'resourcePools',
};

/** Short names for resource kinds, as people type them in hand-written JSON. */
const KIND_ALIASES: Record<string, ResourceKind> = {
  vm: 'VirtualMachine',
  vms: 'VirtualMachine',
  virtualmachine: 'VirtualMachine',
  host: 'HostSystem',
  hosts: 'HostSystem',
  hostsystem: 'HostSystem',
  cluster: 'ClusterComputeResource',
  clusters: 'ClusterComputeResource',
  clustercomputeresource: 'ClusterComputeResource',
  datastore: 'Datastore',
  datastores: 'Datastore',
};

type Loose = Record<string, unknown>;

/**
 * migrateQuery brings a stored query of any earlier or partial shape to the current model of
 * docs/contracts.md §2, filling what is missing with the type's defaults. It is idempotent and
 * returns the very same object when nothing needs to change, so editors can compare by identity.
 *
 * Shapes it understands:
 * - the create-plugin scaffold query (`queryText`, `constant`) and a query without `queryType`:
 *   becomes the default metrics query (the scaffold fields carried no meaning for vSphere);
 * - the first draft's name `resources` for the selection, and a bare `statKey` string;
 * - comma-separated strings where arrays are expected (`ids`, `vms`, `statKeys`);
 * - lower-case roll-ups and alert levels (`avg`, `information`), singular entities (`vm`, `host`)
 *   and short resource kinds (`vm`, `host`, `cluster`, `datastore`);
 * - a selection without `mode` (inferred from which of ids / regex / parent is set).
 * An unknown `queryType` is kept as it is: the editor says so and filterQuery holds it back, so
 * nothing a person saved is silently thrown away.
 */
export function migrateQuery<Q extends { refId: string }>(input: Q): VsphereQuery {
  const raw = input as unknown as Loose;
  let type = raw.queryType as string | undefined;
  if (type === undefined || type === '') {
    type = 'metrics';
  }
  if (!QUERY_TYPES.includes(type as QueryType)) {
    return input as unknown as VsphereQuery;
  }
  const qt = type as QueryType;
  const { queryText: _qt, constant: _c, resources, statKey, ...rest } = raw;
  const q: Loose = { ...JSON.parse(JSON.stringify(DEFAULTS[qt])), ...rest, queryType: qt };
  if (qt === 'metrics' || qt === 'latest' || qt === 'alerts') {
    const sel = (raw.selection ?? resources) as Loose | undefined;
    if (sel !== undefined || qt !== 'alerts') {
      q.selection = migrateSelection(sel ?? (DEFAULTS.metrics.selection as unknown as Loose));
    }
  }
  if (qt === 'metrics' || qt === 'latest') {
    q.resourceKind = oneOf(q.resourceKind, RESOURCE_KINDS, KIND_ALIASES, 'VirtualMachine');
    const keys = raw.statKeys ?? statKey;
    q.statKeys = keys === undefined ? DEFAULTS[qt].statKeys : toList(keys);
  }
  if (qt === 'metrics') {
    q.rollUp = oneOf(q.rollUp, ROLL_UPS, {}, 'AVG');
    q.interval = typeof q.interval === 'string' && q.interval.trim() !== '' ? q.interval.trim() : 'auto';
  }
  if (qt === 'alerts') {
    q.minLevel = oneOf(q.minLevel, LEVELS, { information: 'INFO', warn: 'WARNING' }, 'WARNING');
  }
  if (qt === 'inventory' || qt === 'variable') {
    const allowed = qt === 'variable' ? ENTITIES.filter((e) => e !== 'folders' && e !== 'resourcePools') : ENTITIES;
    q.entity = oneOf(q.entity, allowed, ENTITY_ALIASES, 'vms');
    q.filter = migrateFilter(q.filter);
  }
  if (qt === 'vmDetail' || qt === 'annotations') {
    if (q.vms !== undefined) {
      q.vms = toList(q.vms);
    }
  }
  if (qt === 'annotations') {
    q.annotationKind = q.annotationKind === 'vmOperations' ? 'vmOperations' : 'hostChanges';
  }
  const out = stripUndefined(q) as unknown as VsphereQuery;
  return sameJson(out, input) ? (input as unknown as VsphereQuery) : out;
}

/** migrateSelection fills or infers the selection mode and normalises the id list. */
function migrateSelection(sel: Loose): ResourceSelection {
  const ids = sel.ids === undefined ? undefined : toList(sel.ids);
  const regex = typeof sel.regex === 'string' ? sel.regex : undefined;
  const parent = typeof sel.parent === 'string' ? sel.parent : undefined;
  let mode = sel.mode as ResourceSelection['mode'] | undefined;
  if (mode !== 'ids' && mode !== 'regex' && mode !== 'under') {
    mode = ids?.length ? 'ids' : regex ? 'regex' : 'under';
  }
  const out: ResourceSelection = { mode };
  if (ids !== undefined) {
    out.ids = ids;
  }
  if (regex !== undefined) {
    out.regex = regex;
  }
  if (parent !== undefined || mode === 'under') {
    out.parent = parent ?? '';
  }
  return out;
}

/** migrateFilter keeps only the filter keys of the contract. */
function migrateFilter(f: unknown): InventoryFilter {
  if (!f || typeof f !== 'object') {
    return {};
  }
  const src = f as Loose;
  const out: InventoryFilter = {};
  for (const k of ['datacenter', 'cluster', 'host', 'powerState'] as const) {
    const v = src[k];
    if (typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string'))) {
      out[k] = v;
    }
  }
  if (typeof src.nameRegex === 'string') {
    out.nameRegex = src.nameRegex;
  }
  return out;
}

/** toList accepts an array or a comma-separated string and returns trimmed, non-empty strings. */
export function toList(v: unknown): string[] {
  const parts = Array.isArray(v) ? v : typeof v === 'string' ? v.split(',') : [];
  return parts
    .filter((x): x is string => typeof x === 'string')
    .map((x) => x.trim())
    .filter((x) => x !== '');
}

function oneOf<T extends string>(v: unknown, allowed: readonly T[], aliases: Record<string, T>, fallback: T): T {
  if (typeof v !== 'string') {
    return fallback;
  }
  if (allowed.includes(v as T)) {
    return v as T;
  }
  const upper = v.toUpperCase();
  if (allowed.includes(upper as T)) {
    return upper as T;
  }
  return aliases[v.toLowerCase()] ?? fallback;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) {
    return v.map(sortKeys);
  }
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.entries(v as Loose)
        .filter(([, x]) => x !== undefined)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, x]) => [k, sortKeys(x)])
    );
  }
  return v;
}
