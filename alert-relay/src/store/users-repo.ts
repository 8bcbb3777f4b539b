import crypto from 'node:crypto';
import { sql, type Selectable } from 'kysely';
import type { DbHandle, UsersTable } from './db';
import type { SeverityT, SubscriptionPutT, SubscriptionT } from '../schemas/internal';
import { HttpError } from '../errors';
import { writeAudit } from './audit-repo';
import {
  bySelf,
  changedFields,
  confirmationFor,
  identityFor,
  isRefusal,
  type Actor,
  type Confirmation,
} from '../policy/subscription';

/** PutOptions: the time, defaults, link maker, who acts, and the confirmation-mail limits. */
export interface PutOptions {
  now: number;
  defaultDigestMinutes: number;
  confirmUrl: (token: string) => string;
  /** The admin CLI may register an address as confirmed. */
  trustConfirmed?: boolean;
  /** Who asks, when not the subject themselves (an Admin); absent: the subject. */
  actor?: Actor;
  /** Confirmation mails per hour, per user and per address (absent: unlimited, the CLI). */
  limits?: { perUser: number; perAddress: number };
}

/** PutResult is the saved registration and what happened about its confirmation. */
export interface PutResult {
  subscription: SubscriptionT;
  confirmation: Confirmation;
}

/** actorUser is the audit record's user: the actor, or the subject acting on their own registration. */
function actorUser(login: string, email: string, actor: Actor | undefined) {
  return actor && actor.login !== login
    ? { login: actor.login, email: '', role: actor.role }
    : { login, email, role: actor?.role ?? 'unknown' };
}

/** prefsOf is a subscription without its identity fields. */
function prefsOf(s: SubscriptionT): Record<string, unknown> {
  const { login: _l, email: _e, name: _n, confirmed: _c, ...prefs } = s;
  return prefs;
}

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
   * putUser creates or changes a registration, with its audit record in the same transaction.
   * Identity and double opt-in follow policy/subscription.ts: the subject's own save of an
   * unconfirmed address queues a confirmation mail (within the hourly limits per user and per
   * address); `confirmed` in the body is ignored unless `trustConfirmed` (the admin CLI) says so.
   * Throws HttpError when a rule refuses the change (nothing is written then).
   */
  async putUser(login: string, body: SubscriptionPutT, opts: PutOptions): Promise<PutResult> {
    return this.handle.db.transaction().execute(async (trx) => {
      let q = trx.selectFrom('users').selectAll().where('login', '=', login);
      if (this.handle.dialect === 'postgres') {
        q = q.forUpdate();
      }
      const old = await q.executeTakeFirst();
      const identity = identityFor(login, opts.actor, body, old ? { email: old.email, name: old.name } : undefined);
      if (isRefusal(identity)) {
        throw new HttpError(identity.status, identity.code, identity.message);
      }
      const self = bySelf(login, opts.actor);
      const emailChanged = !old || old.email.toLowerCase() !== identity.email.toLowerCase();
      let confirmed = old ? Boolean(old.confirmed) && !emailChanged : false;
      if (opts.trustConfirmed && body.confirmed) {
        confirmed = true;
      }
      let sentToUser = 0;
      let sentToAddress = 0;
      if (!confirmed && self) {
        const hourAgo = opts.now - 3600000;
        const recent = await trx
          .selectFrom('outbox')
          .select(['login', 'email'])
          .where('kind', '=', 'confirm')
          .where('created_at', '>', hourAgo)
          .where((eb) =>
            eb.or([eb('login', '=', login), eb(sql<string>`lower(email)`, '=', identity.email.toLowerCase())])
          )
          .execute();
        sentToUser = recent.filter((r) => r.login === login).length;
        sentToAddress = recent.filter((r) => r.email.toLowerCase() === identity.email.toLowerCase()).length;
      }
      const confirmation = confirmationFor({
        confirmed,
        self,
        sentToUser,
        sentToAddress,
        maxPerUser: opts.limits?.perUser ?? Infinity,
        maxPerAddress: opts.limits?.perAddress ?? Infinity,
      });
      const token = confirmation === 'sent' ? crypto.randomBytes(32).toString('base64url') : null;
      // A link sent to an earlier address must never confirm a new one.
      const keptHash = emailChanged ? null : (old?.confirm_token_hash ?? null);
      const row: UsersTable = {
        login,
        email: identity.email,
        name: identity.name,
        confirmed: confirmed ? 1 : 0,
        confirm_token_hash: confirmed ? null : token ? sha256(token) : keptHash,
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
            email: identity.email,
            state: 'pending',
            created_at: opts.now,
            not_before: opts.now,
            next_attempt_at: opts.now,
            attempts: 0,
            data: JSON.stringify({ url: opts.confirmUrl(token), name: row.name }),
          })
          .execute();
      }
      const subscription = toSubscription(row);
      const prefs = prefsOf(subscription);
      const before = old ? toSubscription(old) : undefined;
      await writeAudit(trx, {
        time: new Date(opts.now).toISOString(),
        user: actorUser(login, identity.email, opts.actor),
        action: 'subscriptionChange',
        vm: { id: '', name: '' },
        params: {
          login,
          created: !old,
          changed: changedFields(before ? prefsOf(before) : undefined, prefs),
          emailChanged: Boolean(old) && emailChanged,
          confirmation,
        },
        outcome: 'success',
      });
      return { subscription, confirmation };
    });
  }

  /** deleteUser removes a registration and its unsent mail, audited; answers false when unknown. */
  async deleteUser(login: string, now = Date.now(), actor?: Actor): Promise<boolean> {
    return this.handle.db.transaction().execute(async (trx) => {
      const old = await trx.selectFrom('users').select(['email']).where('login', '=', login).executeTakeFirst();
      const r = await trx.deleteFrom('users').where('login', '=', login).executeTakeFirst();
      await trx
        .updateTable('outbox')
        .set({ state: 'parked', last_error: 'user deleted' })
        .where('login', '=', login)
        .where('state', '=', 'pending')
        .execute();
      if (old) {
        await writeAudit(trx, {
          time: new Date(now).toISOString(),
          user: actorUser(login, old.email, actor),
          action: 'subscriptionDelete',
          vm: { id: '', name: '' },
          params: { login },
          outcome: 'success',
        });
      }
      return Number(r.numDeletedRows) > 0;
    });
  }

  /**
   * queueTestMail queues one test mail to the user's confirmed address through the outbox (so it
   * is retried like every mail, docs/contracts.md §5), at most `maxPerHour` per user per hour.
   * Throws HttpError 409 when there is no confirmed address, 429 over the limit; answers the address.
   */
  async queueTestMail(login: string, now: number, maxPerHour: number): Promise<string> {
    return this.handle.db.transaction().execute(async (trx) => {
      const u = await trx.selectFrom('users').selectAll().where('login', '=', login).executeTakeFirst();
      if (!u) {
        throw new HttpError(409, 'not_registered', 'no e-mail address is registered for this user: save one first');
      }
      if (!u.confirmed) {
        throw new HttpError(
          409,
          'unconfirmed',
          'the e-mail address is not confirmed yet: open the link in the confirmation mail (saving again re-sends it)'
        );
      }
      const recent = await trx
        .selectFrom('outbox')
        .select('id')
        .where('kind', '=', 'test')
        .where('login', '=', login)
        .where('created_at', '>', now - 3600000)
        .execute();
      if (recent.length >= maxPerHour) {
        throw new HttpError(429, 'too_many_test_mails', `at most ${maxPerHour} test mails per hour: try again later`);
      }
      await trx
        .insertInto('outbox')
        .values({
          idem_key: `test:${login}:${now}:${crypto.randomBytes(6).toString('hex')}`,
          kind: 'test',
          login,
          email: u.email,
          state: 'pending',
          created_at: now,
          not_before: now,
          next_attempt_at: now,
          attempts: 0,
          data: JSON.stringify({ name: u.name }),
        })
        .execute();
      return u.email;
    });
  }

  /** confirmByToken confirms the address the token was sent to; answers the login or undefined. */
  async confirmByToken(token: string, now: number): Promise<string | undefined> {
    const row = await this.handle.db
      .selectFrom('users')
      .select(['login', 'email'])
      .where('confirm_token_hash', '=', sha256(token))
      .executeTakeFirst();
    if (!row) {
      return undefined;
    }
    await this.handle.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('users')
        .set({ confirmed: 1, confirm_token_hash: null, updated_at: now })
        .where('login', '=', row.login)
        .execute();
      await writeAudit(trx, {
        time: new Date(now).toISOString(),
        user: { login: row.login, email: row.email, role: 'recipient' },
        action: 'confirmAddress',
        vm: { id: '', name: '' },
        params: { login: row.login },
        outcome: 'success',
      });
    });
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
      const u = await trx.selectFrom('users').select(['email']).where('login', '=', login).executeTakeFirst();
      await writeAudit(trx, {
        time: new Date(now).toISOString(),
        user: { login, email: u?.email ?? '', role: 'recipient' },
        action: 'unsubscribe',
        vm: { id: '', name: '' },
        params: { login },
        outcome: 'success',
      });
    });
  }
}
