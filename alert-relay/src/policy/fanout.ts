import type { GrafanaAlertT } from '../schemas/webhook';
import type { QuietHoursT, SeverityT } from '../schemas/internal';
import { matches, quietUntil, type RoutableUser } from './matching';

/**
 * The fan-out policy: who gets which alert, in which mail, when (README "How it works", step 2).
 * Everything here is a pure function of plain data, or runs over the narrow `FanoutPort`, so the
 * rules are table-tested without a database (test/policy.test.ts); the repository
 * (store/fanout-repo.ts) implements the port inside one transaction.
 */

/** Subscriber is a confirmed, subscribed user as routing sees them. */
export interface Subscriber extends RoutableUser {
  login: string;
}

/** PendingNotification is a stored webhook delivery not yet fanned out. */
export interface PendingNotification {
  id: number;
  newAlerts: number;
}

/** PendingEvent is one new alert state of a notification. */
export interface PendingEvent {
  id: number;
  notificationId: number;
  severity: SeverityT;
  alert: GrafanaAlertT;
}

/** Delivery is one notification's recipients: login -> the alert event ids that match them. */
export interface Delivery {
  notificationId: number;
  targets: Map<string, number[]>;
}

/** Mailbox is what decides the timing of a user's next mail. */
export interface Mailbox {
  email: string;
  /** Digest window in ms (0: every notification is mailed at once). */
  windowMs: number;
  quiet?: QuietHoursT;
  /** Epoch ms of the last immediate mail or of the next scheduled digest. */
  lastMailAt: number | null;
}

/** MailKind is an immediate alert mail or a scheduled digest. */
export type MailKind = 'alert' | 'digest';

/** NewMail is an outbox row the batch creates, keyed by its idempotency key. */
export interface NewMail {
  login: string;
  email: string;
  kind: MailKind;
  notBefore: number;
}

/** Placement is the batch's decisions: the mails to create and which alert events each mail reports. */
export interface Placement {
  fresh: Map<string, NewMail>;
  /** Mail reference -> alert event ids; a reference is `id:<outbox id>` (an open digest) or `idem:<key>`. */
  items: Map<string, number[]>;
  /** The users whose next-mail time moved, with the new time. */
  lastMailAt: Map<string, number>;
}

/**
 * selectBatch takes waiting notifications in order while their work (new alert states x
 * subscribers) stays within `maxDeliveries`; the first is always taken so a huge notification
 * cannot block the queue.
 */
export function selectBatch(waiting: PendingNotification[], subscribers: number, maxDeliveries: number): number[] {
  const ids: number[] = [];
  let work = 0;
  for (const n of waiting) {
    const w = n.newAlerts * Math.max(1, subscribers);
    if (ids.length > 0 && work + w > maxDeliveries) {
      break;
    }
    ids.push(n.id);
    work += w;
  }
  return ids;
}

/** deliveriesFor answers, per notification (in id order), the subscribers its events match. */
export function deliveriesFor(ids: number[], events: PendingEvent[], subscribers: Subscriber[]): Delivery[] {
  const byNotification = new Map<number, PendingEvent[]>(ids.map((id) => [id, []]));
  for (const e of events) {
    byNotification.get(e.notificationId)?.push(e);
  }
  const out: Delivery[] = [];
  for (const [notificationId, evs] of byNotification) {
    const targets = new Map<string, number[]>();
    for (const u of subscribers) {
      const hit = evs.filter((e) => matches(u, e.alert, e.severity)).map((e) => e.id);
      if (hit.length > 0) {
        targets.set(u.login, hit);
      }
    }
    if (targets.size > 0) {
      out.push({ notificationId, targets });
    }
  }
  return out;
}

/**
 * nextMail decides the mail for a user who has no open digest: a digest at the end of quiet
 * hours, a digest at the end of the digest window when they had mail within it, else an
 * immediate mail.
 */
export function nextMail(box: Mailbox, now: number): { kind: MailKind; notBefore: number } {
  const quiet = quietUntil(now, box.quiet);
  if (quiet !== null) {
    return { kind: 'digest', notBefore: quiet };
  }
  if (box.windowMs > 0 && box.lastMailAt !== null && box.lastMailAt + box.windowMs > now) {
    return { kind: 'digest', notBefore: box.lastMailAt + box.windowMs };
  }
  return { kind: 'alert', notBefore: now };
}

/** mailKey is the idempotency key of a new mail: one alert mail per notification x user, one digest per user x time. */
export function mailKey(kind: MailKind, notificationId: number, login: string, notBefore: number): string {
  return kind === 'alert' ? `alert:${notificationId}:${login}` : `digest:${login}:${notBefore}`;
}

/**
 * place decides which mail carries the alert events for each user, notification by notification
 * in order: an open (scheduled) digest, else `nextMail`. A new digest collects the batch's later
 * notifications, as it would in a later transaction. This is what turns a storm into one digest
 * per window. `mailboxes` is updated in place (the next-mail time moves as mails are planned).
 */
export function place(
  deliveries: Delivery[],
  mailboxes: Map<string, Mailbox>,
  openDigests: Map<string, number>,
  now: number
): Placement {
  const open = new Map<string, string>([...openDigests].map(([login, id]) => [login, `id:${id}`]));
  const fresh = new Map<string, NewMail>();
  const lastMailAt = new Map<string, number>();
  const items = new Map<string, number[]>();
  for (const { notificationId, targets } of deliveries) {
    for (const [login, eventIds] of targets) {
      const box = mailboxes.get(login);
      if (!box) {
        continue; // the user was deleted meanwhile
      }
      let mail = open.get(login);
      if (mail === undefined) {
        const { kind, notBefore } = nextMail(box, now);
        const idem = mailKey(kind, notificationId, login, notBefore);
        fresh.set(idem, { login, email: box.email, kind, notBefore });
        box.lastMailAt = notBefore;
        lastMailAt.set(login, notBefore);
        mail = `idem:${idem}`;
        if (kind === 'digest') {
          open.set(login, mail);
        }
      }
      items.set(mail, [...(items.get(mail) ?? []), ...eventIds]);
    }
  }
  return { fresh, items, lastMailAt };
}

/**
 * FanoutPort is all the fan-out needs from storage, inside one transaction. Reads lock what they
 * read where the database can (PostgreSQL: FOR UPDATE [SKIP LOCKED]).
 */
export interface FanoutPort {
  /** The oldest notifications not yet fanned out (up to a small limit), oldest first. */
  waiting(): Promise<PendingNotification[]>;
  /** Confirmed users who did not unsubscribe. */
  subscribers(): Promise<Subscriber[]>;
  /** The new alert states of these notifications, in id order. */
  events(ids: number[]): Promise<PendingEvent[]>;
  /** The mailboxes of these users (locked in login order). */
  mailboxes(logins: string[]): Promise<Map<string, Mailbox>>;
  /** Each user's earliest pending digest scheduled after `now`: login -> outbox id. */
  openDigests(logins: string[], now: number): Promise<Map<string, number>>;
  /** Writes the placement's new mails, item links and next-mail times. */
  write(placement: Placement, now: number): Promise<void>;
  /** Marks the notifications fanned out. */
  done(ids: number[]): Promise<void>;
}

/**
 * fanOut turns the oldest waiting notifications into mail decisions through the port. Answers how
 * many notifications were processed (0: none was waiting).
 */
export async function fanOut(port: FanoutPort, now: number, maxDeliveries: number): Promise<number> {
  const waiting = await port.waiting();
  if (waiting.length === 0) {
    return 0;
  }
  const subscribers = await port.subscribers();
  const ids = selectBatch(waiting, subscribers.length, maxDeliveries);
  const deliveries = deliveriesFor(ids, await port.events(ids), subscribers);
  if (deliveries.length > 0) {
    const logins = [...new Set(deliveries.flatMap((d) => [...d.targets.keys()]))].sort();
    const mailboxes = await port.mailboxes(logins);
    const openDigests = await port.openDigests(logins, now);
    await port.write(place(deliveries, mailboxes, openDigests, now), now);
  }
  await port.done(ids);
  return ids.length;
}
