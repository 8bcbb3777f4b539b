import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Config } from './config';
import { HttpError } from './plugins/webhook-auth';
import {
  configPlugin,
  databasePlugin,
  intakePlugin,
  mailPlugin,
  metricsPlugin,
  prunerPlugin,
  repositoriesPlugin,
  workerPlugin,
} from './plugins/services';
import webhookRoutes from './routes/webhook';
import internalRoutes from './routes/internal';
import publicRoutes from './routes/public';
import healthRoutes from './routes/health';

/** AppOptions: the validated config; `startWorker: false` lets tests and the CLI use the app without sending. */
export interface AppOptions {
  config: Config;
  startWorker?: boolean;
}

/**
 * app builds the relay as a Fastify plugin: external plugins, then the services (one plugin each,
 * see plugins/services.ts), then the routes, each given only the services it uses.
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

  await fastify.register(configPlugin, { config: cfg });
  await fastify.register(databasePlugin);
  await fastify.register(repositoriesPlugin);
  await fastify.register(mailPlugin);
  await fastify.register(metricsPlugin);
  await fastify.register(intakePlugin);
  await fastify.register(prunerPlugin, { startWorker: opts.startWorker });
  await fastify.register(workerPlugin, { startWorker: opts.startWorker });

  fastify.setErrorHandler((err: Error & { statusCode?: number; validation?: unknown; code?: string }, req, reply) => {
    if (err instanceof HttpError) {
      if (err.closeConnection) {
        reply.header('connection', 'close');
      }
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

  await fastify.register(healthRoutes, {
    database: fastify.database,
    transport: fastify.mailTransport,
    metrics: fastify.metrics,
  });
  await fastify.register(webhookRoutes, {
    config: cfg,
    intake: fastify.intakeQueue,
    worker: fastify.outboxWorker,
    metrics: fastify.metrics,
  });
  await fastify.register(internalRoutes, {
    config: cfg,
    users: fastify.usersRepository,
    audit: fastify.auditRepository,
    placements: fastify.placementsRepository,
    outbox: fastify.outboxRepository,
    worker: fastify.outboxWorker,
  });
  await fastify.register(publicRoutes, { config: cfg, users: fastify.usersRepository });
};

export default fp(app, { name: 'privatecloud-alert-relay', fastify: '5.x' });
