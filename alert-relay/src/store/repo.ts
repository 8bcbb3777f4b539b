import crypto from 'node:crypto';
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { Database, DbHandle, OutboxTable, UsersTable } from './db';
import type { AuditEventInT, AuditEventT, AuditQueryT, SeverityT, SubscriptionPutT, SubscriptionT } from '../schemas/internal';
import type { GrafanaAlertT, GrafanaWebhookT } from '../schemas/webhook';
import { matches, quietUntil, severityOf } from '../outbox/routing';

/** StoredAlert is what an alert event row keeps: the alert plus the group context needed to render it. */
export interface StoredAlert {
  a: GrafanaAlertT;
  g: { groupKey: string; truncatedAlerts: number; externalURL?: string; title?: string };
}

/** OutboxRow is a claimed outbox row. */
export type OutboxRow = Selectable<OutboxTable>;
type UserRow = Selectable<UsersTable>;

const sha256 = (s: string) => crypto.createHash('sha256').update(s).digest('hex');

/** hashToken stores only a digest of confirmation tokens, so a leaked database cannot confirm addresses. */
export const hashToken = sha256;

/** eventKey is the idempotency key of one alert state, as Grafana's redelivery repeats it. */
export function eventKey(groupKey: string, a: GrafanaAlertT): string {
  return sha256([groupKey, a.fingerprint, a.status, a.startsAt].join('\u0000'));
}

/** toSubscription maps a user row to the contract's Subscription shape. */
export function toSubscription(u: UserRow): SubscriptionT {
  const s: SubscriptionT = {
    login: u.login,
    email: u.email,
    confirmed: Boolean(u.confirmed),
    minSeverity: u.min_severity as SeverityT,
    matchers: JSON.parse(u.matchers),
    firing: Boolean(u.firing) && !u.unsubscribed,
    resolved: Boolean(u.resolved) && !u.unsubscribed,
    digestMinutes: u.digest_minutes,
  };
  if (u.name) {s.name = u.name;}
  if (u.quiet_hours) {s.quietHours = JSON.parse(u.quiet_hours);}
  return s;
}

/** Store is the relay's data access: every query the app runs lives here. */
export class Store {
  readonly db: Kysely<Database>;
  readonly dialect: DbHandle['dialect'];

  constructor(handle: DbHandle) {
    this.db = handle.db;
    this.dialect = handle.dialect;
  }

  private get pg() {
    return this.dialect === 'postgres';
  }

  // ---- users ----

  /** listUsers answers every registration, ordered by login. */
  async listUsers(): Promise<SubscriptionT[]> {
    const rows = await this.db.selectFrom('users').selectAll().orderBy('login').execute();
    return rows.map(toSubscription);
  }

  /** getUser answers one registration or undefined. */
  async getUser(login: string): Promise<SubscriptionT | undefined> {
    const row = await this.db.selectFrom('users').selectAll().where('login', '=', login).executeTakeFirst();
    return row ? toSubscription(row) : undefined;
  }

  /** userRow answers the raw row (for token checks). */
  async userRow(login: string): Promise<UserRow | undefined> {
    return this.db.selectFrom('users').selectAll().where('login', '=', login).executeTakeFirst();
  }

  /**
   * putUser creates or changes a registration. A new or changed address is unconfirmed and gets a
   * confirmation mail queued in the same transaction (double opt-in); `confirmed` in the body is
   * ignored unless `trustConfirmed` (the admin CLI) says so.
   */
  async putUser(
    login: string,
    body: SubscriptionPutT,
    opts: { now: number; defaultDigestMinutes: number; confirmUrl: (token: string) => string; trustConfirmed?: boolean },
  ): Promise<{ subscription: SubscriptionT; confirmationQueued: boolean }> {
    return this.db.transaction().execute(async (trx) => {
      let q = trx.selectFrom('users').selectAll().where('login', '=', login);
      if (this.pg) {q = q.forUpdate();}
      const old = await q.executeTakeFirst();
      const emailChanged = !old || old.email.toLowerCase() !== body.email.toLowerCase();
      let confirmed = old ? Boolean(old.confirmed) && !emailChanged : false;
      if (opts.trustConfirmed && body.confirmed) {confirmed = true;}
      let token: string | null = null;
      if (!confirmed && (emailChanged || !old?.confirm_token_hash)) {token = crypto.randomBytes(32).toString('base64url');}
      const row: UsersTable = {
        login,
        email: body.email,
        name: body.name ?? old?.name ?? null,
        confirmed: confirmed ? 1 : 0,
        confirm_token_hash: confirmed ? null : token ? sha256(token) : (old?.confirm_token_hash ?? null),
        min_severity: body.minSeverity ?? old?.min_severity ?? 'warning',
        matchers: JSON.stringify(body.matchers ?? (old ? JSON.parse(old.matchers) : {})),
        firing: (body.firing ?? (old ? Boolean(old.firing) : true)) ? 1 : 0,
        resolved: (body.resolved ?? (old ? Boolean(old.resolved) : true)) ? 1 : 0,
        quiet_hours:
          body.quietHours === null ? null : body.quietHours ? JSON.stringify(body.quietHours) : (old?.quiet_hours ?? null),
        digest_minutes: body.digestMinutes ?? old?.digest_minutes ?? opts.defaultDigestMinutes,
        // Saving preferences is an explicit wish to receive mail again after an unsubscribe.
        unsubscribed: 0,
        last_mail_at: old?.last_mail_at ?? null,
        created_at: old?.created_at ?? opts.now,
        updated_at: opts.now,
      };
      if (old) {await trx.updateTable('users').set(row).where('login', '=', login).execute();}
      else {await trx.insertInto('users').values(row).execute();}
      if (token) {
        await trx
          .insertInto('outbox')
          .values({
            idem_key: `confirm:${login}:${sha256(token).slice(0, 16)}`,
            kind: 'confirm',
            login,
            email: body.email,
            state: 'pending',
            created_at: opts.now,
            not_before: opts.now,
            next_attempt_at: opts.now,
            attempts: 0,
            data: JSON.stringify({ url: opts.confirmUrl(token), name: row.name }),
          })
          .execute();
      }
      return { subscription: toSubscription(row), confirmationQueued: token !== null };
    });
  }

  /** deleteUser removes a registration and its unsent mail; answers false when unknown. */
  async deleteUser(login: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const r = await trx.deleteFrom('users').where('login', '=', login).executeTakeFirst();
      await trx.updateTable('outbox').set({ state: 'parked', last_error: 'user deleted' }).where('login', '=', login).where('state', '=', 'pending').execute();
      return Number(r.numDeletedRows) > 0;
    });
  }

  /** confirmByToken confirms the address the token was sent to; answers the login or undefined. */
  async confirmByToken(token: string, now: number): Promise<string | undefined> {
    const row = await this.db.selectFrom('users').select(['login']).where('confirm_token_hash', '=', sha256(token)).executeTakeFirst();
    if (!row) {return undefined;}
    await this.db.updateTable('users').set({ confirmed: 1, confirm_token_hash: null, updated_at: now }).where('login', '=', row.login).execute();
    return row.login;
  }

  /** unsubscribe stops all alert mail to the user and drops their unsent alert mail. */
  async unsubscribe(login: string, now: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('users').set({ unsubscribed: 1, updated_at: now }).where('login', '=', login).execute();
      await trx
        .updateTable('outbox')
        .set({ state: 'parked', last_error: 'unsubscribed' })
        .where('login', '=', login)
        .where('state', '=', 'pending')
        .where('kind', 'in', ['alert', 'digest'])
        .execute();
    });
  }

  // ---- audit ----

  /** insertAudit stores one audit event and answers its id. */
  async insertAudit(e: AuditEventInT): Promise<string> {
    const r = await this.db
      .insertInto('audit_events')
      .values({
        time: new Date(e.time).toISOString(),
        time_ms: Date.parse(e.time),
        user_login: e.user.login,
        user_email: e.user.email,
        user_role: e.user.role,
        action: e.action,
        vm_id: e.vm.id,
        vm_name: e.vm.name,
        params: JSON.stringify(e.params),
        outcome: e.outcome,
        error: e.error ?? null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return String(r.id);
  }

  /** queryAudit answers one page of audit events, newest first. */
  async queryAudit(q: AuditQueryT): Promise<{ items: AuditEventT[]; total: number }> {
    let base = this.db.selectFrom('audit_events');
    if (q.vm) {base = base.where((eb) => eb.or([eb('vm_id', '=', q.vm!), eb('vm_name', '=', q.vm!)]));}
    if (q.user) {base = base.where('user_login', '=', q.user);}
    if (q.action) {base = base.where('action', '=', q.action);}
    if (q.from) {base = base.where('time_ms', '>=', Date.parse(q.from));}
    if (q.to) {base = base.where('time_ms', '<=', Date.parse(q.to));}
    const total = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const rows = await base
      .selectAll()
      .orderBy('time_ms', 'desc')
      .orderBy('id', 'desc')
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize)
      .execute();
    const items = rows.map((r) => {
      const e: AuditEventT = {
        id: String(r.id),
        time: r.time,
        user: { login: r.user_login, email: r.user_email, role: r.user_role },
        action: r.action as AuditEventT['action'],
        vm: { id: r.vm_id, name: r.vm_name },
        params: JSON.parse(r.params),
        outcome: r.outcome as AuditEventT['outcome'],
      };
      if (r.error) {e.error = r.error;}
      return e;
    });
    return { items, total: Number(total.n) };
  }

  // ---- intake ----

  /**
   * storeNotification durably stores one webhook delivery before it is acknowledged. Alert states
   * already stored (same groupKey + fingerprint + status + startsAt) count as duplicates unless
   * their last acceptance is older than the repeat window, in which case they are re-sent as a reminder.
   */
  async storeNotification(
    p: GrafanaWebhookT,
    opts: { now: number; repeatWindowMs: number; severityLabel: string; defaultSeverity: SeverityT },
  ): Promise<{ id: number | null; accepted: number; duplicates: number }> {
    const { now } = opts;
    const cutoff = opts.repeatWindowMs > 0 ? now - opts.repeatWindowMs : -1;
    const g = { groupKey: p.groupKey, truncatedAlerts: p.truncatedAlerts ?? 0, externalURL: p.externalURL, title: p.title };
    // Grafana may list the same alert twice only by mistake; keep the first.
    const seen = new Set<string>();
    const events = [] as Array<{ key: string; a: GrafanaAlertT }>;
    for (const a of p.alerts) {
      const key = eventKey(p.groupKey, a);
      if (!seen.has(key)) {
        seen.add(key);
        events.push({ key, a });
      }
    }
    return this.db.transaction().execute(async (trx) => {
      const n = await trx
        .insertInto('notifications')
        .values({ received_at: now, group_key: p.groupKey, status: p.status, payload: '', state: 'new', new_alerts: 0 })
        .returning('id')
        .executeTakeFirstOrThrow();
      const id = Number(n.id);
      const inserted = await trx
        .insertInto('alert_events')
        .values(
          events.map(({ key, a }) => ({
            event_key: key,
            notification_id: id,
            accepted_at: now,
            fingerprint: a.fingerprint,
            status: a.status,
            severity: severityOf(a.labels, opts.severityLabel, opts.defaultSeverity),
            alert: JSON.stringify({ a, g } satisfies StoredAlert),
          })),
        )
        .onConflict((oc) =>
          oc
            .column('event_key')
            .doUpdateSet((eb) => ({ notification_id: eb.ref('excluded.notification_id'), accepted_at: eb.ref('excluded.accepted_at') }))
            .where('alert_events.accepted_at', '<', cutoff),
        )
        .returning('id')
        .execute();
      const accepted = inserted.length;
      await trx
        .updateTable('notifications')
        .set({ state: accepted > 0 ? 'new' : 'duplicate', new_alerts: accepted })
        .where('id', '=', id)
        .execute();
      return { id, accepted, duplicates: events.length - accepted + (p.alerts.length - events.length) };
    });
  }

  // ---- fan-out ----

  /**
   * fanOutNext turns the oldest unprocessed notification into outbox mail, in one transaction:
   * a crash before commit leaves it unprocessed, so it is fanned out exactly once.
   * Answers false when nothing was waiting.
   */
  async fanOutNext(opts: { now: number }): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      let q = trx.selectFrom('notifications').select(['id']).where('state', '=', 'new').orderBy('id').limit(1);
      if (this.pg) {q = q.forUpdate().skipLocked();}
      const n = await q.executeTakeFirst();
      if (!n) {return false;}
      const events = await trx.selectFrom('alert_events').selectAll().where('notification_id', '=', n.id).execute();
      const users = await trx.selectFrom('users').selectAll().where('confirmed', '=', 1).where('unsubscribed', '=', 0).execute();
      for (const u of users) {
        const sub = toSubscription(u);
        const ids = events.filter((e) => matches(sub, (JSON.parse(e.alert) as StoredAlert).a, e.severity as SeverityT)).map((e) => Number(e.id));
        if (ids.length > 0) {await this.place(trx, u.login, ids, opts.now, Number(n.id));}
      }
      await trx.updateTable('notifications').set({ state: 'done' }).where('id', '=', n.id).execute();
      return true;
    });
  }

  /**
   * place decides which mail carries these alert events for one user: an open (scheduled) digest,
   * a new digest when the user had mail within their digest window or is in quiet hours, or an
   * immediate mail. This is what turns a storm into one digest per window.
   */
  private async place(trx: Transaction<Database>, login: string, eventIds: number[], now: number, notificationId: number): Promise<void> {
    let uq = trx.selectFrom('users').selectAll().where('login', '=', login);
    if (this.pg) {uq = uq.forUpdate();} // serialises replicas deciding for the same user
    const u = await uq.executeTakeFirst();
    if (!u) {return;}
    let oq = trx
      .selectFrom('outbox')
      .select(['id'])
      .where('login', '=', login)
      .where('state', '=', 'pending')
      .where('kind', 'in', ['alert', 'digest'])
      .where('not_before', '>', now)
      .orderBy('not_before')
      .limit(1);
    if (this.pg) {oq = oq.forUpdate();}
    const open = await oq.executeTakeFirst();
    let outboxId: number;
    if (open) {
      outboxId = Number(open.id);
    } else {
      const quiet = quietUntil(now, u.quiet_hours ? JSON.parse(u.quiet_hours) : undefined);
      const windowMs = u.digest_minutes * 60000;
      let kind = 'alert';
      let notBefore = now;
      if (quiet !== null) {
        kind = 'digest';
        notBefore = quiet;
      } else if (windowMs > 0 && u.last_mail_at !== null && Number(u.last_mail_at) + windowMs > now) {
        kind = 'digest';
        notBefore = Number(u.last_mail_at) + windowMs;
      }
      const idem = kind === 'alert' ? `alert:${notificationId}:${login}` : `digest:${login}:${notBefore}`;
      await trx
        .insertInto('outbox')
        .values({
          idem_key: idem,
          kind,
          login,
          email: u.email,
          state: 'pending',
          created_at: now,
          not_before: notBefore,
          next_attempt_at: notBefore,
          attempts: 0,
        })
        .onConflict((oc) => oc.column('idem_key').doNothing())
        .execute();
      const row = await trx.selectFrom('outbox').select(['id']).where('idem_key', '=', idem).executeTakeFirstOrThrow();
      outboxId = Number(row.id);
      await trx.updateTable('users').set({ last_mail_at: notBefore }).where('login', '=', login).execute();
    }
    await trx
      .insertInto('outbox_items')
      .values(eventIds.map((id) => ({ outbox_id: outboxId, alert_event_id: id })))
      .onConflict((oc) => oc.columns(['outbox_id', 'alert_event_id']).doNothing())
      .execute();
  }

  // ---- outbox ----

  /** claim leases up to `limit` due mails to this worker (FOR UPDATE SKIP LOCKED on PostgreSQL). */
  async claim(workerId: string, limit: number, now: number, leaseMs: number): Promise<OutboxRow[]> {
    let due = this.db
      .selectFrom('outbox')
      .select('id')
      .where((eb) =>
        eb.or([
          eb.and([eb('state', '=', 'pending'), eb('next_attempt_at', '<=', now)]),
          eb.and([eb('state', '=', 'sending'), eb('lease_until', '<', now)]),
        ]),
      )
      .orderBy('next_attempt_at')
      .limit(limit);
    if (this.pg) {due = due.forUpdate().skipLocked();}
    return this.db
      .updateTable('outbox')
      .set((eb) => ({ state: 'sending', claimed_by: workerId, lease_until: now + leaseMs, attempts: eb('attempts', '+', 1) }))
      .where('id', 'in', due)
      .returningAll()
      .execute();
  }

  /** itemsOf answers the alert events a mail reports, oldest first. */
  async itemsOf(outboxId: number): Promise<Array<{ severity: SeverityT; stored: StoredAlert }>> {
    const rows = await this.db
      .selectFrom('outbox_items')
      .innerJoin('alert_events', 'alert_events.id', 'outbox_items.alert_event_id')
      .select(['alert_events.severity', 'alert_events.alert', 'alert_events.id'])
      .where('outbox_items.outbox_id', '=', outboxId)
      .orderBy('alert_events.id')
      .execute();
    return rows.map((r) => ({ severity: r.severity as SeverityT, stored: JSON.parse(r.alert) }));
  }

  /** markSent records a delivery; the claim check makes a late duplicate worker harmless. */
  async markSent(id: number, workerId: string, now: number, messageId: string): Promise<void> {
    await this.db
      .updateTable('outbox')
      .set({ state: 'sent', sent_at: now, message_id: messageId, lease_until: null, last_error: null })
      .where('id', '=', id)
      .where('claimed_by', '=', workerId)
      .execute();
  }

  /** markRetry puts a mail back in the queue after a temporary failure. */
  async markRetry(id: number, workerId: string, nextAt: number, reason: string): Promise<void> {
    await this.db
      .updateTable('outbox')
      .set({ state: 'pending', next_attempt_at: nextAt, lease_until: null, claimed_by: null, last_error: reason.slice(0, 1000) })
      .where('id', '=', id)
      .where('claimed_by', '=', workerId)
      .execute();
  }

  /** markParked stops retrying a mail and keeps the reason for operators. */
  async markParked(id: number, workerId: string | null, reason: string): Promise<void> {
    let q = this.db.updateTable('outbox').set({ state: 'parked', lease_until: null, last_error: reason.slice(0, 1000) }).where('id', '=', id);
    if (workerId) {q = q.where('claimed_by', '=', workerId);}
    await q.execute();
  }

  /** releaseAllClaims returns every in-flight mail to the queue (SQLite: the only replica restarting). */
  async releaseAllClaims(): Promise<void> {
    await this.db.updateTable('outbox').set({ state: 'pending', claimed_by: null, lease_until: null }).where('state', '=', 'sending').execute();
  }

  /** releaseClaims returns this worker's unsent claims at shutdown so another replica can send them. */
  async releaseClaims(workerId: string): Promise<void> {
    await this.db
      .updateTable('outbox')
      .set({ state: 'pending', claimed_by: null, lease_until: null })
      .where('state', '=', 'sending')
      .where('claimed_by', '=', workerId)
      .execute();
  }

  /** queueDepth counts mails not yet sent or parked, and notifications not yet fanned out. */
  async queueDepth(): Promise<{ outbox: number; notifications: number; parked: number }> {
    const o = await this.db
      .selectFrom('outbox')
      .select(['state', (eb) => eb.fn.countAll<number>().as('n')])
      .where('state', 'in', ['pending', 'sending', 'parked'])
      .groupBy('state')
      .execute();
    const n = await this.db.selectFrom('notifications').select((eb) => eb.fn.countAll<number>().as('n')).where('state', '=', 'new').executeTakeFirstOrThrow();
    const by = (s: string) => Number(o.find((r) => r.state === s)?.n ?? 0);
    return { outbox: by('pending') + by('sending'), notifications: Number(n.n), parked: by('parked') };
  }

  /** listOutbox answers outbox rows in a state (parked mail for operators). */
  async listOutbox(state: string, limit = 100): Promise<OutboxRow[]> {
    return this.db.selectFrom('outbox').selectAll().where('state', '=', state).orderBy('id', 'desc').limit(limit).execute();
  }

  /** retryParked puts a parked mail back in the queue. */
  async retryParked(id: number, now: number): Promise<boolean> {
    const r = await this.db
      .updateTable('outbox')
      .set({ state: 'pending', next_attempt_at: now, attempts: 0, last_error: null })
      .where('id', '=', id)
      .where('state', '=', 'parked')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
}

export { sql };
