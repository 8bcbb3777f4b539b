import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { Transporter } from 'nodemailer';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Config } from './config';
import { openDatabase, type DbHandle } from './store/db';
import { migrateToLatest } from './store/migrations';
import { Store } from './store/repo';
import { IntakeQueue } from './store/intake';
import { createTransport } from './mail/transport';
import { OutboxWorker } from './outbox/worker';
import { RelayMetrics } from './metrics';
import { HttpError } from './plugins/webhook-auth';
import webhookRoutes from './routes/webhook';
import internalRoutes from './routes/internal';
import publicRoutes from './routes/public';
import healthRoutes from './routes/health';

/** RelayServices are the app services shared by the routes. */
export interface RelayServices {
  cfg: Config;
  handle: DbHandle;
  store: Store;
  intake: IntakeQueue;
  transport: Transporter;
  metrics: RelayMetrics;
  worker: OutboxWorker | null;
}

declare module 'fastify' {
  interface FastifyInstance {
    relay: RelayServices;
  }
}

/** AppOptions: the validated config; `startWorker: false` lets tests and the CLI use the app without sending. */
export interface AppOptions {
  config: Config;
  startWorker?: boolean;
}

/**
 * app builds the relay as a Fastify plugin: external plugins, then services (database with
 * migrations, SMTP transport, outbox worker), then routes.
 */
const app: FastifyPluginAsync<AppOptions> = async (fastify: FastifyInstance, opts) => {
  const cfg = opts.config;
  await fastify.register(swagger, {
    openapi: {
      info: {
        title: 'PrivateCloud alert relay',
        version: '0.1.0',
        description: 'Grafana alert webhooks to e-mail; internal API for the data source backend.',
      },
      components: { securitySchemes: { internalToken: { type: 'http', scheme: 'bearer' } } },
    },
  });
  await fastify.register(swaggerUi, { routePrefix: '/docs' });
  await fastify.register(rateLimit, { global: false });

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
  const store = new Store(handle);
  // SQLite means a single replica: claims left by a crashed previous run can be released at once.
  if (handle.dialect === 'sqlite') {
    await store.releaseAllClaims();
  }
  const transport = createTransport(cfg);
  const metrics = new RelayMetrics(store);
  // Webhooks are stored through a group commit; the worker gives way to it (see IntakeQueue).
  const intake = new IntakeQueue(
    store,
    {
      repeatWindowMs: cfg.RELAY_REPEAT_WINDOW_MINUTES * 60000,
      severityLabel: cfg.RELAY_SEVERITY_LABEL,
      defaultSeverity: cfg.RELAY_DEFAULT_SEVERITY,
    },
    handle.dialect === 'postgres' ? 2 : 1
  );
  const worker =
    opts.startWorker === false ? null : new OutboxWorker(store, transport, cfg, fastify.log, metrics, intake);
  fastify.decorate('relay', { cfg, handle, store, intake, transport, metrics, worker });

  fastify.setErrorHandler((err: Error & { statusCode?: number; validation?: unknown; code?: string }, req, reply) => {
    if (err instanceof HttpError) {
      return reply.code(err.statusCode).send({ error: err.code, message: err.message });
    }
    const status = err.statusCode ?? 500;
    if (err.validation) {
      return reply.code(400).send({ error: 'bad_request', message: err.message });
    }
    if (status >= 500) {
      req.log.error({ err: { message: err.message, code: err.code } }, 'request failed');
      return reply.code(500).send({ error: 'internal', message: 'internal error' });
    }
    const code =
      status === 413
        ? 'too_large'
        : status === 415
          ? 'unsupported_media_type'
          : status === 429
            ? 'rate_limited'
            : status === 401
              ? 'unauthenticated'
              : 'bad_request';
    return reply.code(status).send({ error: code, message: err.message });
  });

  await fastify.register(healthRoutes);
  await fastify.register(webhookRoutes);
  await fastify.register(internalRoutes);
  await fastify.register(publicRoutes);

  fastify.addHook('onReady', async () => worker?.start());
  fastify.addHook('onClose', async () => {
    // Finish in-flight sends before closing the transport and the database.
    await worker?.stop();
    await intake.settle();
    transport.close();
    await handle.db.destroy();
  });
};

export default fp(app, { name: 'privatecloud-alert-relay', fastify: '5.x' });
