import type SQLite from 'better-sqlite3';
import type { Durability } from './durability';
import type { IntakeWriter, PreparedIntake } from './intake-repo';

/** SqliteIntake writes webhook deliveries through better-sqlite3, the connection Kysely uses too. */
export class SqliteIntake implements IntakeWriter {
  private statements?: {
    notification: SQLite.Statement;
    event: SQLite.Statement;
    settle: SQLite.Statement;
  };

  constructor(
    private readonly sqlite: SQLite.Database,
    private readonly durability: Durability
  ) {}

  /**
   * write stores the batch with prepared statements in one synchronous transaction, committed
   * with synchronous=FULL: sqlite3 fsyncs the WAL before the commit returns, on the event loop. That
   * fsync is short (the batch is small) and prompt, so this path keeps SQLite's own guarantee
   * rather than the worker's deferred group fdatasync (measured: lower p99 acknowledgement latency).
   */
  async write(batch: PreparedIntake[]): Promise<Array<{ id: number; accepted: number }>> {
    const db = this.sqlite;
    // Kysely work on this connection completes within one event-loop turn (the driver is
    // synchronous and it awaits nothing else), so this is a safety net, not a wait that happens.
    while (db.inTransaction || this.durability.held) {
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    const s = (this.statements ??= {
      notification: db.prepare(
        `INSERT INTO notifications (received_at, group_key, status, payload, state, new_alerts) VALUES (?, ?, ?, '', 'new', 0)`
      ),
      event: db.prepare(
        `INSERT INTO alert_events (event_key, notification_id, accepted_at, fingerprint, status, severity, alert) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (event_key) DO UPDATE SET notification_id = excluded.notification_id, accepted_at = excluded.accepted_at
         WHERE alert_events.accepted_at < ?`
      ),
      settle: db.prepare(`UPDATE notifications SET state = ?, new_alerts = ? WHERE id = ?`),
    });
    const stored = db.transaction(() =>
      batch.map((n) => {
        const id = Number(s.notification.run(n.now, n.groupKey, n.status).lastInsertRowid);
        let accepted = 0;
        for (const e of n.events) {
          accepted += s.event.run(e.key, id, n.now, e.fingerprint, e.status, e.severity, e.alert, n.cutoff).changes;
        }
        s.settle.run(accepted > 0 ? 'new' : 'duplicate', accepted, id);
        return { id, accepted };
      })
    )();
    // That commit fsynced the WAL: the worker's earlier commits are on disk too.
    this.durability.covered();
    return stored;
  }
}
