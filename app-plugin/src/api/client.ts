import { lastValueFrom } from 'rxjs';
import { getBackendSrv } from '@grafana/runtime';
import {
  AuditEvent,
  ClusterSummary,
  DatastoreSummary,
  GuestOsOption,
  HardwareLimits,
  HostChange,
  HostPage,
  Me,
  Page,
  PlacementOptions,
  PowerAction,
  PowerState,
  Subscription,
  VmCreateRequest,
  VmDetail,
  VmHardwarePatch,
  VmSummary,
} from '../types';

/** An error answered by the resource API (`{ error, message }`) or by Grafana on the way. */
export class ApiError extends Error {
  /** The contract's error code, e.g. `conflict`, or `network` when no answer came. */
  readonly code: string;
  /** HTTP status, 0 when there was none. */
  readonly status: number;

  constructor(code: string, message: string, status: number) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
  }
}

/** Turns whatever backendSrv rejected with into an ApiError with a sentence a person can read. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) {
    return err;
  }
  const e = (err ?? {}) as { status?: number; data?: { error?: string; message?: string }; message?: string };
  const status = typeof e.status === 'number' ? e.status : 0;
  const code = e.data?.error ?? (status ? `http_${status}` : 'network');
  const message =
    e.data?.message ||
    e.message ||
    (status ? `The request failed with HTTP ${status}.` : 'The request did not reach Grafana.');
  return new ApiError(code, message, status);
}

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
  /** Runs a power operation. */
  power(id: string, action: PowerAction): Promise<{ powerState: PowerState }> {
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

interface FrameJSON {
  schema?: {
    name?: string;
    fields?: Array<{
      name: string;
      type?: string;
      labels?: Record<string, string>;
      config?: { unit?: string; displayNameFromDS?: string };
    }>;
  };
  data?: { values?: unknown[][] };
}

/** Reads time series out of `/api/ds/query` frames (one frame per resource × stat key). */
export function framesToSeries(frames: FrameJSON[]): Series[] {
  const out: Series[] = [];
  for (const f of frames) {
    const fields = f.schema?.fields ?? [];
    const values = f.data?.values ?? [];
    const ti = fields.findIndex((x) => x.type === 'time' || x.name === 'time');
    const vi = fields.findIndex((x, i) => i !== ti && (x.type === 'number' || x.name === 'value'));
    if (ti < 0 || vi < 0) {
      continue;
    }
    const vf = fields[vi];
    out.push({
      name: vf.config?.displayNameFromDS ?? f.schema?.name ?? vf.name,
      unit: vf.config?.unit,
      stat: vf.labels?.stat,
      times: (values[ti] ?? []).map((t) => Number(t)),
      values: (values[vi] ?? []).map((v) => (v === null || v === undefined ? null : Number(v))),
    });
  }
  return out;
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
  const body = {
    from,
    to,
    queries: [
      {
        refId: 'A',
        datasource: { uid, type: 'privatecloud-vsphere-datasource' },
        queryType: 'metrics',
        resourceKind,
        selection: { mode: 'ids', ids },
        statKeys,
        rollUp: 'AVG',
        interval: '1h',
      },
    ],
  };
  const res = await request<{ results?: Record<string, { error?: string; frames?: FrameJSON[] }> }>(
    'POST',
    '/api/ds/query',
    body
  );
  const a = res.results?.A;
  if (a?.error) {
    throw new ApiError('query_error', a.error, 0);
  }
  return framesToSeries(a?.frames ?? []);
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
  const res = await request<{ results?: Record<string, { error?: string; frames?: FrameJSON[] }> }>(
    'POST',
    '/api/ds/query',
    {
      from: 'now-1h',
      to: 'now',
      queries: [
        { refId: 'A', datasource: { uid, type: 'privatecloud-vsphere-datasource' }, queryType: 'alerts', minLevel },
      ],
    }
  );
  const a = res.results?.A;
  if (a?.error) {
    throw new ApiError('query_error', a.error, 0);
  }
  const out: VropsAlert[] = [];
  for (const f of a?.frames ?? []) {
    const names = (f.schema?.fields ?? []).map((x) => x.name);
    const cols = f.data?.values ?? [];
    const n = cols[0]?.length ?? 0;
    for (let i = 0; i < n; i++) {
      const row: Record<string, unknown> = {};
      names.forEach((name, j) => (row[name] = cols[j]?.[i]));
      out.push(row as unknown as VropsAlert);
    }
  }
  return out;
}
