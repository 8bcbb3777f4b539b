import { sql } from 'kysely';
import type { Database, DbHandle } from './db';
import type { Durability } from './durability';

/** The tables retention prunes, oldest-first, each in small batches. */
export type PrunedTable = 'outbox' | 'notifications' | 'alert_events' | 'audit_events' | 'vm_placements';

/** The tables whose sizes /metrics shows. */
export const SIZED_TABLES = [
  'users',
  'notifications',
  'alert_events',
  'outbox',
  'outbox_items',
  'audit_events',
  'vm_placements',
] as const;

/**
 * RetentionRepository deletes delivery data (sent or parked mail with its item links, fanned-out
 * notifications, alert events no mail refers to) older than one cutoff and audit events older than
 * another, `limit` rows per call and transaction, so pruning never holds the database (and, with
 * SQLite, the event loop) for long. Work still waiting (new notifications, pending mail) is never
 * touched.
 */
export class RetentionRepository {
  constructor(
    private readonly handle: DbHandle,
    private readonly durability: Durability
  ) {}

  /** pruneBatch deletes up to `limit` rows of `table` older than `cutoff` (epoch ms); answers how many. */
  async pruneBatch(table: PrunedTable, cutoff: number, limit: number): Promise<number> {
    return this.durability.lightTransaction(
      async (trx) => {
        switch (table) {
          case 'outbox': {
            const ids = (
              await trx
                .selectFrom('outbox')
                .select('id')
                .where('state', 'in', ['sent', 'parked'])
                .where('created_at', '<', cutoff)
                .orderBy('created_at')
                .limit(limit)
                .execute()
            ).map((r) => Number(r.id));
            if (ids.length === 0) {
              return 0;
            }
            await trx.deleteFrom('outbox_items').where('outbox_id', 'in', ids).execute();
            await trx.deleteFrom('outbox').where('id', 'in', ids).execute();
            return ids.length;
          }
          case 'notifications': {
            const ids = (
              await trx
                .selectFrom('notifications')
                .select('id')
                .where('state', '!=', 'new')
                .where('received_at', '<', cutoff)
                .orderBy('received_at')
                .limit(limit)
                .execute()
            ).map((r) => Number(r.id));
            if (ids.length === 0) {
              return 0;
            }
            await trx.deleteFrom('notifications').where('id', 'in', ids).execute();
            return ids.length;
          }
          case 'alert_events': {
            const ids = (
              await trx
                .selectFrom('alert_events as e')
                .select('e.id')
                .where('e.accepted_at', '<', cutoff)
                .where(({ not, exists, selectFrom }) =>
                  not(
                    exists(
                      selectFrom('outbox_items as i').select('i.outbox_id').whereRef('i.alert_event_id', '=', 'e.id')
                    )
                  )
                )
                .where(({ not, exists, selectFrom }) =>
                  not(
                    exists(
                      selectFrom('notifications as n')
                        .select('n.id')
                        .whereRef('n.id', '=', 'e.notification_id')
                        .where('n.state', '=', 'new')
                    )
                  )
                )
                .orderBy('e.accepted_at')
                .limit(limit)
                .execute()
            ).map((r) => Number(r.id));
            if (ids.length === 0) {
              return 0;
            }
            await trx.deleteFrom('alert_events').where('id', 'in', ids).execute();
            return ids.length;
          }
          case 'audit_events': {
            const ids = (
              await trx
                .selectFrom('audit_events')
                .select('id')
                .where('time_ms', '<', cutoff)
                .orderBy('time_ms')
                .limit(limit)
                .execute()
            ).map((r) => Number(r.id));
            if (ids.length === 0) {
              return 0;
            }
            await trx.deleteFrom('audit_events').where('id', 'in', ids).execute();
            return ids.length;
          }
          case 'vm_placements': {
            // The backend sends every VM it sees again with its first inventory build of each hour (docs/contracts.md §5): an old one is a VM gone.
            const keys = await trx
              .selectFrom('vm_placements')
              .select(['vcenter', 'vm_id'])
              .where('updated_at', '<', cutoff)
              .orderBy('updated_at')
              .limit(limit)
              .execute();
            if (keys.length === 0) {
              return 0;
            }
            await trx
              .deleteFrom('vm_placements')
              .where((eb) => eb.or(keys.map((k) => eb.and([eb('vcenter', '=', k.vcenter), eb('vm_id', '=', k.vm_id)]))))
              .execute();
            return keys.length;
          }
        }
      },
      (n) => n > 0
    );
  }

  /** tableRows counts the rows of every table (for /metrics). */
  async tableRows(): Promise<Record<(typeof SIZED_TABLES)[number], number>> {
    const out = {} as Record<(typeof SIZED_TABLES)[number], number>;
    for (const t of SIZED_TABLES) {
      const r = await this.handle.db
        .selectFrom(t as keyof Database)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      out[t] = Number(r.n);
    }
    return out;
  }

  /** databaseBytes is the database's size on disk (SQLite: pages in use and free; PostgreSQL: pg_database_size). */
  async databaseBytes(): Promise<number> {
    if (this.handle.sqlite) {
      const pages = Number(this.handle.sqlite.pragma('page_count', { simple: true }));
      const size = Number(this.handle.sqlite.pragma('page_size', { simple: true }));
      return pages * size;
    }
    const r = await sql<{ n: string }>`select pg_database_size(current_database()) as n`.execute(this.handle.db);
    return Number(r.rows[0].n);
  }
}
