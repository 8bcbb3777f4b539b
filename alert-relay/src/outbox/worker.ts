import crypto from 'node:crypto';
import os from 'node:os';
import type { Transporter } from 'nodemailer';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config';
import type { OutboxRepository, OutboxRow } from '../store/outbox-repo';
import type { FanoutRepository } from '../store/fanout-repo';
import type { PlacementsRepository } from '../store/placements-repo';
import { renderAlertMail, renderConfirmMail, renderTestMail } from '../mail/templates';
import { isPermanent, smtpReason } from '../mail/transport';
import { maskEmail, unsubscribeToken } from '../mail/tokens';
import type { RelayMetrics } from '../metrics';

const yieldToIo = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * One fan-out transaction handles notifications while their alert states x subscribers stay within
 * this many deliveries (at least one notification): a few milliseconds of work, so that with SQLite
 * (one writer, synchronous driver) a webhook never waits long behind the worker.
 */
export const FANOUT_MAX_DELIVERIES = 500;

/**
 * While webhooks are arriving, the worker pauses after each slice of work for this many times the
 * slice's duration, so it takes at most a third of the process's time and acknowledgements keep
 * the rest. It never stops: without webhooks it runs flat out, with them it keeps its share.
 */
export const PAUSE_PER_SLICE = 2;
const MAX_PAUSE_MS = 100;

/** IntakeGate lets the worker give way to webhooks (IntakeQueue). */
export interface IntakeGate {
  /** idle resolves once the webhooks waiting to be stored have been handed to the database. */
  idle(): Promise<void>;
  /** active says whether a webhook arrived within the last few milliseconds. */
  active(): boolean;
}

/** backoffMs is exponential backoff with "equal jitter": half fixed, half random, capped. */
export function backoffMs(attempt: number, baseMs: number, maxMs: number, rnd = Math.random): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp / 2 + rnd() * (exp / 2));
}

/**
 * OutboxWorker fans stored notifications out to recipients and sends due mail. Several workers
 * (replicas) may run on one PostgreSQL: claims use leases and FOR UPDATE SKIP LOCKED, and each
 * mail's Message-ID is derived from its idempotency key so a receiver can recognise a resend.
 */
export class OutboxWorker {
  readonly id = `${os.hostname()}:${process.pid}:${crypto.randomBytes(4).toString('hex')}`;
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private inFlight = new Set<Promise<void>>();
  private loop: Promise<void> | null = null;
  private kick = false;
  private lastSliceMs = 0;
  private turn: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: {
      fanout: Pick<FanoutRepository, 'fanOutBatch'>;
      outbox: OutboxRepository;
      /** Where VMs run now, named in the mail; absent: mails name the VM only. */
      placements?: Pick<PlacementsRepository, 'placementsOf'>;
    },
    private readonly transport: Transporter,
    private readonly cfg: Config,
    private readonly log: FastifyBaseLogger,
    private readonly metrics: RelayMetrics,
    private readonly intake?: IntakeGate
  ) {}

  /** start begins polling; `wake` makes the next round start at once (after a webhook). */
  start(): void {
    this.running = true;
    this.schedule(0);
  }

  /** wake asks for a round now instead of at the next poll. */
  wake(): void {
    if (!this.running) {
      return;
    }
    if (this.loop) {
      this.kick = true;
      return;
    }
    this.schedule(0);
  }

  private schedule(ms: number) {
    if (this.timer) {
      clearTimeout(this.timer);
    }
    this.timer = setTimeout(() => {
      this.timer = null;
      this.loop = this.round()
        .catch((err) => this.log.error({ err: { message: (err as Error).message } }, 'outbox round failed'))
        .finally(() => {
          this.loop = null;
          if (!this.running) {
            return;
          }
          const again = this.kick;
          this.kick = false;
          this.schedule(again ? 0 : this.cfg.RELAY_WORKER_POLL_MS);
        });
    }, ms);
    this.timer.unref?.();
  }

  /**
   * round fans out waiting notifications and sends due mail until neither has work left. Mail is
   * claimed between fan-out batches, so the first mail of a storm goes out while the rest of the
   * storm is still being fanned out. All work runs in short slices (see `slice`).
   */
  async round(): Promise<void> {
    while (this.running) {
      const fanned = await this.slice(() =>
        this.store.fanout.fanOutBatch({ now: Date.now(), maxDeliveries: FANOUT_MAX_DELIVERIES })
      );
      const free = this.cfg.RELAY_WORKER_CONCURRENCY - this.inFlight.size;
      let claimed = 0;
      if (free > 0 && this.running) {
        const rows = await this.slice(() =>
          this.store.outbox.claim(this.id, free, Date.now(), this.cfg.RELAY_LEASE_SECONDS * 1000)
        );
        for (const row of rows) {
          const p = this.deliver(row).finally(() => this.inFlight.delete(p));
          this.inFlight.add(p);
        }
        claimed = rows.length;
      }
      if (fanned === 0 && claimed === 0) {
        if (free > 0) {
          break; // nothing to fan out and no mail due
        }
        await Promise.race(this.inFlight); // every send slot busy: wait for one
      }
    }
    await Promise.all(this.inFlight);
  }

  /**
   * breathe comes before each CPU-heavy step of a delivery (reading the items, rendering, handing
   * the message to nodemailer, recording the send). The steps of the concurrent deliveries take
   * turns, one per turn of the event loop and after the webhooks waiting to be stored: starting
   * four deliveries at once otherwise held the loop for ~10 ms.
   */
  private breathe(): Promise<void> {
    const mine = this.turn.then(async () => {
      await yieldToIo();
      await this.intake?.idle();
    });
    this.turn = mine.catch(() => undefined);
    return mine;
  }

  /**
   * slice runs one short piece of work (one transaction). Before it, the worker yields to I/O
   * (better-sqlite3 is synchronous: without it a backlog would starve the socket), pauses for its
   * share while webhooks are arriving (PAUSE_PER_SLICE), and lets the webhooks already received be
   * stored first: an acknowledgement waits for at most one slice of worker work.
   */
  private async slice<T>(work: () => Promise<T>): Promise<T> {
    await yieldToIo();
    if (this.intake?.active()) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(MAX_PAUSE_MS, this.lastSliceMs * PAUSE_PER_SLICE)));
    }
    await this.intake?.idle();
    const started = performance.now();
    try {
      return await work();
    } finally {
      this.lastSliceMs = performance.now() - started;
    }
  }

  private async deliver(row: OutboxRow): Promise<void> {
    const id = Number(row.id);
    const messageId = `<${crypto.createHash('sha256').update(row.idem_key).digest('hex').slice(0, 32)}@${new URL(this.cfg.PUBLIC_URL).hostname || 'privatecloud-relay'}>`;
    const who = maskEmail(row.email);
    try {
      await this.breathe();
      const unsubscribeUrl = `${this.cfg.PUBLIC_URL.replace(/\/$/, '')}/unsubscribe?token=${unsubscribeToken(this.cfg.RELAY_UNSUBSCRIBE_SECRET, row.login, row.email)}`;
      let mail;
      if (row.kind === 'confirm') {
        const data = JSON.parse(row.data ?? '{}') as { url: string; name?: string };
        mail = renderConfirmMail(data.url, data.name);
      } else if (row.kind === 'test') {
        const data = JSON.parse(row.data ?? '{}') as { name?: string };
        mail = renderTestMail(this.cfg.GRAFANA_URL, data.name);
      } else {
        const items = await this.store.outbox.summaryOf(id);
        if (items.total === 0) {
          await this.store.outbox.markParked(id, this.id, 'nothing to report');
          return;
        }
        if (this.store.placements) {
          await this.breathe();
          items.placements = await this.store.placements.placementsOf(items.placementKeys());
        }
        await this.breathe();
        const windowText =
          row.kind === 'digest'
            ? `${Math.max(1, Math.round((Number(row.not_before) - Number(row.created_at)) / 60000))} min`
            : undefined;
        mail = renderAlertMail(items, {
          digest: row.kind === 'digest',
          grafanaUrl: this.cfg.GRAFANA_URL,
          unsubscribeUrl,
          windowText,
        });
      }
      const headers: Record<string, string> = { 'X-PrivateCloud-Relay-Kind': row.kind };
      // RFC 8058: mail clients may unsubscribe with one POST to the List-Unsubscribe URL.
      if (row.kind !== 'confirm') {
        headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
      }
      await this.breathe();
      await this.transport.sendMail({
        from: this.cfg.MAIL_FROM,
        to: row.email,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        attachments: mail.attachments,
        messageId,
        headers,
        // RFC 2369 List-Unsubscribe; confirmation mails need none (nothing is sent unless confirmed).
        ...(row.kind !== 'confirm' ? { list: { unsubscribe: { url: unsubscribeUrl, comment: 'Unsubscribe' } } } : {}),
      });
      await this.breathe();
      await this.store.outbox.markSent(id, this.id, Date.now(), messageId);
      this.metrics.sent.inc({ kind: row.kind });
      this.metrics.latency.observe(Math.max(0, Date.now() - Number(row.not_before)) / 1000);
      this.log.info({ outbox: id, kind: row.kind, to: who, attempt: row.attempts }, 'mail sent');
    } catch (err) {
      const reason = smtpReason(err);
      if (isPermanent(err)) {
        await this.store.outbox.markParked(id, this.id, reason);
        this.metrics.parked.inc();
        this.log.warn({ outbox: id, to: who, reason }, 'mail parked: permanent SMTP failure');
      } else if (row.attempts >= this.cfg.RELAY_MAX_ATTEMPTS) {
        await this.store.outbox.markParked(id, this.id, `gave up after ${row.attempts} attempts: ${reason}`);
        this.metrics.parked.inc();
        this.log.warn({ outbox: id, to: who, reason }, 'mail parked: too many attempts');
      } else {
        const delay = backoffMs(row.attempts, this.cfg.RELAY_RETRY_BASE_MS, this.cfg.RELAY_RETRY_MAX_MS);
        await this.store.outbox.markRetry(id, this.id, Date.now() + delay, reason);
        this.metrics.retried.inc();
        this.log.warn({ outbox: id, to: who, reason, retryInMs: delay }, 'mail failed; will retry');
      }
    }
  }

  /** stop ends polling, waits for in-flight sends to finish, and returns unsent claims to the queue. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) {
      clearTimeout(this.timer);
    }
    this.timer = null;
    if (this.loop) {
      await this.loop;
    }
    await Promise.all(this.inFlight);
    await this.store.outbox.releaseClaims(this.id);
  }
}
