import type { GrafanaAlertT } from '../schemas/webhook';
import type { MatchersT, QuietHoursT, SeverityT } from '../schemas/internal';

const rank: Record<SeverityT, number> = { info: 0, warning: 1, critical: 2 };

/** The words Grafana users put in a severity label, lower case, and what they mean here. */
const SEVERITY_WORDS = new Map<string, SeverityT>([
  ['critical', 'critical'],
  ['danger', 'critical'],
  ['high', 'critical'],
  ['page', 'critical'],
  ['warning', 'warning'],
  ['warn', 'warning'],
  ['medium', 'warning'],
  ['info', 'info'],
  ['low', 'info'],
  ['none', 'info'],
]);

/** severityOf reads the configured severity label; unknown or missing values get the default. */
export function severityOf(labels: Record<string, string>, labelName: string, fallback: SeverityT): SeverityT {
  const v = labels[labelName];
  if (v === undefined) {
    return fallback;
  }
  return SEVERITY_WORDS.get(v.toLowerCase()) ?? fallback;
}

/** RoutableUser is the part of a subscription that decides whether an alert reaches the user. */
export interface RoutableUser {
  minSeverity: SeverityT;
  matchers: MatchersT;
  firing: boolean;
  resolved: boolean;
}

/**
 * placedAlert is the alert as subscription matchers see it: a VM alert's series labels name the VM
 * only (docs/contracts.md §2), so its current host and cluster (docs/contracts.md §5) stand in for
 * the `host` / `cluster` labels it no longer carries. Labels the alert does carry always win.
 */
export function placedAlert(alert: GrafanaAlertT, where: { host: string; cluster: string } | undefined): GrafanaAlertT {
  if (!where) {
    return alert;
  }
  const labels = { ...alert.labels };
  if (!labels.host && where.host) {
    labels.host = where.host;
  }
  if (!labels.cluster && where.cluster) {
    labels.cluster = where.cluster;
  }
  return { ...alert, labels };
}

/** matches says whether one alert event goes to one subscriber. */
export function matches(user: RoutableUser, alert: GrafanaAlertT, severity: SeverityT): boolean {
  if (alert.status === 'firing' && !user.firing) {
    return false;
  }
  if (alert.status === 'resolved' && !user.resolved) {
    return false;
  }
  if (rank[severity] < rank[user.minSeverity]) {
    return false;
  }
  for (const key of ['cluster', 'host', 'vm', 'alertname'] as const) {
    const wanted = user.matchers[key];
    // An alert without the label does not match a list of wanted values.
    if (wanted && wanted.length > 0 && !wanted.includes(alert.labels[key] as string)) {
      return false;
    }
  }
  return true;
}

function localMinutes(now: number, tz: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: tz,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(now));
  const at = Object.fromEntries(parts.map((p) => [p.type, p.value]));
  return Number(at.hour) * 60 + Number(at.minute);
}

const toMin = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * quietUntil answers the epoch ms at which the user's quiet hours end, or null when `now` is not
 * inside them. Windows may cross midnight (22:00-07:00). An unknown time zone counts as UTC.
 */
export function quietUntil(now: number, q: QuietHoursT | undefined): number | null {
  if (!q) {
    return null;
  }
  let cur: number;
  try {
    cur = localMinutes(now, q.tz);
  } catch {
    cur = localMinutes(now, 'UTC');
  }
  const s = toMin(q.start);
  const e = toMin(q.end);
  if (s === e) {
    return null;
  }
  // s === e returned above, so a mutant "s <= e" here is equivalent (the one surviving mutant, README).
  const inside = s < e ? cur >= s && cur < e : cur >= s || cur < e;
  if (!inside) {
    return null;
  }
  const minutesLeft = (e - cur + 1440) % 1440;
  const startOfMinute = now - (now % 60000);
  return startOfMinute + minutesLeft * 60000;
}
