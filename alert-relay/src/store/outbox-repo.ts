import type { Kysely, Selectable } from 'kysely';
import type { Database, DbHandle, OutboxTable } from './db';
import type { SeverityT } from '../schemas/internal';
import type { Durability } from './durability';
import type { StoredAlert } from './intake-repo';
import { MailSummary } from '../mail/summary';

/** OutboxRow is a claimed outbox row. */
export type OutboxRow = Selectable<OutboxTable>;

/** Alert events read per query when loading a mail's items (see OutboxRepository.itemsOf). */
const ITEMS_PAGE = 500;

/**
 * OutboxRepository is the outbox state machine: pending -> sending (claimed with a lease) -> sent,
 * or back to pending (retry) or parked (permanent failure); a crashed worker's lease expires.
 */
export class OutboxRepository {
  constructor(
    private readonly handle: DbHandle,
    private readonly durability: Durability
  ) {}

  /** claim leases up to `limit` due mails to this worker (FOR UPDATE SKIP LOCKED on PostgreSQL). */
  async claim(workerId: string, limit: number, now: number, leaseMs: number): Promise<OutboxRow[]> {
    return this.durability.lightly(
      (db) => this.claimWith(db, workerId, limit, now, leaseMs),
      (rows) => rows.length > 0
    );
  }

  private async claimWith(
    db: Kysely<Database>,
    workerId: string,
    limit: number,
    now: number,
    leaseMs: number
  ): Promise<OutboxRow[]> {
    let due = db
      .selectFrom('outbox')
      .select('id')
      .where((eb) =>
        eb.or([
          eb.and([eb('state', '=', 'pending'), eb('next_attempt_at', '<=', now)]),
          eb.and([eb('state', '=', 'sending'), eb('lease_until', '<', now)]),
        ])
      )
      .orderBy('next_attempt_at')
      .limit(limit);
    if (this.handle.dialect === 'postgres') {
      due = due.forUpdate().skipLocked();
    }
    return db
      .updateTable('outbox')
      .set((eb) => ({
        state: 'sending',
        claimed_by: workerId,
        lease_until: now + leaseMs,
        attempts: eb('attempts', '+', 1),
      }))
      .where('id', 'in', due)
      .returningAll()
      .execute();
  }

  /**
   * summaryOf reads the alert events a mail reports, oldest first, into a bounded MailSummary
   * (counts plus at most `maxListed` events). A storm digest can hold thousands: they are read in
   * pages with a yield to I/O between pages and never all kept, so a big digest neither holds the
   * event loop nor the heap.
   */
  async summaryOf(outboxId: number, maxListed = 200): Promise<MailSummary> {
    const summary = new MailSummary(maxListed);
    await this.eachItem(outboxId, (item) => summary.add(item));
    return summary;
  }

  /** itemsOf answers every alert event a mail reports, oldest first (tests and tools; mail uses summaryOf). */
  async itemsOf(outboxId: number): Promise<Array<{ severity: SeverityT; stored: StoredAlert }>> {
    const out: Array<{ severity: SeverityT; stored: StoredAlert }> = [];
    await this.eachItem(outboxId, (item) => out.push(item));
    return out;
  }

  private async eachItem(outboxId: number, fn: (item: { severity: SeverityT; stored: StoredAlert }) => void) {
    let after = -1;
    for (;;) {
      const rows = await this.handle.db
        .selectFrom('outbox_items')
        .innerJoin('alert_events', 'alert_events.id', 'outbox_items.alert_event_id')
        .select(['alert_events.severity', 'alert_events.alert', 'outbox_items.alert_event_id'])
        .where('outbox_items.outbox_id', '=', outboxId)
        .where('outbox_items.alert_event_id', '>', after)
        .orderBy('outbox_items.alert_event_id')
        .limit(ITEMS_PAGE)
        .execute();
      for (const r of rows) {
        fn({ severity: r.severity as SeverityT, stored: JSON.parse(r.alert) });
      }
      if (rows.length < ITEMS_PAGE) {
        return;
      }
      after = Number(rows[rows.length - 1].alert_event_id);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  /** markSent records a delivery; the claim check makes a late duplicate worker harmless. */
  async markSent(id: number, workerId: string, now: number, messageId: string): Promise<void> {
    await this.durability.lightly((db) =>
      db
        .updateTable('outbox')
        .set({ state: 'sent', sent_at: now, message_id: messageId, lease_until: null, last_error: null })
        .where('id', '=', id)
        .where('claimed_by', '=', workerId)
        .execute()
    );
  }

  /** markRetry puts a mail back in the queue after a temporary failure. */
  async markRetry(id: number, workerId: string, nextAt: number, reason: string): Promise<void> {
    await this.durability.lightly((db) =>
      db
        .updateTable('outbox')
        .set({
          state: 'pending',
          next_attempt_at: nextAt,
          lease_until: null,
          claimed_by: null,
          last_error: reason.slice(0, 1000),
        })
        .where('id', '=', id)
        .where('claimed_by', '=', workerId)
        .execute()
    );
  }

  /** markParked stops retrying a mail and keeps the reason for operators. */
  async markParked(id: number, workerId: string | null, reason: string): Promise<void> {
    await this.durability.lightly(async (db) => {
      let q = db
        .updateTable('outbox')
        .set({ state: 'parked', lease_until: null, last_error: reason.slice(0, 1000) })
        .where('id', '=', id);
      if (workerId) {
        q = q.where('claimed_by', '=', workerId);
      }
      await q.execute();
    });
  }

  /** releaseAllClaims returns every in-flight mail to the queue (SQLite: the only replica restarting). */
  async releaseAllClaims(): Promise<void> {
    await this.handle.db
      .updateTable('outbox')
      .set({ state: 'pending', claimed_by: null, lease_until: null })
      .where('state', '=', 'sending')
      .execute();
  }

  /** releaseClaims returns this worker's unsent claims at shutdown so another replica can send them. */
  async releaseClaims(workerId: string): Promise<void> {
    await this.handle.db
      .updateTable('outbox')
      .set({ state: 'pending', claimed_by: null, lease_until: null })
      .where('state', '=', 'sending')
      .where('claimed_by', '=', workerId)
      .execute();
  }

  /** queueDepth counts mails not yet sent or parked, and notifications not yet fanned out. */
  async queueDepth(): Promise<{ outbox: number; notifications: number; parked: number }> {
    const o = await this.handle.db
      .selectFrom('outbox')
      .select(['state', (eb) => eb.fn.countAll<number>().as('n')])
      .where('state', 'in', ['pending', 'sending', 'parked'])
      .groupBy('state')
      .execute();
    const n = await this.handle.db
      .selectFrom('notifications')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('state', '=', 'new')
      .executeTakeFirstOrThrow();
    const by = (s: string) => Number(o.find((r) => r.state === s)?.n ?? 0);
    return { outbox: by('pending') + by('sending'), notifications: Number(n.n), parked: by('parked') };
  }

  /** listOutbox answers outbox rows in a state (parked mail for operators). */
  async listOutbox(state: string, limit = 100): Promise<OutboxRow[]> {
    return this.handle.db
      .selectFrom('outbox')
      .selectAll()
      .where('state', '=', state)
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
  }

  /** retryParked puts a parked mail back in the queue. */
  async retryParked(id: number, now: number): Promise<boolean> {
    const r = await this.handle.db
      .updateTable('outbox')
      .set({ state: 'pending', next_attempt_at: now, attempts: 0, last_error: null })
      .where('id', '=', id)
      .where('state', '=', 'parked')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
}
