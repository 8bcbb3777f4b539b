import { sql, type Transaction } from 'kysely';
import type { Database, DbHandle } from './db';
import type { Durability } from './durability';
import type { PlacementT, QuietHoursT, SeverityT } from '../schemas/internal';
import type { StoredAlert } from './intake-repo';
import { toSubscription } from './users-repo';
import { placementKey, placementsIn } from './placements-repo';
import { placedAlert } from '../policy/matching';
import { fanOut, type FanoutPort, type Mailbox, type Placement } from '../policy/fanout';

/** Notifications looked at per fan-out transaction (the policy then takes those within its delivery bound). */
const WAITING_LIMIT = 64;
/** Outbox item links written per statement (passed as one parameter, no per-row SQL to build). */
const LINKS_PER_STATEMENT = 50000;

/**
 * TransactionFanoutPort implements the fan-out policy's port inside one transaction. On
 * PostgreSQL it locks what it reads: waiting notifications with SKIP LOCKED (replicas take
 * different ones), the users in login order (replicas deciding for the same users queue up instead
 * of deadlocking) and their open digests.
 */
class TransactionFanoutPort implements FanoutPort {
  constructor(
    private readonly trx: Transaction<Database>,
    private readonly pg: boolean
  ) {}

  async waiting() {
    let q = this.trx
      .selectFrom('notifications')
      .select(['id', 'new_alerts'])
      .where('state', '=', 'new')
      .orderBy('id')
      .limit(WAITING_LIMIT);
    if (this.pg) {
      q = q.forUpdate().skipLocked();
    }
    return (await q.execute()).map((n) => ({ id: Number(n.id), newAlerts: Number(n.new_alerts) }));
  }

  async subscribers() {
    const rows = await this.trx
      .selectFrom('users')
      .selectAll()
      .where('confirmed', '=', 1)
      .where('unsubscribed', '=', 0)
      .execute();
    return rows.map(toSubscription);
  }

  async events(ids: number[]) {
    const rows = await this.trx
      .selectFrom('alert_events')
      .select(['id', 'notification_id', 'severity', 'alert'])
      .where('notification_id', 'in', ids)
      .orderBy('id')
      .execute();
    const alerts = rows.map((e) => (JSON.parse(e.alert) as StoredAlert).a);
    // Matchers on host/cluster see where a VM runs now (its labels name the VM only).
    const keys = alerts
      .filter((a) => placementKey(a.labels) !== undefined)
      .map((a) => ({ vcenter: a.labels.vcenter, vmId: a.labels.vm_id }));
    const where = keys.length > 0 ? await placementsIn(this.trx, keys) : new Map<string, PlacementT>();
    return rows.map((e, i) => ({
      id: Number(e.id),
      notificationId: Number(e.notification_id),
      severity: e.severity as SeverityT,
      alert: placedAlert(alerts[i], where.get(placementKey(alerts[i].labels) ?? '')),
    }));
  }

  async mailboxes(logins: string[]) {
    let q = this.trx
      .selectFrom('users')
      .select(['login', 'email', 'digest_minutes', 'quiet_hours', 'last_mail_at'])
      .where('login', 'in', logins)
      .orderBy('login');
    if (this.pg) {
      q = q.forUpdate();
    }
    return new Map<string, Mailbox>(
      (await q.execute()).map((u) => [
        u.login,
        {
          email: u.email,
          windowMs: u.digest_minutes * 60000,
          quiet: u.quiet_hours ? (JSON.parse(u.quiet_hours) as QuietHoursT) : undefined,
          lastMailAt: u.last_mail_at === null ? null : Number(u.last_mail_at),
        },
      ])
    );
  }

  async openDigests(logins: string[], now: number) {
    let q = this.trx
      .selectFrom('outbox')
      .select(['id', 'login', 'not_before'])
      .where('login', 'in', logins)
      .where('state', '=', 'pending')
      // Only scheduled digests collect more alerts; an immediate mail another replica just
      // created (its "now" may be a little later than ours) is left as it is.
      .where('kind', '=', 'digest')
      .where('not_before', '>', now)
      .orderBy('not_before');
    if (this.pg) {
      q = q.forUpdate();
    }
    const open = new Map<string, number>();
    for (const r of await q.execute()) {
      if (!open.has(r.login)) {
        open.set(r.login, Number(r.id));
      }
    }
    return open;
  }

  async write(p: Placement, now: number) {
    const outboxId = new Map<string, number>();
    for (const mail of p.items.keys()) {
      if (mail.startsWith('id:')) {
        outboxId.set(mail, Number(mail.slice(3)));
      }
    }
    if (p.fresh.size > 0) {
      await this.trx
        .insertInto('outbox')
        .values(
          [...p.fresh].map(([idem, f]) => ({
            idem_key: idem,
            kind: f.kind,
            login: f.login,
            email: f.email,
            state: 'pending',
            created_at: now,
            not_before: f.notBefore,
            next_attempt_at: f.notBefore,
            attempts: 0,
          }))
        )
        .onConflict((oc) => oc.column('idem_key').doNothing())
        .execute();
      const rows = await this.trx
        .selectFrom('outbox')
        .select(['id', 'idem_key'])
        .where('idem_key', 'in', [...p.fresh.keys()])
        .execute();
      for (const r of rows) {
        outboxId.set(`idem:${r.idem_key}`, Number(r.id));
      }
      // One update per distinct time (usually one or two), not one per user.
      const byTime = new Map<number, string[]>();
      for (const [login, t] of p.lastMailAt) {
        byTime.set(t, [...(byTime.get(t) ?? []), login]);
      }
      for (const [t, ls] of byTime) {
        await this.trx.updateTable('users').set({ last_mail_at: t }).where('login', 'in', ls).execute();
      }
    }
    const pairs: Array<[number, number]> = [];
    for (const [mail, eventIds] of p.items) {
      const id = outboxId.get(mail);
      if (id !== undefined) {
        for (const e of eventIds) {
          pairs.push([id, e]);
        }
      }
    }
    for (let i = 0; i < pairs.length; i += LINKS_PER_STATEMENT) {
      const chunk = pairs.slice(i, i + LINKS_PER_STATEMENT);
      if (this.pg) {
        await sql`INSERT INTO outbox_items (outbox_id, alert_event_id)
          SELECT * FROM unnest(${chunk.map((x) => x[0])}::bigint[], ${chunk.map((x) => x[1])}::bigint[])
          ON CONFLICT DO NOTHING`.execute(this.trx);
      } else {
        await sql`INSERT INTO outbox_items (outbox_id, alert_event_id)
          SELECT value ->> 0, value ->> 1 FROM json_each(${JSON.stringify(chunk)}) WHERE true
          ON CONFLICT DO NOTHING`.execute(this.trx);
      }
    }
  }

  async done(ids: number[]) {
    await this.trx.updateTable('notifications').set({ state: 'done' }).where('id', 'in', ids).execute();
  }
}

/** FanoutRepository runs the fan-out policy (policy/fanout.ts) over the database, one short transaction per batch. */
export class FanoutRepository {
  constructor(
    private readonly handle: DbHandle,
    private readonly durability: Durability
  ) {}

  /**
   * fanOutBatch turns the oldest unprocessed notifications into outbox mail, in one transaction:
   * a crash before commit leaves them unprocessed, so each is fanned out exactly once (replicas
   * skip the rows another one holds: FOR UPDATE SKIP LOCKED). A batch takes notifications in order
   * while their work (alert states x subscribers) stays within `maxDeliveries` (at least one), and
   * runs a fixed number of statements whatever its size, so each transaction is short: with SQLite
   * the writer lock, and the event loop, are held for a few milliseconds at a time.
   * Answers how many notifications were processed (0: none was waiting).
   */
  async fanOutBatch(opts: { now: number; maxDeliveries: number }): Promise<number> {
    // The worker asks often; when nothing waits, answer without a write transaction.
    const any = await this.handle.db
      .selectFrom('notifications')
      .select('id')
      .where('state', '=', 'new')
      .limit(1)
      .executeTakeFirst();
    if (!any) {
      return 0;
    }
    return this.durability.lightTransaction(
      (trx) => fanOut(new TransactionFanoutPort(trx, this.handle.dialect === 'postgres'), opts.now, opts.maxDeliveries),
      (n) => n > 0
    );
  }
}
