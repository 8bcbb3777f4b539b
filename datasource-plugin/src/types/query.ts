import { DataQuery } from '@grafana/schema';

/**
 * QueryType names every kind of query the backend answers. The Go constants in
 * pkg/models/query.go mirror these strings exactly (docs/contracts.md §2).
 */
export type QueryType = 'inventory' | 'vmDetail' | 'metrics' | 'latest' | 'alerts' | 'variable' | 'annotations';

/** QUERY_TYPES lists the query types in the order the panel editor offers them. */
export const PANEL_QUERY_TYPES: ReadonlyArray<{ value: QueryType; label: string; description: string }> = [
  { value: 'metrics', label: 'Metrics', description: 'vROps time series (CPU, memory, ...) for alerting and graphs' },
  { value: 'latest', label: 'Latest', description: 'The latest value of each stat key, as a table' },
  { value: 'inventory', label: 'Inventory', description: 'vCenter objects as a table' },
  { value: 'vmDetail', label: 'VM detail', description: 'Static facts of chosen VMs: host, disks, NICs, guest OS' },
  { value: 'alerts', label: 'vROps alerts', description: 'Active vROps alerts at or above a level' },
];

/** InventoryEntity is what an inventory query lists. */
export type InventoryEntity =
  'hosts' | 'clusters' | 'datastores' | 'networks' | 'datacenters' | 'folders' | 'resourcePools' | 'vms';

/** VariableEntity is what a variable query lists: inventory entities without folders and resource pools. */
export type VariableEntity = Exclude<InventoryEntity, 'folders' | 'resourcePools'>;

/** PowerState is a VM power state as vCenter reports it. */
export type PowerState = 'POWERED_ON' | 'POWERED_OFF' | 'SUSPENDED';

/**
 * InventoryFilter narrows inventory and variable queries. Every field accepts template variables;
 * a multi-value variable becomes an array after interpolation.
 */
export interface InventoryFilter {
  datacenter?: string | string[];
  cluster?: string | string[];
  host?: string | string[];
  powerState?: string | string[];
  nameRegex?: string;
}

/** ResourceKind is a vROps resource kind that metrics can be read for. */
export type ResourceKind = 'VirtualMachine' | 'HostSystem' | 'ClusterComputeResource' | 'Datastore';

/** SelectionMode says how a ResourceSelection picks resources. */
export type SelectionMode = 'ids' | 'regex' | 'under';

/** ResourceSelection picks the resources of a metrics, latest or alerts query. */
export interface ResourceSelection {
  /** ids: names or ids; regex: name regex; under: every resource of the kind under `parent`. */
  mode: SelectionMode;
  ids?: string[];
  regex?: string;
  /** A cluster, host or datacenter name or id, for mode 'under'. */
  parent?: string;
}

/** RollUp is how vROps condenses samples into one point per interval. */
export type RollUp = 'AVG' | 'MAX' | 'MIN' | 'LATEST';

/** AlertLevel is a vROps alert criticality. */
export type AlertLevel = 'INFO' | 'WARNING' | 'IMMEDIATE' | 'CRITICAL';

/** AnnotationKind is what an annotation query marks on a graph. */
export type AnnotationKind = 'vmOperations' | 'hostChanges';

/** InventoryQuery lists vCenter objects as one table. */
export interface InventoryQuery extends DataQuery {
  queryType: 'inventory';
  entity: InventoryEntity;
  filter?: InventoryFilter;
}

/** VmDetailQuery returns the static facts of the chosen VMs. */
export interface VmDetailQuery extends DataQuery {
  queryType: 'vmDetail';
  vms: string[];
}

/** MetricsQuery reads vROps time series. */
export interface MetricsQuery extends DataQuery {
  queryType: 'metrics';
  resourceKind: ResourceKind;
  selection: ResourceSelection;
  statKeys: string[];
  rollUp: RollUp;
  /** 'auto' follows the panel's interval, snapped to the vROps collection interval; else e.g. '5m', '1h', '1d'. */
  interval: string;
}

/** LatestQuery reads the latest value of each stat key. */
export interface LatestQuery extends DataQuery {
  queryType: 'latest';
  resourceKind: ResourceKind;
  selection: ResourceSelection;
  statKeys: string[];
}

/** AlertsQuery lists active vROps alerts. */
export interface AlertsQuery extends DataQuery {
  queryType: 'alerts';
  minLevel: AlertLevel;
  selection?: ResourceSelection;
}

/** VariableQuery answers a template variable with text = name and value = id. */
export interface VariableQuery extends DataQuery {
  queryType: 'variable';
  entity: VariableEntity;
  filter?: InventoryFilter;
}

/** AnnotationsQuery marks VM operations or VM host changes on graphs. */
export interface AnnotationsQuery extends DataQuery {
  queryType: 'annotations';
  annotationKind: AnnotationKind;
  vms?: string[];
}

/** VsphereQuery is every query this data source stores and sends, discriminated by queryType. */
export type VsphereQuery =
  InventoryQuery | VmDetailQuery | MetricsQuery | LatestQuery | AlertsQuery | VariableQuery | AnnotationsQuery;

/** QueryOfType picks the member of VsphereQuery with the given queryType. */
export type QueryOfType<T extends QueryType> = Extract<VsphereQuery, { queryType: T }>;

/** StatKey is one entry of the backend's `statkeys` resource (docs/contracts.md §3). */
export interface StatKey {
  key: string;
  name: string;
  unit: string;
  description: string;
}

/** InventoryItem is the part of an `inventory/{entity}` item that pickers use. */
export interface InventoryItem {
  id: string;
  name: string;
  [field: string]: unknown;
}

/** InventoryPage is the answer of `inventory/{entity}`. */
export interface InventoryPage {
  items: InventoryItem[];
  total: number;
  page: number;
  pageSize: number;
}
