import { lastValueFrom } from 'rxjs';
import { dataFrameFromJSON, DataFrameJSON, DataFrameView, FieldType, getFieldDisplayName } from '@grafana/data';
import { getBackendSrv } from '@grafana/runtime';
import { ApiError, toApiError } from './errors';
import {
  AuditEvent,
  CloneRequest,
  ClusterSummary,
  Customization,
  CustomizationSpecInfo,
  DeployRequest,
  DatastoreSummary,
  GuestOsOption,
  HardwareLimits,
  HostChange,
  HostPage,
  LibraryItem,
  Me,
  MigrateOptions,
  MigrateRequest,
  OvfInfo,
  Page,
  PlacementOptions,
  PowerAction,
  PowerState,
  Subscription,
  TaskInfo,
  VmCreateRequest,
  VmDetail,
  VmHardwarePatch,
  VmSummary,
} from '../types';

export { ApiError, toApiError } from './errors';

/** Query parameters; empty values are left out so the backend applies its defaults. */
export type Params = Record<string, string | number | undefined>;

function queryString(params?: Params): string {
  if (!params) {
    return '';
  }
  const usp = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== '') {
      usp.set(k, String(v));
    }
  }
  const s = usp.toString();
  return s ? `?${s}` : '';
}

/**
 * Sends one request through Grafana's backendSrv. Grafana's own error toast is turned off because
 * the pages report errors themselves, with the backend's message and next to what failed.
 */
export async function request<T>(method: string, url: string, data?: unknown): Promise<T> {
  try {
    const res = await lastValueFrom(
      getBackendSrv().fetch<T>({ method, url, data, showErrorAlert: false, showSuccessAlert: false })
    );
    return res.data;
  } catch (err) {
    throw toApiError(err);
  }
}

/** Inventory entities the resource API lists. */
export type InventoryEntity = 'vms' | 'hosts' | 'clusters' | 'datastores' | 'networks' | 'datacenters';

/** Paging, search and sort parameters of `inventory/{entity}`. */
export interface InventoryParams {
  search?: string;
  cluster?: string;
  host?: string;
  datacenter?: string;
  powerState?: PowerState | '';
  page?: number;
  pageSize?: number;
  sort?: string;
  order?: 'asc' | 'desc';
}

/** What `POST vms/{id}/power` answers: at least the new power state, maybe the whole fresh VM. */
export type PowerAnswer = { powerState: PowerState } & Partial<VmDetail>;

/** Filters of the audit log. */
export interface AuditParams {
  vm?: string;
  user?: string;
  from?: string;
  to?: string;
  page?: number;
  pageSize?: number;
}

/** Typed client of one data source's resource API (docs/contracts.md §3). */
export class VsphereClient {
  readonly uid: string;

  constructor(uid: string) {
    this.uid = uid;
  }

  private url(path: string, params?: Params): string {
    return `/api/datasources/uid/${encodeURIComponent(this.uid)}/resources/${path}${queryString(params)}`;
  }

  /** A page of VMs. */
  vms(p: InventoryParams): Promise<Page<VmSummary>> {
    return request('GET', this.url('inventory/vms', { ...p }));
  }
  /** A page of hosts. */
  hosts(p: InventoryParams = {}): Promise<HostPage> {
    return request('GET', this.url('inventory/hosts', { ...p }));
  }
  /** A page of clusters. */
  clusters(p: InventoryParams = {}): Promise<Page<ClusterSummary>> {
    return request('GET', this.url('inventory/clusters', { ...p }));
  }
  /** A page of datastores. */
  datastores(p: InventoryParams = {}): Promise<Page<DatastoreSummary>> {
    return request('GET', this.url('inventory/datastores', { ...p }));
  }
  /** Full detail of one VM. */
  vm(id: string): Promise<VmDetail> {
    return request('GET', this.url(`vms/${encodeURIComponent(id)}`));
  }
  /** Host changes of one VM. */
  history(id: string): Promise<HostChange[]> {
    return request('GET', this.url(`vms/${encodeURIComponent(id)}/history`));
  }
  /** What the hardware may change to now. */
  hardwareLimits(id: string): Promise<HardwareLimits> {
    return request('GET', this.url(`vms/${encodeURIComponent(id)}/hardware/limits`));
  }
  /** Changes CPU and/or memory. */
  patchHardware(id: string, patch: VmHardwarePatch): Promise<VmDetail> {
    return request('PATCH', this.url(`vms/${encodeURIComponent(id)}/hardware`), patch);
  }
  /**
   * Runs a power operation. The contract answers `{ powerState }`; a backend that answers the fresh
   * VM (more VmDetail fields) lets the page show everything new without another read.
   */
  power(id: string, action: PowerAction): Promise<PowerAnswer> {
    return request('POST', this.url(`vms/${encodeURIComponent(id)}/power`), { action });
  }
  /** Deletes a VM; the backend refuses when the name does not match. */
  deleteVm(id: string, confirmName: string): Promise<void> {
    return request('DELETE', this.url(`vms/${encodeURIComponent(id)}`), { confirmName });
  }
  /** Creates a VM. */
  createVm(body: VmCreateRequest): Promise<{ id: string; name: string }> {
    return request('POST', this.url('vms'), body);
  }
  /**
   * Starts a clone as a vCenter task (`POST vms/{id}/clone?async=true` → `202 { task }`), followed
   * with `task()`.
   */
  cloneVm(id: string, body: CloneRequest): Promise<{ task: string }> {
    return request('POST', this.url(`vms/${encodeURIComponent(id)}/clone`, { async: 'true' }), body);
  }
  /** Instant clone of a running VM; answers the new, running VM (no task). */
  instantCloneVm(id: string, body: CloneRequest): Promise<VmDetail> {
    return request('POST', this.url(`vms/${encodeURIComponent(id)}/instant-clone`), body);
  }
  /** Content library items: VM templates and OVF packages. */
  templates(): Promise<LibraryItem[]> {
    return request('GET', this.url('templates'));
  }
  /** What an OVF package needs before deploying: EULAs and the networks to map. */
  ovfInfo(item: string, placement: { folder?: string; cluster?: string; host?: string }): Promise<OvfInfo> {
    return request('GET', this.url(`templates/${encodeURIComponent(item)}/ovf`, { ...placement }));
  }
  /** Starts a deploy from a library item as a vCenter task. */
  deployTemplate(item: string, body: DeployRequest): Promise<{ task: string }> {
    return request('POST', this.url(`templates/${encodeURIComponent(item)}/deploy`, { async: 'true' }), body);
  }
  /**
   * Deploys an OVF package and answers the new VM (the backend runs OVF deploys without a task:
   * docs/contracts.md §3, `?async=true` is for VM templates only).
   */
  deployOvf(item: string, body: DeployRequest): Promise<VmDetail> {
    return request('POST', this.url(`templates/${encodeURIComponent(item)}/deploy`), body);
  }
  /** Stored guest customization specs. */
  customizationSpecs(): Promise<CustomizationSpecInfo[]> {
    return request('GET', this.url('customization-specs'));
  }
  /**
   * Applies a stored customization spec with this VM's host name and IPv4 settings to a powered-off
   * VM (`PUT vms/{id}/customization`); the guest takes it at its next power-on. Answers the VM.
   */
  customizeVm(id: string, body: Customization): Promise<VmDetail> {
    return request('PUT', this.url(`vms/${encodeURIComponent(id)}/customization`), body);
  }
  /** Progress of a vCenter task the backend started. */
  task(id: string): Promise<TaskInfo> {
    return request('GET', this.url(`tasks/${encodeURIComponent(id)}`));
  }
  /** Hosts and datastores a VM can move to, with the expected effect. */
  migrateOptions(id: string): Promise<MigrateOptions> {
    return request('GET', this.url(`vms/${encodeURIComponent(id)}/migrate/options`));
  }
  /** Starts a migration (vMotion and/or Storage vMotion) as a vCenter task. */
  migrateVm(id: string, body: MigrateRequest): Promise<{ task: string }> {
    return request('POST', this.url(`vms/${encodeURIComponent(id)}/migrate`, { async: 'true' }), body);
  }
  /** Guest OS choices. */
  guestOs(): Promise<GuestOsOption[]> {
    return request('GET', this.url('options/guest-os'));
  }
  /** Placement choices. */
  placement(): Promise<PlacementOptions> {
    return request('GET', this.url('options/placement'));
  }
  /** The operations log. */
  audit(p: AuditParams): Promise<{ items: AuditEvent[]; total: number }> {
    return request('GET', this.url('audit', { ...p }));
  }
  /** The signed-in user and what they may do. */
  me(): Promise<Me> {
    return request('GET', this.url('me'));
  }
  /**
   * Sends a test alert mail to the signed-in user's registered address through the relay
   * (`POST me/subscriptions/test`; backends without it answer 404, see app-plugin/src/README.md).
   */
  sendTestMail(): Promise<{ sentTo?: string }> {
    return request('POST', this.url('me/subscriptions/test'), {});
  }
  /** The signed-in user's alert e-mail registration. */
  mySubscription(): Promise<Subscription> {
    return request('GET', this.url('me/subscriptions'));
  }
  /** Saves the signed-in user's registration. */
  saveMySubscription(s: Partial<Subscription>): Promise<Subscription> {
    return request('PUT', this.url('me/subscriptions'), s);
  }
  /** Everyone's registrations (Admin). */
  subscriptions(): Promise<Subscription[]> {
    return request('GET', this.url('subscriptions'));
  }
  /** Saves someone's registration (Admin). */
  saveSubscription(login: string, s: Partial<Subscription>): Promise<Subscription> {
    return request('PUT', this.url(`subscriptions/${encodeURIComponent(login)}`), s);
  }
}

/** A data source instance as `/api/datasources` lists it. */
export interface DataSourceRef {
  uid: string;
  name: string;
  type: string;
}

/** Lists the data sources of the given type the user can see. */
export async function listDataSources(type: string): Promise<DataSourceRef[]> {
  const all = await request<DataSourceRef[]>('GET', '/api/datasources');
  return all.filter((d) => d.type === type);
}

/** One series of a metrics query: timestamps (ms) and values. */
export interface Series {
  name: string;
  unit?: string;
  stat?: string;
  times: number[];
  values: Array<number | null>;
}

/**
 * Reads time series out of `/api/ds/query` frames (one frame per resource × stat key, contracts §2)
 * with @grafana/data's frame helpers.
 */
export function framesToSeries(frames: DataFrameJSON[]): Series[] {
  const out: Series[] = [];
  for (const json of frames) {
    const frame = dataFrameFromJSON(json);
    const time = frame.fields.find((f) => f.type === FieldType.time);
    const value = frame.fields.find((f) => f.type === FieldType.number);
    if (!time || !value) {
      continue;
    }
    out.push({
      name: value.config?.displayNameFromDS ?? getFieldDisplayName(value, frame),
      unit: value.config?.unit,
      stat: value.labels?.stat,
      times: time.values.map((t) => Number(t)),
      values: value.values.map((v) => (v === null || v === undefined ? null : Number(v))),
    });
  }
  return out;
}

type QueryAnswer = { results?: Record<string, { error?: string; frames?: DataFrameJSON[] }> };

/** Sends queries to `/api/ds/query` and returns refId A's frames, or its error as an ApiError. */
async function runQuery(body: object): Promise<DataFrameJSON[]> {
  const res = await request<QueryAnswer>('POST', '/api/ds/query', body);
  const a = res.results?.A;
  if (a?.error) {
    throw new ApiError('query_error', a.error, 0);
  }
  return a?.frames ?? [];
}

/** The hourly-average `metrics` query (contracts §2) the app's charts run. */
export function metricsQuery(
  uid: string,
  resourceKind: 'VirtualMachine' | 'HostSystem',
  ids: string[],
  statKeys: string[]
) {
  return {
    refId: 'A',
    datasource: { uid, type: 'privatecloud-vsphere-datasource' },
    queryType: 'metrics',
    resourceKind,
    selection: { mode: 'ids', ids },
    statKeys,
    rollUp: 'AVG',
    interval: '1h',
  };
}

/** Runs a `metrics` query of the data source (contracts §2) through Grafana's `/api/ds/query`. */
export async function queryMetrics(
  uid: string,
  resourceKind: 'VirtualMachine' | 'HostSystem',
  ids: string[],
  statKeys: string[],
  from: string,
  to: string
): Promise<Series[]> {
  return framesToSeries(await runQuery({ from, to, queries: [metricsQuery(uid, resourceKind, ids, statKeys)] }));
}

/** One active vROps alert, from the data source's `alerts` query (a table frame). */
export interface VropsAlert {
  alertId: string;
  resource: string;
  resourceName: string;
  level: string;
  status: string;
  alert: string;
  impact: string;
  start: number | string;
}

/** Runs an `alerts` query (contracts §2) through `/api/ds/query` and reads the table frame. */
export async function queryAlerts(
  uid: string,
  minLevel: 'INFO' | 'WARNING' | 'IMMEDIATE' | 'CRITICAL'
): Promise<VropsAlert[]> {
  const frames = await runQuery({
    from: 'now-1h',
    to: 'now',
    queries: [
      { refId: 'A', datasource: { uid, type: 'privatecloud-vsphere-datasource' }, queryType: 'alerts', minLevel },
    ],
  });
  return frames.flatMap((json) => new DataFrameView<VropsAlert>(dataFrameFromJSON(json)).toArray());
}
