import crypto from 'node:crypto';
import type { Selectable } from 'kysely';
import type { DbHandle, UsersTable } from './db';
import type { SeverityT, SubscriptionPutT, SubscriptionT } from '../schemas/internal';

/** UserRow is a stored registration. */
export type UserRow = Selectable<UsersTable>;

const sha256 = (s: string) => crypto.createHash('sha256').update(s).digest('hex');

/** hashToken stores only a digest of confirmation tokens, so a leaked database cannot confirm addresses. */
export const hashToken = sha256;

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

/** UsersRepository: registrations, their preferences, confirmation and unsubscribe (tables users, outbox for confirm mails). */
export class UsersRepository {
  constructor(private readonly handle: DbHandle) {}

  /** listUsers answers every registration, ordered by login. */
  async listUsers(): Promise<SubscriptionT[]> {
    const rows = await this.handle.db.selectFrom('users').selectAll().orderBy('login').execute();
    return rows.map(toSubscription);
  }

  /** getUser answers one registration or undefined. */
  async getUser(login: string): Promise<SubscriptionT | undefined> {
    const row = await this.handle.db.selectFrom('users').selectAll().where('login', '=', login).executeTakeFirst();
    return row ? toSubscription(row) : undefined;
  }

  /** userRow answers the raw row (for token checks). */
  async userRow(login: string): Promise<UserRow | undefined> {
    return this.handle.db.selectFrom('users').selectAll().where('login', '=', login).executeTakeFirst();
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
    return this.handle.db.transaction().execute(async (trx) => {
      let q = trx.selectFrom('users').selectAll().where('login', '=', login);
      if (this.handle.dialect === 'postgres') {
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
    return this.handle.db.transaction().execute(async (trx) => {
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
    const row = await this.handle.db
      .selectFrom('users')
      .select(['login'])
      .where('confirm_token_hash', '=', sha256(token))
      .executeTakeFirst();
    if (!row) {
      return undefined;
    }
    await this.handle.db
      .updateTable('users')
      .set({ confirmed: 1, confirm_token_hash: null, updated_at: now })
      .where('login', '=', row.login)
      .execute();
    return row.login;
  }

  /** unsubscribe stops all alert mail to the user and drops their unsent alert mail. */
  async unsubscribe(login: string, now: number): Promise<void> {
    await this.handle.db.transaction().execute(async (trx) => {
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
}
