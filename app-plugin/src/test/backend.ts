import { of, throwError } from 'rxjs';

/** One recorded request the page sent through backendSrv.fetch. */
export interface SentRequest {
  method: string;
  url: string;
  path: string;
  query: URLSearchParams;
  data?: unknown;
}

/** A handler answers a request with data, or with `{ status, data }` via `fail`. */
export type Handler = (req: SentRequest) => unknown;

/** Fake routes: a fixed answer or a handler, keyed by "METHOD path". */
export type Routes = Record<string, Handler | Failure | object | null>;

/** Marks a handler answer as an HTTP error with the contract's error body. */
export class Failure {
  constructor(
    readonly status: number,
    readonly data: unknown
  ) {}
}

/** Builds a contract error answer (`{ error, message }`). */
export function fail(status: number, error: string, message: string): Failure {
  return new Failure(status, { error, message });
}

/**
 * A fake of Grafana's backendSrv at the only boundary the app uses (`fetch`). Routes are keyed by
 * "METHOD path" (path without the query string); unknown routes answer 404 so a page that calls
 * something unexpected shows it instead of hanging.
 */
export function fakeBackend(routes: Routes) {
  const sent: SentRequest[] = [];
  const fetch = jest.fn((opts: { method?: string; url: string; data?: unknown }) => {
    const [path, qs] = opts.url.split('?');
    const req: SentRequest = {
      method: (opts.method ?? 'GET').toUpperCase(),
      url: opts.url,
      path,
      query: new URLSearchParams(qs ?? ''),
      data: opts.data,
    };
    sent.push(req);
    const key = `${req.method} ${path}`;
    if (!(key in routes)) {
      return throwError(() => ({ status: 404, data: { error: 'not_found', message: `no fake for ${key}` } }));
    }
    const r = routes[key];
    let answer: unknown;
    try {
      answer = typeof r === 'function' ? (r as Handler)(req) : r;
    } catch (e) {
      return throwError(() => e);
    }
    if (answer instanceof Failure) {
      return throwError(() => ({ status: answer.status, data: answer.data }));
    }
    if (answer instanceof Promise) {
      return new (require('rxjs').Observable)((sub: any) => {
        answer.then(
          (v: unknown) =>
            v instanceof Failure
              ? sub.error({ status: v.status, data: v.data })
              : (sub.next({ data: v, status: 200, ok: true }), sub.complete()),
          (e: unknown) => sub.error(e)
        );
      });
    }
    return of({ data: answer, status: 200, ok: true });
  });
  return { backendSrv: { fetch }, sent, fetch };
}

/** Resource API path of the test data source. */
export const RES = '/api/datasources/uid/ds1/resources';

/** A `GET me` answer with the given permissions. */
export function meAnswer(
  role: string,
  perms: Partial<Record<'create' | 'edit' | 'power' | 'delete' | 'clone' | 'migrate' | 'manageSubscriptions', boolean>>
) {
  return {
    login: role.toLowerCase(),
    email: `${role.toLowerCase()}@example.com`,
    name: role,
    role,
    permissions: {
      create: false,
      edit: false,
      power: false,
      delete: false,
      clone: false,
      migrate: false,
      manageSubscriptions: false,
      ...perms,
    },
  };
}

/** Full permissions. */
export const ADMIN = meAnswer('Admin', {
  create: true,
  edit: true,
  power: true,
  delete: true,
  clone: true,
  migrate: true,
  manageSubscriptions: true,
});
/** Editor defaults. */
export const EDITOR = meAnswer('Editor', { edit: true, power: true, migrate: true });
/** Viewer: reads only. */
export const VIEWER = meAnswer('Viewer', {});
