import crypto from 'node:crypto';
import type SQLite from 'better-sqlite3';
import type { Pool } from 'pg';
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { Database, DbHandle, OutboxTable, UsersTable } from './db';
import type {
  AuditEventInT,
  AuditEventT,
  AuditQueryT,
  QuietHoursT,
  SeverityT,
  SubscriptionPutT,
  SubscriptionT,
} from '../schemas/internal';
import type { GrafanaAlertT, GrafanaWebhookT } from '../schemas/webhook';
import { matches, quietUntil, severityOf } from '../outbox/routing';
import type { WalSync } from './wal-sync';

/** StoredAlert is what an alert event row keeps: the alert plus the group context needed to render it. */
export interface StoredAlert {
  a: GrafanaAlertT;
  g: { groupKey: string; truncatedAlerts: number; externalURL?: string; title?: string };
}

/** OutboxRow is a claimed outbox row. */
export type OutboxRow = Selectable<OutboxTable>;
type UserRow = Selectable<UsersTable>;

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
interface PreparedIntake {
  now: number;
  groupKey: string;
  status: string;
  alerts: number;
  cutoff: number;
  events: Array<{ key: string; fingerprint: string; status: string; severity: SeverityT; alert: string }>;
}

/** Alert events read per query when loading a mail's items (see Store.itemsOf). */
const ITEMS_PAGE = 500;

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

/** Delivery is one notification's recipients: login -> the alert event ids that match them. */
interface Delivery {
  notificationId: number;
  targets: Map<string, number[]>;
}

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
  if (u.name) {
    s.name = u.name;
  }
  if (u.quiet_hours) {
    s.quietHours = JSON.parse(u.quiet_hours);
  }
  return s;
}

/** Store is the relay's data access: every query the app runs lives here. */
export class Store {
  readonly db: Kysely<Database>;
  readonly dialect: DbHandle['dialect'];
  private readonly sqlite?: SQLite.Database;
  private readonly walSync?: WalSync;
  private readonly pool?: Pool;
  /** True while `lightly` holds the SQLite connection at synchronous=NORMAL. */
  private lightHeld = false;
  private intakeStatements?: {
    notification: SQLite.Statement;
    event: SQLite.Statement;
    settle: SQLite.Statement;
  };

  constructor(handle: DbHandle) {
    this.db = handle.db;
    this.dialect = handle.dialect;
    this.sqlite = handle.sqlite;
    this.walSync = handle.walSync;
    this.pool = handle.pool;
  }

  private get pg() {
    return this.dialect === 'postgres';
  }

  /**
   * durable resolves once every transaction committed so far is on stable storage. Only SQLite with
   * synchronous FULL has work to do (a group fdatasync of the WAL, off the event loop); PostgreSQL's
   * commit already waited for its WAL flush, and SQLite with NORMAL was asked not to sync.
   */
  durable(): Promise<void> {
    return this.walSync ? this.walSync.sync() : Promise.resolve();
  }

  /**
   * lightly runs the outbox worker's writes. With SQLite and synchronous FULL it commits with
   * synchronous=NORMAL, so sqlite3 does not fsync on the event loop, then waits for `durable()`:
   * when it resolves the data is on disk, as with FULL, but the fsync ran on the thread pool and was
   * shared with every other commit waiting for one, or rode on the intake's next FULL commit
   * (skipped when `changed` says the work wrote nothing). Otherwise it just runs `fn`.
   */
  private async lightly<T>(
    fn: (db: Kysely<Database>) => Promise<T>,
    changed: (result: T) => boolean = () => true
  ): Promise<T> {
    if (!this.walSync) {
      return fn(this.db);
    }
    const result = await this.db.connection().execute(async (conn) => {
      // The synchronous level may only change outside a transaction; the connection is held throughout.
      this.lightHeld = true;
      try {
        await sql`PRAGMA synchronous = NORMAL`.execute(conn);
        return await fn(conn);
      } finally {
        try {
          await sql`PRAGMA synchronous = FULL`.execute(conn);
        } finally {
          this.lightHeld = false;
        }
      }
    });
    if (changed(result)) {
      await this.durable();
    }
    return result;
  }

  /** lightTransaction is `lightly` around one transaction. */
  private lightTransaction<T>(
    fn: (trx: Transaction<Database>) => Promise<T>,
    changed?: (result: T) => boolean
  ): Promise<T> {
    return this.lightly((db) => db.transaction().execute(fn), changed);
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
    opts: { now: number; defaultDigestMinutes: number; confirmUrl: (token: string) => string; trustConfirmed?: boolean }
  ): Promise<{ subscription: SubscriptionT; confirmationQueued: boolean }> {
    return this.db.transaction().execute(async (trx) => {
      let q = trx.selectFrom('users').selectAll().where('login', '=', login);
      if (this.pg) {
        q = q.forUpdate();
      }
      const old = await q.executeTakeFirst();
      const emailChanged = !old || old.email.toLowerCase() !== body.email.toLowerCase();
      let confirmed = old ? Boolean(old.confirmed) && !emailChanged : false;
      if (opts.trustConfirmed && body.confirmed) {
        confirmed = true;
      }
      let token: string | null = null;
      if (!confirmed && (emailChanged || !old?.confirm_token_hash)) {
        token = crypto.randomBytes(32).toString('base64url');
      }
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
          body.quietHours === null
            ? null
            : body.quietHours
              ? JSON.stringify(body.quietHours)
              : (old?.quiet_hours ?? null),
        digest_minutes: body.digestMinutes ?? old?.digest_minutes ?? opts.defaultDigestMinutes,
        // Saving preferences is an explicit wish to receive mail again after an unsubscribe.
        unsubscribed: 0,
        last_mail_at: old?.last_mail_at ?? null,
        created_at: old?.created_at ?? opts.now,
        updated_at: opts.now,
      };
      if (old) {
        await trx.updateTable('users').set(row).where('login', '=', login).execute();
      } else {
        await trx.insertInto('users').values(row).execute();
      }
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
      await trx
        .updateTable('outbox')
        .set({ state: 'parked', last_error: 'user deleted' })
        .where('login', '=', login)
        .where('state', '=', 'pending')
        .execute();
      return Number(r.numDeletedRows) > 0;
    });
  }

  /** confirmByToken confirms the address the token was sent to; answers the login or undefined. */
  async confirmByToken(token: string, now: number): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('users')
      .select(['login'])
      .where('confirm_token_hash', '=', sha256(token))
      .executeTakeFirst();
    if (!row) {
      return undefined;
    }
    await this.db
      .updateTable('users')
      .set({ confirmed: 1, confirm_token_hash: null, updated_at: now })
      .where('login', '=', row.login)
      .execute();
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
    if (q.vm) {
      base = base.where((eb) => eb.or([eb('vm_id', '=', q.vm!), eb('vm_name', '=', q.vm!)]));
    }
    if (q.user) {
      base = base.where('user_login', '=', q.user);
    }
    if (q.action) {
      base = base.where('action', '=', q.action);
    }
    if (q.from) {
      base = base.where('time_ms', '>=', Date.parse(q.from));
    }
    if (q.to) {
      base = base.where('time_ms', '<=', Date.parse(q.to));
    }
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
      if (r.error) {
        e.error = r.error;
      }
      return e;
    });
    return { items, total: Number(total.n) };
  }

  // ---- intake ----

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
    const seen = new Set<string>();
    const prepared: PreparedIntake[] = items.map(({ payload: p, now }) => {
      const g = {
        groupKey: p.groupKey,
        truncatedAlerts: p.truncatedAlerts ?? 0,
        externalURL: p.externalURL,
        title: p.title,
      };
      const events: PreparedIntake['events'] = [];
      for (const a of p.alerts) {
        const key = eventKey(p.groupKey, a);
        // Grafana may list the same alert twice only by mistake; keep the first.
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
    const accepted = this.sqlite
      ? await this.intakeSqlite(this.sqlite, prepared)
      : await this.intakePostgres(prepared, opts.repeatWindowMs);
    return prepared.map((n, i) => ({
      id: accepted[i].id,
      accepted: accepted[i].accepted,
      duplicates: n.alerts - accepted[i].accepted,
    }));
  }

  /**
   * intakeSqlite writes the batch with prepared statements in one synchronous transaction, committed
   * with synchronous=FULL: sqlite3 fsyncs the WAL before the commit returns, on the event loop. That
   * fsync is short (the batch is small) and prompt, so this path keeps SQLite's own guarantee
   * rather than the worker's deferred group fdatasync (measured: lower p99 acknowledgement latency).
   */
  private async intakeSqlite(
    db: SQLite.Database,
    batch: PreparedIntake[]
  ): Promise<Array<{ id: number; accepted: number }>> {
    // Kysely work on this connection completes within one event-loop turn (the driver is
    // synchronous and it awaits nothing else), so this is a safety net, not a wait that happens.
    while (db.inTransaction || this.lightHeld) {
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    const s = (this.intakeStatements ??= {
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
    this.walSync?.covered();
    return stored;
  }

  /**
   * intakePostgres writes the batch in one statement (one round trip, atomic on its own): it
   * reserves the notification ids, upserts the alert states, and inserts the notifications with
   * their count of accepted states. The statement is named, so each connection parses and plans it
   * once (planning this statement cost the server more than running it).
   */
  private async intakePostgres(
    batch: PreparedIntake[],
    repeatWindowMs: number
  ): Promise<Array<{ id: number; accepted: number }>> {
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
    if (!this.pool) {
      throw new Error('PostgreSQL store without its pool');
    }
    const { rows } = await this.pool.query<{ ord: number; id: number; new_alerts: number }>({
      name: 'relay_intake_v2',
      text: PG_INTAKE_SQL,
      values: [notifications, events, repeatWindowMs],
    });
    if (rows.length !== batch.length) {
      throw new Error(`intake stored ${rows.length} of ${batch.length} notifications`);
    }
    return rows.map((x) => ({ id: Number(x.id), accepted: Number(x.new_alerts) }));
  }

  // ---- fan-out ----

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
    const { now } = opts;
    // The worker asks often; when nothing waits, answer without a write transaction.
    if (
      !(await this.db.selectFrom('notifications').select('id').where('state', '=', 'new').limit(1).executeTakeFirst())
    ) {
      return 0;
    }
    return this.lightTransaction(
      async (trx) => {
        let q = trx
          .selectFrom('notifications')
          .select(['id', 'new_alerts'])
          .where('state', '=', 'new')
          .orderBy('id')
          .limit(64);
        if (this.pg) {
          q = q.forUpdate().skipLocked();
        }
        const waiting = await q.execute();
        if (waiting.length === 0) {
          return 0;
        }
        const users = (
          await trx.selectFrom('users').selectAll().where('confirmed', '=', 1).where('unsubscribed', '=', 0).execute()
        ).map(toSubscription);
        const ids: number[] = [];
        let work = 0;
        for (const n of waiting) {
          const w = Number(n.new_alerts) * Math.max(1, users.length);
          if (ids.length > 0 && work + w > opts.maxDeliveries) {
            break;
          }
          ids.push(Number(n.id));
          work += w;
        }
        const events = await trx
          .selectFrom('alert_events')
          .select(['id', 'notification_id', 'severity', 'alert'])
          .where('notification_id', 'in', ids)
          .orderBy('id')
          .execute();
        const byNotification = new Map<number, Array<{ id: number; severity: SeverityT; a: GrafanaAlertT }>>(
          ids.map((id) => [id, []])
        );
        for (const e of events) {
          byNotification
            .get(Number(e.notification_id))
            ?.push({ id: Number(e.id), severity: e.severity as SeverityT, a: (JSON.parse(e.alert) as StoredAlert).a });
        }
        const deliveries: Delivery[] = [];
        for (const [notificationId, evs] of byNotification) {
          const targets = new Map<string, number[]>();
          for (const u of users) {
            const hit = evs.filter((e) => matches(u, e.a, e.severity)).map((e) => e.id);
            if (hit.length > 0) {
              targets.set(u.login, hit);
            }
          }
          if (targets.size > 0) {
            deliveries.push({ notificationId, targets });
          }
        }
        if (deliveries.length > 0) {
          await this.place(trx, deliveries, now);
        }
        await trx.updateTable('notifications').set({ state: 'done' }).where('id', 'in', ids).execute();
        return ids.length;
      },
      (n) => n > 0
    );
  }

  /**
   * place decides which mail carries the alert events for each user, notification by notification
   * in order: an open (scheduled) digest, a new digest when the user had mail within their digest
   * window or is in quiet hours, or an immediate mail. This is what turns a storm into one digest
   * per window. The decisions are made in memory for the whole batch, then written with a few
   * set-based statements.
   */
  private async place(trx: Transaction<Database>, deliveries: Delivery[], now: number): Promise<void> {
    const logins = [...new Set(deliveries.flatMap((d) => [...d.targets.keys()]))].sort();
    // Lock the users in a fixed order: replicas deciding for the same users queue up instead of deadlocking.
    let uq = trx
      .selectFrom('users')
      .select(['login', 'email', 'digest_minutes', 'quiet_hours', 'last_mail_at'])
      .where('login', 'in', logins)
      .orderBy('login');
    if (this.pg) {
      uq = uq.forUpdate();
    }
    const users = new Map(
      (await uq.execute()).map((u) => [
        u.login,
        {
          email: u.email,
          windowMs: u.digest_minutes * 60000,
          quiet: u.quiet_hours ? (JSON.parse(u.quiet_hours) as QuietHoursT) : undefined,
          lastMailAt: u.last_mail_at === null ? null : Number(u.last_mail_at),
        },
      ])
    );
    let oq = trx
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
      oq = oq.forUpdate();
    }
    // A mail is an existing row ("id:<id>") or one this batch creates ("idem:<key>").
    const openDigest = new Map<string, string>();
    for (const r of await oq.execute()) {
      if (!openDigest.has(r.login)) {
        openDigest.set(r.login, `id:${r.id}`);
      }
    }
    const fresh = new Map<string, { login: string; email: string; kind: string; notBefore: number }>();
    const lastMailAt = new Map<string, number>();
    const itemsOf = new Map<string, number[]>();
    for (const { notificationId, targets } of deliveries) {
      for (const [login, eventIds] of targets) {
        const u = users.get(login);
        if (!u) {
          continue; // the user was deleted meanwhile
        }
        let mail = openDigest.get(login);
        if (mail === undefined) {
          const quiet = quietUntil(now, u.quiet);
          let kind = 'alert';
          let notBefore = now;
          if (quiet !== null) {
            kind = 'digest';
            notBefore = quiet;
          } else if (u.windowMs > 0 && u.lastMailAt !== null && u.lastMailAt + u.windowMs > now) {
            kind = 'digest';
            notBefore = u.lastMailAt + u.windowMs;
          }
          const idem = kind === 'alert' ? `alert:${notificationId}:${login}` : `digest:${login}:${notBefore}`;
          fresh.set(idem, { login, email: u.email, kind, notBefore });
          u.lastMailAt = notBefore;
          lastMailAt.set(login, notBefore);
          mail = `idem:${idem}`;
          // The batch's later notifications join a new digest, as they would in a later transaction.
          if (kind === 'digest') {
            openDigest.set(login, mail);
          }
        }
        itemsOf.set(mail, [...(itemsOf.get(mail) ?? []), ...eventIds]);
      }
    }
    const outboxId = new Map<string, number>();
    for (const mail of itemsOf.keys()) {
      if (mail.startsWith('id:')) {
        outboxId.set(mail, Number(mail.slice(3)));
      }
    }
    if (fresh.size > 0) {
      await trx
        .insertInto('outbox')
        .values(
          [...fresh].map(([idem, f]) => ({
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
      const rows = await trx
        .selectFrom('outbox')
        .select(['id', 'idem_key'])
        .where('idem_key', 'in', [...fresh.keys()])
        .execute();
      for (const r of rows) {
        outboxId.set(`idem:${r.idem_key}`, Number(r.id));
      }
      // One update per distinct time (usually one or two), not one per user.
      const byTime = new Map<number, string[]>();
      for (const [login, t] of lastMailAt) {
        byTime.set(t, [...(byTime.get(t) ?? []), login]);
      }
      for (const [t, ls] of byTime) {
        await trx.updateTable('users').set({ last_mail_at: t }).where('login', 'in', ls).execute();
      }
    }
    const pairs: Array<[number, number]> = [];
    for (const [mail, eventIds] of itemsOf) {
      const id = outboxId.get(mail);
      if (id !== undefined) {
        for (const e of eventIds) {
          pairs.push([id, e]);
        }
      }
    }
    // One statement per 50,000 links, the links passed as one parameter (no per-row SQL to build).
    for (let i = 0; i < pairs.length; i += 50000) {
      const chunk = pairs.slice(i, i + 50000);
      if (this.pg) {
        await sql`INSERT INTO outbox_items (outbox_id, alert_event_id)
          SELECT * FROM unnest(${chunk.map((p) => p[0])}::bigint[], ${chunk.map((p) => p[1])}::bigint[])
          ON CONFLICT DO NOTHING`.execute(trx);
      } else {
        await sql`INSERT INTO outbox_items (outbox_id, alert_event_id)
          SELECT value ->> 0, value ->> 1 FROM json_each(${JSON.stringify(chunk)}) WHERE true
          ON CONFLICT DO NOTHING`.execute(trx);
      }
    }
  }

  // ---- outbox ----

  /** claim leases up to `limit` due mails to this worker (FOR UPDATE SKIP LOCKED on PostgreSQL). */
  async claim(workerId: string, limit: number, now: number, leaseMs: number): Promise<OutboxRow[]> {
    return this.lightly(
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
    if (this.pg) {
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
   * itemsOf answers the alert events a mail reports, oldest first. A storm digest can hold
   * thousands: they are read in pages with a yield to I/O between pages, so reading (and parsing)
   * a big digest never holds the event loop for long while webhooks wait.
   */
  async itemsOf(outboxId: number): Promise<Array<{ severity: SeverityT; stored: StoredAlert }>> {
    const out: Array<{ severity: SeverityT; stored: StoredAlert }> = [];
    let after = -1;
    for (;;) {
      const rows = await this.db
        .selectFrom('outbox_items')
        .innerJoin('alert_events', 'alert_events.id', 'outbox_items.alert_event_id')
        .select(['alert_events.severity', 'alert_events.alert', 'outbox_items.alert_event_id'])
        .where('outbox_items.outbox_id', '=', outboxId)
        .where('outbox_items.alert_event_id', '>', after)
        .orderBy('outbox_items.alert_event_id')
        .limit(ITEMS_PAGE)
        .execute();
      for (const r of rows) {
        out.push({ severity: r.severity as SeverityT, stored: JSON.parse(r.alert) });
      }
      if (rows.length < ITEMS_PAGE) {
        return out;
      }
      after = Number(rows[rows.length - 1].alert_event_id);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  /** markSent records a delivery; the claim check makes a late duplicate worker harmless. */
  async markSent(id: number, workerId: string, now: number, messageId: string): Promise<void> {
    await this.lightly((db) =>
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
    await this.lightly((db) =>
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
    await this.lightly(async (db) => {
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
    await this.db
      .updateTable('outbox')
      .set({ state: 'pending', claimed_by: null, lease_until: null })
      .where('state', '=', 'sending')
      .execute();
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
    const n = await this.db
      .selectFrom('notifications')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('state', '=', 'new')
      .executeTakeFirstOrThrow();
    const by = (s: string) => Number(o.find((r) => r.state === s)?.n ?? 0);
    return { outbox: by('pending') + by('sending'), notifications: Number(n.n), parked: by('parked') };
  }

  /** listOutbox answers outbox rows in a state (parked mail for operators). */
  async listOutbox(state: string, limit = 100): Promise<OutboxRow[]> {
    return this.db
      .selectFrom('outbox')
      .selectAll()
      .where('state', '=', state)
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
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
