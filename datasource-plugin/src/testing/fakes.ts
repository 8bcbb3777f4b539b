import { DataSourceInstanceSettings, ScopedVars, TypedVariableModel } from '@grafana/data';
import { BackendSrvRequest, TemplateSrv } from '@grafana/runtime';
import { of } from 'rxjs';

import { VsphereDataSource } from '../datasource';
import { VsphereOptions } from '../types/config';

/** Values of dashboard variables for FakeTemplateSrv: a string, or an array for multi-value. */
export type FakeVariables = Record<string, string | string[]>;

const escapeRegex = (s: string) => s.replace(/[\\^$*+?.()|[\]{}\/]/g, '\\$&');

/**
 * FakeTemplateSrv stands in for Grafana's template service, which only exists inside a running
 * Grafana. It follows Grafana's documented interpolation: `$var`, `${var}`, `${var:format}` and
 * `[[var]]`; scoped variables win over dashboard ones; a format function receives the raw value
 * (an array for multi-value); the `regex` format escapes and joins values as `(a|b)`; without a
 * format a multi-value variable renders as `{a,b}`.
 */
export class FakeTemplateSrv implements TemplateSrv {
  constructor(private readonly vars: FakeVariables = {}) {}

  getVariables(): TypedVariableModel[] {
    return Object.keys(this.vars).map((name) => ({ name, type: 'custom' }) as unknown as TypedVariableModel);
  }

  containsTemplate(target?: string): boolean {
    return !!target && /\$\w+|\$\{[^}]+\}|\[\[[^\]]+\]\]/.test(target);
  }

  updateTimeRange(): void {}

  replace(target?: string, scopedVars?: ScopedVars, format?: string | Function): string {
    if (!target) {
      return target ?? '';
    }
    return target.replace(/\$(\w+)|\$\{(\w+)(?::(\w+))?\}|\[\[(\w+)\]\]/g, (match, a, b, fmt, c) => {
      const name = a ?? b ?? c;
      const scoped = scopedVars?.[name]?.value as string | string[] | undefined;
      const value = scoped ?? this.vars[name];
      if (value === undefined) {
        return match;
      }
      const f = fmt ?? format;
      if (typeof f === 'function') {
        return f(value, { name });
      }
      if (f === 'regex') {
        return Array.isArray(value) ? `(${value.map(escapeRegex).join('|')})` : escapeRegex(value);
      }
      if (f === 'csv') {
        return Array.isArray(value) ? value.join(',') : value;
      }
      return Array.isArray(value) ? `{${value.join(',')}}` : value;
    });
  }
}

/** settings returns instance settings of a provisioned data source as Grafana hands them over. */
export function settings(): DataSourceInstanceSettings<VsphereOptions> {
  return {
    // Grafana still sends the numeric id; the type marks it deprecated.
    // eslint-disable-next-line @typescript-eslint/no-deprecated
    id: 1,
    uid: 'vsphere',
    type: 'privatecloud-vsphere-datasource',
    name: 'vSphere',
    access: 'proxy',
    readOnly: false,
    jsonData: {},
    meta: { id: 'privatecloud-vsphere-datasource' } as DataSourceInstanceSettings['meta'],
  };
}

/** Route answers GET resource calls of the fake backend: path → body, or a function of params. */
export type Routes = Record<string, unknown | ((params: Record<string, unknown>) => unknown)>;

/** BackendCall records one request the data source made through Grafana's backend service. */
export interface BackendCall {
  url: string;
  method?: string;
  params?: Record<string, unknown>;
}

/**
 * fakeBackendSrv answers `getBackendSrv().fetch` like Grafana's proxy to the plugin backend
 * would, from a table of resource routes, and records every call. A route missing from the
 * table fails like Grafana does with the backend's `{ error, message }` body.
 */
export function fakeBackendSrv(routes: Routes) {
  const calls: BackendCall[] = [];
  const fetch = jest.fn((req: BackendSrvRequest) => {
    const path = req.url.replace(/^\/api\/datasources\/uid\/[^/]+\/resources\//, '');
    calls.push({ url: path, method: req.method, params: req.params });
    if (!(path in routes)) {
      throw { status: 404, data: { error: 'not_found', message: `no route ${path}` } };
    }
    const r = routes[path];
    const data = typeof r === 'function' ? (r as (p: Record<string, unknown>) => unknown)(req.params ?? {}) : r;
    if (data instanceof Error) {
      throw { status: 502, data: { error: 'upstream_error', message: data.message } };
    }
    return of({ data, status: 200, ok: true });
  });
  return { fetch, calls };
}

/** newDataSource builds the real data source class around a fake template service. */
export function newDataSource(vars: FakeVariables = {}): VsphereDataSource {
  return new VsphereDataSource(settings(), new FakeTemplateSrv(vars));
}
