import crypto from 'node:crypto';

/**
 * Unsubscribe tokens are `<base64url login>.<hex HMAC>`; the HMAC covers the login and the address
 * the mail went to, so a token stops working once the address changes and cannot be made for
 * another login without the secret.
 */
export function unsubscribeToken(secret: string, login: string, email: string): string {
  return `${Buffer.from(login).toString('base64url')}.${mac(secret, login, email)}`;
}

function mac(secret: string, login: string, email: string): string {
  return crypto
    .createHmac('sha256', secret)
    .update(`unsubscribe\u0000${login}\u0000${email.toLowerCase()}`)
    .digest('hex');
}

/** parseUnsubscribeToken answers the login a token names (not yet verified). */
export function parseUnsubscribeToken(token: string): { login: string; sig: string } | undefined {
  const m = /^([A-Za-z0-9_-]{1,400})\.([0-9a-f]{64})$/.exec(token);
  if (!m) {
    return undefined;
  }
  return { login: Buffer.from(m[1], 'base64url').toString('utf8'), sig: m[2] };
}

/** verifyUnsubscribeToken checks the signature in constant time against the user's current address. */
export function verifyUnsubscribeToken(secret: string, sig: string, login: string, email: string): boolean {
  const want = Buffer.from(mac(secret, login, email), 'hex');
  const got = Buffer.from(sig, 'hex');
  return got.length === want.length && crypto.timingSafeEqual(got, want);
}

/** maskEmail keeps logs useful without writing full addresses: `j***@example.com`. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) {
    return '***';
  }
  return `${email[0]}***${email.slice(at)}`;
}
