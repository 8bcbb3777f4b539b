/** An error answered by the resource API (`{ error, message }`, docs/contracts.md §3) or by Grafana on the way. */
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

interface FailedAnswer {
  status?: number;
  statusText?: string;
  message?: string;
  data?: {
    error?: string;
    message?: string;
    /** `/api/ds/query` answers 400 with every query's result; failed ones carry `error`. */
    results?: Record<string, { error?: string; status?: number }>;
  };
}

/** The first failed query's message of an `/api/ds/query` answer, if any. */
function queryError(data: FailedAnswer['data']): string | undefined {
  for (const r of Object.values(data?.results ?? {})) {
    if (r && typeof r.error === 'string' && r.error) {
      return r.error;
    }
  }
  return undefined;
}

/**
 * Turns whatever backendSrv rejected with into an ApiError whose message is the backend's own
 * sentence: the resource API's `message`, else the failed query's `error` of an `/api/ds/query`
 * answer. HTTP reason phrases such as "Bad Request" are never the message: they say nothing.
 */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) {
    return err;
  }
  const e = (err ?? {}) as FailedAnswer;
  const status = typeof e.status === 'number' ? e.status : 0;
  const fromQuery = queryError(e.data);
  // The contract's codes are single words (`upstream_error`); a sentence in `error` is a message.
  const coded = typeof e.data?.error === 'string' && /^[a-z_]+$/.test(e.data.error) ? e.data.error : undefined;
  const code = coded ?? (fromQuery ? 'query_error' : status ? `http_${status}` : 'network');
  const generic = (m?: string) =>
    !m || m === coded || m === e.statusText || /^(Bad Request|Internal Server Error|Bad Gateway)$/i.test(m);
  const sentence = typeof e.data?.error === 'string' && !coded ? e.data.error : undefined;
  const own = [e.data?.message, fromQuery, sentence, e.message].find((m) => !generic(m));
  const message =
    own ??
    (status ? `The request failed with HTTP ${status} and no explanation.` : 'The request did not reach Grafana.');
  return new ApiError(code, message, status);
}

/** Mentions of the upstream systems in a backend message. */
const UPSTREAM = /\b(vROps|vCenter|relay|upstream|HTTP 5\d\d|timed? ?out|timeout)\b/i;

/**
 * What a person can do about an error, from its code (docs/contracts.md §3) and, for failed
 * queries, from the backend's message. Always one sentence.
 */
export function errorAdvice(err: { code: string; status: number; message: string }): string {
  switch (err.code) {
    case 'bad_request':
      return 'Correct the highlighted input and send it again.';
    case 'forbidden':
      return 'Your role may not do this here; ask a Grafana admin for a role that may.';
    case 'unauthenticated':
      return 'Your Grafana session has ended: sign in again, then retry.';
    case 'not_found':
      return 'It may have been deleted or moved meanwhile: reload the list and pick it again.';
    case 'conflict':
      return 'The VM changed meanwhile: reload it to see its current state, then try again.';
    case 'outcome_unknown':
      return 'vCenter may have done it anyway: reload the VM and check before trying again.';
    case 'upstream_error':
      return 'vCenter or vROps did not answer as expected: retry in a minute; if it persists, ask the Grafana admin to check the data source (Save & test).';
    case 'network':
      return 'Grafana could not be reached: check your network connection, then retry.';
  }
  if (err.code === 'query_error' && UPSTREAM.test(err.message)) {
    return 'vCenter or vROps did not answer as expected: retry in a minute; if it persists, ask the Grafana admin to check the data source (Save & test).';
  }
  if (err.status >= 500 || err.code === 'query_error') {
    return 'Retry in a minute; if it persists, ask the Grafana admin to check the data source (Save & test).';
  }
  if (err.status === 403) {
    return 'Your role may not do this here; ask a Grafana admin for a role that may.';
  }
  return 'Retry; if it persists, reload the page.';
}

/**
 * Whether the data source's backend does not offer a call at all (an older backend answers
 * `404 not_found` "no resource <METHOD> <path>", pkg/resources/routes.go), as opposed to a 404
 * about the object asked for.
 */
export function isUnsupported(err: { status: number; message: string }): boolean {
  return err.status === 404 && /^no resource /i.test(err.message);
}
