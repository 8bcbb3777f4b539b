import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import type { Transporter } from 'nodemailer';
import type { Config } from '../config';
import { openDatabase, type DbHandle } from '../store/db';
import { migrateToLatest } from '../store/migrations';
import { createRepositories } from '../store';
import type { UsersRepository } from '../store/users-repo';
import type { AuditRepository } from '../store/audit-repo';
import type { IntakeRepository } from '../store/intake-repo';
import type { FanoutRepository } from '../store/fanout-repo';
import type { OutboxRepository } from '../store/outbox-repo';
import type { RetentionRepository } from '../store/retention-repo';
import type { PlacementsRepository } from '../store/placements-repo';
import { Pruner } from '../outbox/pruner';
import { IntakeQueue } from '../store/intake-queue';
import { createTransport } from '../mail/transport';
import { OutboxWorker } from '../outbox/worker';
import { RelayMetrics } from '../metrics';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    database: DbHandle;
    usersRepository: UsersRepository;
    auditRepository: AuditRepository;
    intakeRepository: IntakeRepository;
    fanoutRepository: FanoutRepository;
    outboxRepository: OutboxRepository;
    retentionRepository: RetentionRepository;
    placementsRepository: PlacementsRepository;
    mailTransport: Transporter;
    metrics: RelayMetrics;
    intakeQueue: IntakeQueue;
    /** null when the app was built without a worker (tests, the CLI). */
    outboxWorker: OutboxWorker | null;
    pruner: Pruner;
  }
}

/*
 * The app's services, one plugin each (the fastify/demo layout): each decorates one name and
 * declares what it needs. Fastify runs onClose hooks in reverse order of registration, so at
 * shutdown the worker finishes its sends first, then the intake settles, then the SMTP pool and
 * finally the database close.
 */

/** configPlugin decorates the validated configuration. */
export const configPlugin = fp<{ config: Config }>(
  async (app, opts) => {
    app.decorate('config', opts.config);
  },
  { name: 'relay-config' }
);

/** databasePlugin opens the database, applies migrations and closes it last. */
export const databasePlugin = fp(
  async (app: FastifyInstance) => {
    const cfg = app.config;
    const handle = openDatabase(cfg.DATABASE_URL, {
      poolSize: cfg.DATABASE_POOL_SIZE,
      sqliteSynchronous: cfg.RELAY_SQLITE_SYNCHRONOUS,
    });
    try {
      await migrateToLatest(handle);
    } catch (err) {
      await handle.db.destroy();
      throw err;
    }
    app.decorate('database', handle);
    app.addHook('onClose', async () => handle.db.destroy());
  },
  { name: 'relay-database', dependencies: ['relay-config'] }
);

/** repositoriesPlugin decorates one repository per table group. */
export const repositoriesPlugin = fp(
  async (app: FastifyInstance) => {
    const repos = createRepositories(app.database);
    app.decorate('usersRepository', repos.users);
    app.decorate('auditRepository', repos.audit);
    app.decorate('intakeRepository', repos.intake);
    app.decorate('fanoutRepository', repos.fanout);
    app.decorate('outboxRepository', repos.outbox);
    app.decorate('retentionRepository', repos.retention);
    app.decorate('placementsRepository', repos.placements);
    // SQLite means a single replica: claims left by a crashed previous run can be released at once.
    if (app.database.dialect === 'sqlite') {
      await repos.outbox.releaseAllClaims();
    }
  },
  { name: 'relay-repositories', dependencies: ['relay-database'] }
);

/** mailPlugin decorates the pooled SMTP transport. */
export const mailPlugin = fp(
  async (app: FastifyInstance) => {
    const transport = createTransport(app.config);
    app.decorate('mailTransport', transport);
    app.addHook('onClose', async () => transport.close());
  },
  { name: 'relay-mail', dependencies: ['relay-config'] }
);

/** metricsPlugin decorates the Prometheus registry of this app. */
export const metricsPlugin = fp(
  async (app: FastifyInstance) => {
    app.decorate('metrics', new RelayMetrics(app.outboxRepository, app.retentionRepository));
  },
  { name: 'relay-metrics', dependencies: ['relay-repositories'] }
);

/** intakePlugin decorates the webhook group commit; at shutdown it waits for what it holds to be written. */
export const intakePlugin = fp(
  async (app: FastifyInstance) => {
    const cfg = app.config;
    const queue = new IntakeQueue(
      app.intakeRepository,
      {
        repeatWindowMs: cfg.RELAY_REPEAT_WINDOW_MINUTES * 60000,
        severityLabel: cfg.RELAY_SEVERITY_LABEL,
        defaultSeverity: cfg.RELAY_DEFAULT_SEVERITY,
      },
      app.database.dialect === 'postgres' ? 2 : 1
    );
    app.decorate('intakeQueue', queue);
    app.addHook('onClose', async () => queue.settle());
  },
  { name: 'relay-intake', dependencies: ['relay-repositories'] }
);

/** workerPlugin decorates the outbox worker (or null), starts it when the app is ready and stops it first at shutdown. */
export const workerPlugin = fp<{ startWorker?: boolean }>(
  async (app, opts) => {
    const worker =
      opts.startWorker === false
        ? null
        : new OutboxWorker(
            { fanout: app.fanoutRepository, outbox: app.outboxRepository, placements: app.placementsRepository },
            app.mailTransport,
            app.config,
            app.log,
            app.metrics,
            app.intakeQueue
          );
    app.decorate('outboxWorker', worker);
    app.addHook('onReady', async () => worker?.start());
    app.addHook('onClose', async () => worker?.stop());
  },
  { name: 'relay-worker', dependencies: ['relay-intake', 'relay-mail', 'relay-metrics'] }
);

/** prunerPlugin decorates retention (background pruning); it runs with the worker. */
export const prunerPlugin = fp<{ startWorker?: boolean }>(
  async (app, opts) => {
    const cfg = app.config;
    const pruner = new Pruner(
      app.retentionRepository,
      {
        deliveryDays: cfg.RELAY_RETENTION_DAYS,
        auditDays: cfg.RELAY_AUDIT_RETENTION_DAYS,
        batchSize: cfg.RELAY_PRUNE_BATCH_SIZE,
        intervalMs: cfg.RELAY_PRUNE_INTERVAL_SECONDS * 1000,
      },
      app.log,
      (table, n) => app.metrics.pruned.inc({ table }, n),
      app.intakeQueue
    );
    app.decorate('pruner', pruner);
    if (opts.startWorker !== false) {
      app.addHook('onReady', async () => pruner.start());
    }
    app.addHook('onClose', async () => pruner.stop());
  },
  { name: 'relay-pruner', dependencies: ['relay-intake', 'relay-metrics'] }
);
