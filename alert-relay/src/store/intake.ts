import type { GrafanaWebhookT } from '../schemas/webhook';
import type { IntakeItem, IntakeOptions, IntakeResult, Store } from './repo';

interface Waiting {
  item: IntakeItem;
  resolve: (r: IntakeResult) => void;
  reject: (err: unknown) => void;
}

/** A batch stops growing at this many notifications or alert states (a bound on one transaction). */
const MAX_BATCH_NOTIFICATIONS = 128;
const MAX_BATCH_ALERTS = 5000;

/**
 * IntakeQueue is the webhook's group commit. Each request waits for a commit that contains its
 * notification, and is answered only after it: nothing is acknowledged before it is on disk. The
 * requests that arrive together (in one turn of the event loop, or while the previous commit is
 * being written) share one transaction and one fsync, so the cost of durability is paid once per
 * batch instead of once per request. One batch is written at a time.
 *
 * The outbox worker calls `idle()` before each of its own transactions: stored webhooks go first,
 * so the worker's fan-out never delays an acknowledgement by more than one short transaction.
 */
export class IntakeQueue {
  private queue: Waiting[] = [];
  private scheduled = false;
  private writing = false;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly store: Store,
    private readonly opts: IntakeOptions,
  ) {}

  /** submit stores one delivery; the promise settles after the commit that holds it. */
  submit(payload: GrafanaWebhookT, now = Date.now()): Promise<IntakeResult> {
    return new Promise<IntakeResult>((resolve, reject) => {
      this.queue.push({ item: { payload, now }, resolve, reject });
      this.schedule();
    });
  }

  /**
   * idle resolves at once when no delivery is waiting or being written, else after the next batch
   * is written (not after the whole queue: under a steady flow of webhooks on PostgreSQL the queue
   * may never be empty, and the worker must still make progress).
   */
  idle(): Promise<void> {
    if (!this.busy) {
      return Promise.resolve();
    }
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** settle resolves once every submitted delivery has been written (before the database closes). */
  async settle(): Promise<void> {
    while (this.busy) {
      await this.idle();
    }
  }

  private get busy(): boolean {
    return this.writing || this.scheduled || this.queue.length > 0;
  }

  private schedule(): void {
    if (this.scheduled || this.writing) {
      return;
    }
    this.scheduled = true;
    // setImmediate runs after the poll phase: every request whose body arrived in this turn of the
    // event loop is in the queue by then and joins the same transaction.
    setImmediate(() => {
      this.scheduled = false;
      void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    try {
      while (this.queue.length > 0) {
        await this.write(this.takeBatch());
        this.releaseIdleWaiters();
      }
    } finally {
      this.writing = false;
      this.releaseIdleWaiters();
    }
  }

  private releaseIdleWaiters(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) {
      w();
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
        this.opts,
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
