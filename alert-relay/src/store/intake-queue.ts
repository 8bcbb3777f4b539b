import type { GrafanaWebhookT } from '../schemas/webhook';
import type { IntakeItem, IntakeOptions, IntakeResult } from './intake-repo';

/** IntakeStore is what the queue needs from storage (IntakeRepository). */
export interface IntakeStore {
  storeNotifications(items: IntakeItem[], opts: IntakeOptions): Promise<IntakeResult[]>;
}

interface Waiting {
  item: IntakeItem;
  resolve: (r: IntakeResult) => void;
  reject: (err: unknown) => void;
}

/** A batch stops growing at this many notifications or alert states (a bound on one transaction). */
const MAX_BATCH_NOTIFICATIONS = 128;
const MAX_BATCH_ALERTS = 5000;
/** Webhooks count as flowing for this long after one arrived (the worker then keeps to its share). */
const ACTIVE_MS = 50;

/**
 * IntakeQueue is the webhook's group commit. Each request waits for a commit that contains its
 * notification, and is answered only after it: nothing is acknowledged before it is on disk. The
 * requests that arrive together (in one turn of the event loop, or while the previous commit is
 * being written) share one transaction and one fsync, so the cost of durability is paid once per
 * batch instead of once per request.
 *
 * The outbox worker calls `idle()` before each of its own transactions: stored webhooks go first,
 * so the worker's fan-out never delays an acknowledgement by more than one short transaction.
 */
export class IntakeQueue {
  private queue: Waiting[] = [];
  private scheduled = false;
  private writing = 0;
  private idleWaiters: Array<() => void> = [];
  private lastSubmit = -Infinity;

  /**
   * @param maxWrites batches written at the same time: 1 for SQLite (one writer; its commit is
   *   synchronous anyway), 2 for PostgreSQL, so a batch can be sent while the previous one waits
   *   for its commit (the server shares WAL flushes between concurrent commits).
   */
  constructor(
    private readonly store: IntakeStore,
    private readonly opts: IntakeOptions,
    private readonly maxWrites = 1
  ) {}

  /** submit stores one delivery; the promise settles after the commit that holds it. */
  submit(payload: GrafanaWebhookT, now = Date.now()): Promise<IntakeResult> {
    this.lastSubmit = performance.now();
    return new Promise<IntakeResult>((resolve, reject) => {
      this.queue.push({ item: { payload, now }, resolve, reject });
      this.schedule();
    });
  }

  /** active says whether a webhook arrived within the last ACTIVE_MS (webhooks are flowing). */
  active(): boolean {
    return performance.now() - this.lastSubmit < ACTIVE_MS;
  }

  /**
   * idle resolves once no received delivery is waiting to be handed to the database. With SQLite
   * that means written (the write is synchronous); with PostgreSQL, sent: the worker's queries do
   * not hold up the intake's there, and under a steady flow the worker must still make progress.
   */
  idle(): Promise<void> {
    if (!this.waiting) {
      return Promise.resolve();
    }
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** settle resolves once every submitted delivery has been written (before the database closes). */
  async settle(): Promise<void> {
    while (this.waiting || this.writing > 0) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  private get waiting(): boolean {
    return this.scheduled || this.queue.length > 0;
  }

  private schedule(): void {
    if (this.scheduled || this.writing >= this.maxWrites) {
      return;
    }
    this.scheduled = true;
    // setImmediate runs after the poll phase: every request whose body arrived in this turn of the
    // event loop is in the queue by then and joins the same transaction.
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  /** pump starts writing queued deliveries while a write slot is free. */
  private pump(): void {
    while (this.queue.length > 0 && this.writing < this.maxWrites) {
      const batch = this.takeBatch();
      this.writing += 1;
      void this.write(batch).finally(() => {
        this.writing -= 1;
        // What arrived while this batch was being written is the next batch.
        this.pump();
      });
    }
    if (!this.waiting) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) {
        w();
      }
    }
  }

  private takeBatch(): Waiting[] {
    let n = 0;
    let alerts = 0;
    while (n < this.queue.length && n < MAX_BATCH_NOTIFICATIONS) {
      alerts += this.queue[n].item.payload.alerts.length;
      if (n > 0 && alerts > MAX_BATCH_ALERTS) {
        break;
      }
      n += 1;
    }
    return this.queue.splice(0, n);
  }

  private async write(batch: Waiting[]): Promise<void> {
    try {
      const results = await this.store.storeNotifications(
        batch.map((w) => w.item),
        this.opts
      );
      batch.forEach((w, i) => w.resolve(results[i]));
    } catch (err) {
      if (batch.length === 1) {
        batch[0].reject(err);
        return;
      }
      // One failing delivery must not fail the others: store them one by one.
      for (const w of batch) {
        try {
          w.resolve((await this.store.storeNotifications([w.item], this.opts))[0]);
        } catch (e) {
          w.reject(e);
        }
      }
    }
  }
}
