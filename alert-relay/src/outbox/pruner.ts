import type { FastifyBaseLogger } from 'fastify';
import type { PrunedTable, RetentionRepository } from '../store/retention-repo';
import type { IntakeGate } from './worker';

const yieldToIo = () => new Promise<void>((resolve) => setImmediate(resolve));

/** RetentionSettings are the ages after which rows go (README "Retention"). */
export interface RetentionSettings {
  /** Delivery data: sent/parked mail, fanned-out notifications, alert events no mail refers to. */
  deliveryDays: number;
  /** The audit log, kept longer. */
  auditDays: number;
  /** Rows per batch (one short transaction each). */
  batchSize: number;
  /** Time between pruning runs. */
  intervalMs: number;
}

/** cutoffs answers, per table, the time before which rows are pruned. Mail goes first, so its items free the events. */
export function cutoffs(
  now: number,
  s: Pick<RetentionSettings, 'deliveryDays' | 'auditDays'>
): Array<[PrunedTable, number]> {
  const day = 86400000;
  const delivery = now - s.deliveryDays * day;
  return [
    ['outbox', delivery],
    ['notifications', delivery],
    ['alert_events', delivery],
    ['audit_events', now - s.auditDays * day],
    // VM placements no push refreshed within the delivery window (the backend sends all VMs with its first inventory build of each hour): VMs that are gone.
    ['vm_placements', delivery],
  ];
}

/**
 * Pruner deletes old rows in the background: small batches, each after the webhooks waiting to be
 * stored (the worker's `IntakeGate`), so it never holds up intake.
 */
export class Pruner {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private stopped = false;

  constructor(
    private readonly repo: RetentionRepository,
    private readonly settings: RetentionSettings,
    private readonly log: FastifyBaseLogger,
    private readonly onPruned: (table: PrunedTable, n: number) => void = () => undefined,
    private readonly intake?: IntakeGate
  ) {}

  /** start runs a pass now and then every interval. */
  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  private schedule(ms: number): void {
    this.timer = setTimeout(() => {
      this.running = this.pruneOnce(Date.now())
        .catch((err) => this.log.error({ err: { message: (err as Error).message } }, 'pruning failed'))
        .finally(() => {
          this.running = null;
          if (!this.stopped) {
            this.schedule(this.settings.intervalMs);
          }
        });
    }, ms);
    this.timer.unref?.();
  }

  /** pruneOnce deletes everything past its age, batch by batch; answers the rows deleted and batches run per table. */
  async pruneOnce(now: number): Promise<Record<PrunedTable, { rows: number; batches: number }>> {
    const out = {} as Record<PrunedTable, { rows: number; batches: number }>;
    for (const [table, cutoff] of cutoffs(now, this.settings)) {
      out[table] = { rows: 0, batches: 0 };
      for (;;) {
        if (this.stopped) {
          return out;
        }
        await yieldToIo();
        await this.intake?.idle();
        const n = await this.repo.pruneBatch(table, cutoff, this.settings.batchSize);
        out[table].batches += 1;
        out[table].rows += n;
        if (n > 0) {
          this.onPruned(table, n);
        }
        if (n < this.settings.batchSize) {
          break;
        }
      }
      if (out[table].rows > 0) {
        this.log.info({ table, rows: out[table].rows }, 'pruned old rows');
      }
    }
    return out;
  }

  /** stop ends the schedule and waits for a pass in progress to stop at its next batch. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) {
      clearTimeout(this.timer);
    }
    await this.running;
  }
}
