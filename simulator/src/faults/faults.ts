/** Outage makes one API (or both) answer 503 until `until` (epoch ms). */
export interface Outage {
  api: 'vcenter' | 'vrops' | 'all';
  until: number;
}

/** FaultSettings are the injected faults applied to VMware API calls (never to /__sim). */
export interface FaultSettings {
  latencyMs: number;
  jitterMs: number;
  /** Share of calls (0..1) that fail with 503. */
  errorRate: number;
  outage: Outage | null;
}

/** ApiFamily says which simulated product a request is for. */
export type ApiFamily = 'vcenter' | 'vrops' | 'control' | 'other';

/** apiFamilyOf classifies a request path. */
export function apiFamilyOf(url: string): ApiFamily {
  if (url.startsWith('/api/') || url === '/api' || url.startsWith('/rest/') || /^\/vc\/\d+\/api(\/|$)/.test(url))
    return 'vcenter';
  if (url.startsWith('/suite-api/')) return 'vrops';
  if (url.startsWith('/__sim')) return 'control';
  return 'other';
}

/** outageActive is true when `family` is inside an outage window at `now`. */
export function outageActive(f: FaultSettings, family: ApiFamily, now: number): boolean {
  if (!f.outage || now >= f.outage.until) return false;
  return f.outage.api === 'all' || f.outage.api === family;
}

/** delayFor draws the injected latency for one call. */
export function delayFor(f: FaultSettings, rnd: () => number): number {
  return Math.max(0, f.latencyMs + (f.jitterMs ? (rnd() * 2 - 1) * f.jitterMs : 0));
}
