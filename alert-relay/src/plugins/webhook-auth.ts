import crypto from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Config } from '../config';
import { HttpError } from '../errors';
import { replayExpiry, timestampVerdict } from '../policy/webhook-window';

export { HttpError };

function safeEqual(a: Buffer, b: Buffer): boolean {
  // Compare digests so that length differences do not leak through timing either.
  const ha = crypto.createHash('sha256').update(a).digest();
  const hb = crypto.createHash('sha256').update(b).digest();
  return crypto.timingSafeEqual(ha, hb) && a.length === b.length;
}

/** bearerMatches checks `Authorization: Bearer <token>` in constant time. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m !== null && safeEqual(Buffer.from(m[1]), Buffer.from(token));
}

/**
 * WebhookVerifier checks Grafana's HMAC-SHA256 signature over the raw body bytes (with
 * `<unix seconds>:` prepended when the timestamp header is in use) before anything parses the
 * JSON, refuses timestamps outside the allowed skew and signatures already seen within it.
 */
export class WebhookVerifier {
  private readonly seen = new Map<string, number>();
  private readonly sigHeader: string;
  private readonly tsHeader: string | null;

  constructor(private readonly cfg: Config) {
    this.sigHeader = cfg.RELAY_WEBHOOK_SIGNATURE_HEADER.toLowerCase();
    const ts = cfg.RELAY_WEBHOOK_TIMESTAMP_HEADER.trim().toLowerCase();
    this.tsHeader = ts === '' || ts === 'none' ? null : ts;
  }

  /** checkBearer runs before the body is read, so unauthenticated floods cost little. */
  checkBearer(req: FastifyRequest): void {
    if (!this.cfg.RELAY_WEBHOOK_BEARER_TOKEN) {
      return;
    }
    if (!bearerMatches(req.headers.authorization, this.cfg.RELAY_WEBHOOK_BEARER_TOKEN)) {
      throw new HttpError(401, 'unauthenticated', 'missing or wrong bearer token');
    }
  }

  /** checkSignature verifies the raw body; throws HttpError 401 / 409 when it must be refused. */
  checkSignature(headers: FastifyRequest['headers'], raw: Buffer, now = Date.now()): void {
    const secret = this.cfg.RELAY_WEBHOOK_SECRET;
    if (!secret) {
      return;
    }
    const sig = String(headers[this.sigHeader] ?? '')
      .trim()
      .toLowerCase();
    if (!/^[0-9a-f]{64}$/.test(sig)) {
      throw new HttpError(401, 'unauthenticated', 'missing or malformed signature header');
    }
    const mac = crypto.createHmac('sha256', secret);
    let ts: number | null = null;
    if (this.tsHeader) {
      const t = String(headers[this.tsHeader] ?? '').trim();
      if (!/^\d{1,12}$/.test(t)) {
        throw new HttpError(401, 'unauthenticated', 'missing or malformed signature timestamp');
      }
      ts = Number(t);
      mac.update(`${t}:`);
    }
    mac.update(raw);
    const want = mac.digest();
    if (!crypto.timingSafeEqual(want, Buffer.from(sig, 'hex'))) {
      throw new HttpError(401, 'unauthenticated', 'signature does not match');
    }
    if (ts !== null) {
      const skew = this.cfg.RELAY_WEBHOOK_MAX_SKEW_SECONDS;
      const verdict = timestampVerdict(now, ts, skew);
      if (verdict !== 'fresh') {
        throw new HttpError(
          401,
          'stale',
          verdict === 'in_future'
            ? 'signature timestamp is in the future, outside the allowed window (check the clocks)'
            : 'signature timestamp outside the allowed window'
        );
      }
      this.prune(now);
      if (this.seen.has(sig)) {
        throw new HttpError(409, 'replayed', 'this signed request was already received');
      }
      this.seen.set(sig, replayExpiry(ts, skew));
    }
  }

  private prune(now: number) {
    if (this.seen.size < 1000) {
      return;
    }
    for (const [k, exp] of this.seen) {
      if (exp < now) {
        this.seen.delete(k);
      }
    }
  }
}
