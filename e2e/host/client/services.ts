// The @grafana/runtime services the host provides, set through their public setters the way
// Grafana's own boot does: backend service (HTTP to the host server), data source service,
// template service (a small variable store) and the location service.
import {
  DataSourceApi,
  DataSourceInstanceSettings,
  DataSourcePluginMeta,
  EventBusSrv,
  ScopedVars,
  TypedVariableModel,
} from '@grafana/data';
import {
  BackendSrv,
  BackendSrvRequest,
  FetchError,
  FetchResponse,
  locationService,
  setAppEvents,
  setBackendSrv,
  setDataSourceSrv,
  setLocationSrv,
  setTemplateSrv,
  TemplateSrv,
} from '@grafana/runtime';
import { Observable, lastValueFrom } from 'rxjs';

function withParams(url: string, params?: BackendSrvRequest['params']): string {
  if (!params || typeof params !== 'object') {
    return url;
  }
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params as Record<string, unknown>)) {
    if (v === undefined || v === null) {
      continue;
    }
    for (const one of Array.isArray(v) ? v : [v]) {
      qs.append(k, String(one));
    }
  }
  const s = qs.toString();
  return s ? `${url}${url.includes('?') ? '&' : '?'}${s}` : url;
}

/** Requests made through the backend service, for the error banner and tests. */
export const requestErrors: string[] = [];

async function doFetch<T>(options: BackendSrvRequest, signal: AbortSignal): Promise<FetchResponse<T>> {
  const url = withParams(
    options.url.startsWith('/') || /^https?:/.test(options.url) ? options.url : `/${options.url}`,
    options.params
  );
  const method = (options.method ?? 'GET').toUpperCase();
  const headers: Record<string, string> = { Accept: 'application/json, text/plain, */*', ...(options.headers ?? {}) };
  let body: BodyInit | undefined;
  if (options.data !== undefined && method !== 'GET') {
    if (typeof options.data === 'string') {
      body = options.data;
    } else {
      body = JSON.stringify(options.data);
      headers['Content-Type'] = headers['Content-Type'] ?? 'application/json';
    }
  }
  if (options.requestId) {
    headers['X-Grafana-Request-Id'] = options.requestId;
  }
  const res = await fetch(url, { method, headers, body, signal, credentials: 'same-origin' });
  const text = await res.text();
  let data: any = text;
  if ((res.headers.get('content-type') ?? '').includes('json') && text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = text;
    }
  }
  const response = {
    data,
    status: res.status,
    statusText: res.statusText,
    ok: res.ok,
    headers: res.headers,
    redirected: res.redirected,
    type: res.type,
    url: res.url,
    config: options,
  } as FetchResponse<T>;
  if (!res.ok) {
    requestErrors.push(`${method} ${url} -> ${res.status}`);
    const err: FetchError = {
      status: res.status,
      statusText: res.statusText,
      data,
      config: options,
      message: (data && typeof data === 'object' && (data.message || data.error)) || res.statusText,
    } as FetchError;
    throw err;
  }
  return response;
}

/** The host's BackendSrv: same methods and error shape as Grafana's, over window.fetch. */
export class HostBackendSrv implements Partial<BackendSrv> {
  fetch<T>(options: BackendSrvRequest): Observable<FetchResponse<T>> {
    return new Observable<FetchResponse<T>>((sub) => {
      const ctrl = new AbortController();
      doFetch<T>(options, ctrl.signal).then(
        (r) => {
          sub.next(r);
          sub.complete();
        },
        (e) => sub.error(e)
      );
      return () => ctrl.abort();
    });
  }
  async request<T = any>(options: BackendSrvRequest): Promise<T> {
    return (await lastValueFrom(this.fetch<T>(options))).data;
  }
  datasourceRequest<T = any>(options: BackendSrvRequest): Promise<FetchResponse<T>> {
    return lastValueFrom(this.fetch<T>(options));
  }
  get<T = any>(url: string, params?: any, requestId?: string, options?: Partial<BackendSrvRequest>): Promise<T> {
    return this.request<T>({ ...options, url, params, requestId, method: 'GET' });
  }
  delete<T = any>(url: string, data?: any, options?: Partial<BackendSrvRequest>): Promise<T> {
    return this.request<T>({ ...options, url, data, method: 'DELETE' });
  }
  post<T = any>(url: string, data?: any, options?: Partial<BackendSrvRequest>): Promise<T> {
    return this.request<T>({ ...options, url, data, method: 'POST' });
  }
  patch<T = any>(url: string, data?: any, options?: Partial<BackendSrvRequest>): Promise<T> {
    return this.request<T>({ ...options, url, data, method: 'PATCH' });
  }
  put<T = any>(url: string, data?: any, options?: Partial<BackendSrvRequest>): Promise<T> {
    return this.request<T>({ ...options, url, data, method: 'PUT' });
  }
  resolveCancelerIfExists(): void {}
}

/** A dashboard variable as the host keeps it. */
export interface HostVariable {
  name: string;
  label?: string;
  current: string[];
  options: Array<{ text: string; value: string }>;
  multi: boolean;
  includeAll?: boolean;
}

/** The template service: variables with their current values, and Grafana's `replace` rules. */
export class HostTemplateSrv implements TemplateSrv {
  variables: HostVariable[] = [];
  private listeners = new Set<() => void>();

  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
  set(name: string, patch: Partial<HostVariable>): void {
    const v = this.variables.find((x) => x.name === name);
    if (v) {
      Object.assign(v, patch);
    } else {
      this.variables.push({ name, current: [], options: [], multi: false, ...patch });
    }
    this.listeners.forEach((l) => l());
  }
  getVariables(): TypedVariableModel[] {
    return this.variables.map(
      (v) =>
        ({
          type: 'query',
          name: v.name,
          label: v.label ?? v.name,
          multi: v.multi,
          includeAll: !!v.includeAll,
          current: { text: v.current, value: v.current },
          options: v.options.map((o) => ({ ...o, selected: v.current.includes(o.value) })),
        }) as unknown as TypedVariableModel
    );
  }
  containsTemplate(target?: string): boolean {
    return !!target && this.variables.some((v) => new RegExp(`\\$\\{?${v.name}\\b`).test(target));
  }
  updateTimeRange(): void {}
  replace(target?: string, scopedVars?: ScopedVars, format?: string | Function): string {
    if (!target) {
      return target ?? '';
    }
    return target.replace(/\$(\w+)|\$\{(\w+)(?::(\w+))?\}|\[\[(\w+)(?::(\w+))?\]\]/g, (match, n1, n2, f2, n3, f3) => {
      const name = n1 ?? n2 ?? n3;
      const fmt = f2 ?? f3 ?? format;
      const scoped = scopedVars?.[name];
      let values: string[] | undefined;
      if (scoped) {
        values = Array.isArray(scoped.value) ? scoped.value.map(String) : [String(scoped.value)];
      } else {
        const v = this.variables.find((x) => x.name === name);
        values = v ? v.current : undefined;
      }
      if (!values) {
        return match;
      }
      return formatValues(values, fmt);
    });
  }
}

/** Grafana's variable formats that the plugins use (docs: variable syntax, advanced formatting). */
function formatValues(values: string[], format?: string | Function): string {
  if (typeof format === 'function') {
    return format(values.length === 1 ? values[0] : values);
  }
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  switch (format) {
    case 'regex':
      return values.length === 1 ? esc(values[0]) : `(${values.map(esc).join('|')})`;
    case 'pipe':
      return values.join('|');
    case 'csv':
      return values.join(',');
    case 'json':
      return JSON.stringify(values.length === 1 ? values[0] : values);
    case 'raw':
      return values.join(',');
    default:
      return values.length === 1 ? values[0] : `{${values.join(',')}}`;
  }
}

/** The data source service over the instances the server put into boot data. */
export class HostDataSourceSrv {
  private instances = new Map<string, Promise<DataSourceApi>>();
  constructor(
    private settings: DataSourceInstanceSettings[],
    private load: (s: DataSourceInstanceSettings) => Promise<DataSourceApi>
  ) {}
  getInstanceSettings(ref?: any): DataSourceInstanceSettings | undefined {
    if (ref === undefined || ref === null || ref === 'default') {
      return this.settings[0];
    }
    const key = typeof ref === 'string' ? ref : ref.uid;
    return this.settings.find((s) => s.uid === key || s.name === key);
  }
  getList(filter?: { pluginId?: string; type?: string }): DataSourceInstanceSettings[] {
    return this.settings.filter(
      (s) => (!filter?.pluginId || s.type === filter.pluginId) && (!filter?.type || s.type === filter.type)
    );
  }
  get(ref?: any): Promise<DataSourceApi> {
    const s = this.getInstanceSettings(ref);
    if (!s) {
      return Promise.reject(new Error(`Datasource ${JSON.stringify(ref)} was not found`));
    }
    let p = this.instances.get(s.uid);
    if (!p) {
      p = this.load(s);
      this.instances.set(s.uid, p);
    }
    return p;
  }
  reload(): Promise<void> {
    this.instances.clear();
    return Promise.resolve();
  }
  registerRuntimeDataSource(): void {}
}

/** The host's template service instance. */
export const templateSrv = new HostTemplateSrv();

/** Sets every runtime service; call before any plugin code runs. */
export function initServices(
  dsSettings: DataSourceInstanceSettings[],
  loadDs: (s: DataSourceInstanceSettings) => Promise<DataSourceApi>
) {
  setBackendSrv(new HostBackendSrv() as unknown as BackendSrv);
  setAppEvents(new EventBusSrv());
  setTemplateSrv(templateSrv);
  setDataSourceSrv(new HostDataSourceSrv(dsSettings, loadDs) as any);
  setLocationSrv(locationService as any);
}

/** Plugin meta as Grafana hands it to the plugin loader. */
export type PluginMeta = DataSourcePluginMeta;
