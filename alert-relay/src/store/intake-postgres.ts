import type { DbHandle } from './db';
import type { IntakeWriter, PreparedIntake } from './intake-repo';

/** PG_INTAKE_SQL stores a batch of deliveries: $1 notifications, $2 alert states (JSON arrays), $3 repeat window ms. */
const PG_INTAKE_SQL = `
WITH n AS (
  SELECT nextval(pg_get_serial_sequence('notifications', 'id')) AS id, x.*
  FROM json_to_recordset($1::json) AS x(ord int, received_at bigint, group_key text, status text)
  ORDER BY x.ord
), e AS (
  SELECT x.* FROM json_to_recordset($2::json)
    AS x(ord int, pos int, event_key text, accepted_at bigint, fingerprint text, status text, severity text, alert text)
), ins AS (
  -- In payload order, so the ids (and the order alerts are listed in mail) follow Grafana's order.
  INSERT INTO alert_events AS ae (event_key, notification_id, accepted_at, fingerprint, status, severity, alert)
  SELECT e.event_key, n.id, e.accepted_at, e.fingerprint, e.status, e.severity, e.alert FROM e JOIN n ON n.ord = e.ord
  ORDER BY e.ord, e.pos
  ON CONFLICT (event_key) DO UPDATE SET notification_id = excluded.notification_id, accepted_at = excluded.accepted_at
  WHERE $3::bigint > 0 AND ae.accepted_at < excluded.accepted_at - $3::bigint
  RETURNING notification_id
), c AS (
  SELECT notification_id, count(*)::int AS k FROM ins GROUP BY notification_id
), stored AS (
  INSERT INTO notifications (id, received_at, group_key, status, payload, state, new_alerts)
  SELECT n.id, n.received_at, n.group_key, n.status, '', CASE WHEN coalesce(c.k, 0) > 0 THEN 'new' ELSE 'duplicate' END, coalesce(c.k, 0)
  FROM n LEFT JOIN c ON c.notification_id = n.id
  RETURNING id, new_alerts
)
SELECT n.ord, stored.id, stored.new_alerts FROM n JOIN stored ON stored.id = n.id ORDER BY n.ord`;

/** PostgresIntake writes webhook deliveries in one named statement per batch. */
export class PostgresIntake implements IntakeWriter {
  constructor(private readonly handle: DbHandle) {}

  /**
   * write stores the batch in one statement (one round trip, atomic on its own): it
   * reserves the notification ids, upserts the alert states, and inserts the notifications with
   * their count of accepted states. The statement is named, so each connection parses and plans it
   * once (planning this statement cost the server more than running it).
   */
  async write(batch: PreparedIntake[], repeatWindowMs: number): Promise<Array<{ id: number; accepted: number }>> {
    const notifications = JSON.stringify(
      batch.map((n, ord) => ({ ord, received_at: n.now, group_key: n.groupKey, status: n.status }))
    );
    const events = JSON.stringify(
      batch.flatMap((n, ord) =>
        n.events.map((e, pos) => ({
          ord,
          pos,
          event_key: e.key,
          accepted_at: n.now,
          fingerprint: e.fingerprint,
          status: e.status,
          severity: e.severity,
          alert: e.alert,
        }))
      )
    );
    if (!this.handle.pool) {
      throw new Error('PostgreSQL store without its pool');
    }
    const { rows } = await this.handle.pool.query<{ ord: number; id: number; new_alerts: number }>({
      name: 'relay_intake_v2',
      text: PG_INTAKE_SQL,
      values: [notifications, events, repeatWindowMs],
    });
    if (rows.length !== batch.length) {
      throw new Error(`intake stored ${rows.length} of ${batch.length} notifications`);
    }
    return rows.map((x) => ({ id: Number(x.id), accepted: Number(x.new_alerts) }));
  }
}
