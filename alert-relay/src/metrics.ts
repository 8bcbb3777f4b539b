import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { OutboxRepository } from './store/outbox-repo';
import type { RetentionRepository } from './store/retention-repo';

/** Table sizes are counted at most this often (a count over a big table is not free). */
const SIZES_TTL_MS = 30000;

/** RelayMetrics are the Prometheus series the relay exports on /metrics (one registry per app). */
export class RelayMetrics {
  readonly registry = new Registry();
  readonly received = new Counter({
    name: 'relay_webhooks_received_total',
    help: 'Webhook requests by result',
    labelNames: ['result'],
    registers: [this.registry],
  });
  readonly alertsReceived = new Counter({
    name: 'relay_alerts_received_total',
    help: 'Alert states accepted (new) or ignored (duplicate)',
    labelNames: ['result'],
    registers: [this.registry],
  });
  readonly sent = new Counter({
    name: 'relay_emails_sent_total',
    help: 'E-mails accepted by the SMTP server',
    labelNames: ['kind'],
    registers: [this.registry],
  });
  readonly retried = new Counter({
    name: 'relay_emails_retried_total',
    help: 'Temporary send failures scheduled for retry',
    registers: [this.registry],
  });
  readonly parked = new Counter({
    name: 'relay_emails_parked_total',
    help: 'E-mails parked after a permanent failure or too many attempts',
    registers: [this.registry],
  });
  readonly latency = new Histogram({
    name: 'relay_delivery_latency_seconds',
    help: 'From the time a mail was due to the SMTP server accepting it',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900],
    registers: [this.registry],
  });

  readonly pruned = new Counter({
    name: 'relay_pruned_rows_total',
    help: 'Rows deleted by retention, by table',
    labelNames: ['table'],
    registers: [this.registry],
  });

  constructor(
    store: Pick<OutboxRepository, 'queueDepth'>,
    retention?: Pick<RetentionRepository, 'tableRows' | 'databaseBytes'>
  ) {
    if (retention) {
      let cached: { at: number; rows: Record<string, number>; bytes: number } | null = null;
      const sizes = async () => {
        if (!cached || Date.now() - cached.at > SIZES_TTL_MS) {
          cached = { at: Date.now(), rows: await retention.tableRows(), bytes: await retention.databaseBytes() };
        }
        return cached;
      };
      new Gauge({
        name: 'relay_table_rows',
        help: 'Rows per table (counted at most every 30 s); retention keeps these bounded',
        labelNames: ['table'],
        registers: [this.registry],
        async collect() {
          for (const [t, n] of Object.entries((await sizes()).rows)) {
            this.set({ table: t }, n);
          }
        },
      });
      new Gauge({
        name: 'relay_database_bytes',
        help: 'Size of the database on disk (SQLite file pages; PostgreSQL pg_database_size)',
        registers: [this.registry],
        async collect() {
          this.set((await sizes()).bytes);
        },
      });
    }
    collectDefaultMetrics({ register: this.registry, prefix: 'relay_' });
    new Gauge({
      name: 'relay_queue_depth',
      help: 'Work waiting: outbox mails pending or in flight, notifications not fanned out, parked mails',
      labelNames: ['queue'],
      registers: [this.registry],
      async collect() {
        const d = await store.queueDepth();
        this.set({ queue: 'outbox' }, d.outbox);
        this.set({ queue: 'notifications' }, d.notifications);
        this.set({ queue: 'parked' }, d.parked);
      },
    });
  }
}
