/**
 * Rules for changing a registration (docs/security.md, "Subscriptions"). Identity comes from
 * Grafana: the data source backend fills `email` and `name` from the signed-in Grafana user, never
 * from what the user typed, and names the acting user (`actor`) when it is someone else (an Admin).
 */

/** Actor is who asked for the change, as the backend's Grafana user says. */
export interface Actor {
  login: string;
  role: string;
}

/** Refusal is a rule the request broke, with a status and a message for people. */
export interface Refusal {
  status: number;
  code: string;
  message: string;
}

/** Identity is the address and name a registration gets. */
export interface Identity {
  email: string;
  name: string | null;
}

/** bySelf says whether the subject changes their own registration (no actor named counts as themselves). */
export function bySelf(login: string, actor: Actor | undefined): boolean {
  return actor === undefined || actor.login === login;
}

/**
 * identityFor decides the address and name of a registration. The subject's own save carries
 * their Grafana e-mail (refused clearly when Grafana has none). Someone else (an Admin) may change
 * the preferences of an existing registration but never its address: the address is kept, and a
 * different one is refused.
 */
export function identityFor(
  login: string,
  actor: Actor | undefined,
  body: { email?: string; name?: string },
  old: Identity | undefined
): Identity | Refusal {
  const email = body.email?.trim() ?? '';
  if (bySelf(login, actor)) {
    if (email === '') {
      return {
        status: 400,
        code: 'no_email',
        message: `Grafana has no e-mail address for ${login}: add one to the Grafana account before subscribing`,
      };
    }
    return { email, name: body.name?.trim() || null };
  }
  if (!old) {
    return {
      status: 404,
      code: 'not_registered',
      message: `${login} has not registered for alert e-mails; only they can register, with the address of their Grafana account`,
    };
  }
  if (email !== '' && email.toLowerCase() !== old.email.toLowerCase()) {
    return {
      status: 403,
      code: 'identity_from_grafana',
      message: `an Admin can change the alert preferences of ${login}, not their e-mail address (it comes from their Grafana account)`,
    };
  }
  return { email: old.email, name: old.name };
}

/** isRefusal tells a Refusal from an Identity. */
export function isRefusal(x: Identity | Refusal): x is Refusal {
  return 'code' in x;
}

/** Confirmation is what happens about the double opt-in after a save. */
export type Confirmation = 'confirmed' | 'sent' | 'throttled' | 'pending';

/**
 * confirmationFor decides whether a save queues a confirmation mail. A confirmed address needs
 * none. The subject's own save of an unconfirmed address (new, changed or saved again) sends one,
 * unless the hourly limits per user or per address are reached. An Admin's change of someone
 * else's preferences sends none (nobody can make the relay mail an address at will).
 */
export function confirmationFor(o: {
  confirmed: boolean;
  self: boolean;
  sentToUser: number;
  sentToAddress: number;
  maxPerUser: number;
  maxPerAddress: number;
}): Confirmation {
  if (o.confirmed) {
    return 'confirmed';
  }
  if (!o.self) {
    return 'pending';
  }
  if (o.sentToUser >= o.maxPerUser || o.sentToAddress >= o.maxPerAddress) {
    return 'throttled';
  }
  return 'sent';
}

/** changedFields lists the preference fields a save changes (for the audit record; no values). */
export function changedFields(before: Record<string, unknown> | undefined, after: Record<string, unknown>): string[] {
  if (!before) {
    return Object.keys(after).sort();
  }
  return Object.keys(after)
    .filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]))
    .sort();
}
