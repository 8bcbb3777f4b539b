import crypto from 'node:crypto';
import type { SeverityT } from '../schemas/internal';
import type { GrafanaAlertT, GrafanaWebhookT } from '../schemas/webhook';
import { severityOf } from '../policy/matching';
import type { DbHandle } from './db';
import type { Durability } from './durability';
import { SqliteIntake } from './intake-sqlite';
import { PostgresIntake } from './intake-postgres';

/** StoredAlert is what an alert event row keeps: the alert plus the group context needed to render it. */
export interface StoredAlert {
  a: GrafanaAlertT;
  g: { groupKey: string; truncatedAlerts: number; externalURL?: string; title?: string };
}

/** IntakeItem is one webhook delivery to store, with the time it was received. */
export interface IntakeItem {
  payload: GrafanaWebhookT;
  now: number;
}

/** IntakeOptions are the intake settings (from the config). */
export interface IntakeOptions {
  repeatWindowMs: number;
  severityLabel: string;
  defaultSeverity: SeverityT;
}

/** IntakeResult is the answer to one delivery: its notification id and how many alert states were new. */
export interface IntakeResult {
  id: number | null;
  accepted: number;
  duplicates: number;
}

/** PreparedIntake is one delivery with its alert states keyed, classified and serialised. */
export interface PreparedIntake {
  now: number;
  groupKey: string;
  status: string;
  alerts: number;
  cutoff: number;
  events: Array<{ key: string; fingerprint: string; status: string; severity: SeverityT; alert: string }>;
}

/** IntakeWriter stores prepared deliveries in one transaction and answers (id, accepted) per delivery, in order. */
export interface IntakeWriter {
  write(batch: PreparedIntake[], repeatWindowMs: number): Promise<Array<{ id: number; accepted: number }>>;
}

const sha256 = (s: string) => crypto.createHash('sha256').update(s).digest('hex');

/** eventKey is the idempotency key of one alert state, as Grafana's redelivery repeats it. */
export function eventKey(groupKey: string, a: GrafanaAlertT): string {
  return sha256([groupKey, a.fingerprint, a.status, a.startsAt].join('\u0000'));
}

/**
 * prepareIntake keys, classifies and serialises a batch of deliveries. Grafana may list the same
 * alert state twice only by mistake: within the batch the first one is kept.
 */
export function prepareIntake(items: IntakeItem[], opts: IntakeOptions): PreparedIntake[] {
  const seen = new Set<string>();
  return items.map(({ payload: p, now }) => {
    const g = {
      groupKey: p.groupKey,
      truncatedAlerts: p.truncatedAlerts ?? 0,
      externalURL: p.externalURL,
      title: p.title,
    };
    const events: PreparedIntake['events'] = [];
    for (const a of p.alerts) {
      const key = eventKey(p.groupKey, a);
      if (seen.has(key)) {
        continue;
      }
      seen.add(key);
      events.push({
        key,
        fingerprint: a.fingerprint,
        status: a.status,
        severity: severityOf(a.labels, opts.severityLabel, opts.defaultSeverity),
        alert: JSON.stringify({ a, g } satisfies StoredAlert),
      });
    }
    return {
      now,
      groupKey: p.groupKey,
      status: p.status,
      alerts: p.alerts.length,
      cutoff: opts.repeatWindowMs > 0 ? now - opts.repeatWindowMs : -1,
      events,
    };
  });
}

/** IntakeRepository stores webhook deliveries (tables notifications, alert_events) on SQLite or PostgreSQL. */
export class IntakeRepository {
  private readonly writer: IntakeWriter;

  constructor(handle: DbHandle, durability: Durability) {
    this.writer = handle.sqlite ? new SqliteIntake(handle.sqlite, durability) : new PostgresIntake(handle);
  }

  /**
   * storeNotifications durably stores a batch of webhook deliveries in one transaction (one commit,
   * so one fsync, for every request that arrived together: group commit), and answers one result per
   * delivery, in order. Alert states already stored (same groupKey + fingerprint + status + startsAt)
   * count as duplicates unless their last acceptance is older than the repeat window, in which case
   * they are accepted again as a reminder. Within a batch, deliveries are decided in order, as if
   * each had its own transaction: a state repeated by a later delivery of the batch is a duplicate.
   * Only the alert states are written here; choosing recipients is the worker's job (fan-out).
   */
  async storeNotifications(items: IntakeItem[], opts: IntakeOptions): Promise<IntakeResult[]> {
    const prepared = prepareIntake(items, opts);
    const accepted = await this.writer.write(prepared, opts.repeatWindowMs);
    return prepared.map((n, i) => ({
      id: accepted[i].id,
      accepted: accepted[i].accepted,
      duplicates: n.alerts - accepted[i].accepted,
    }));
  }
}
