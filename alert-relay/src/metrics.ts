import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { OutboxRepository } from './store/outbox-repo';

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

  constructor(store: Pick<OutboxRepository, 'queueDepth'>) {
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
