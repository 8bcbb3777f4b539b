import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Transporter } from 'nodemailer';
import { ping } from '../store/migrations';
import type { DbHandle } from '../store/db';
import type { RelayMetrics } from '../metrics';

/** HealthDeps: what the health routes use. */
export interface HealthDeps {
  database: DbHandle;
  transport: Pick<Transporter, 'verify'>;
  metrics: RelayMetrics;
}

/** healthRoutes: liveness, readiness (database + SMTP) and Prometheus metrics. */
const healthRoutes: FastifyPluginAsyncTypebox<HealthDeps> = async (app, { database, transport, metrics }) => {
  let smtpOkUntil = 0;

  app.get(
    '/healthz',
    { schema: { tags: ['ops'], response: { 200: Type.Object({ status: Type.Literal('ok') }) } } },
    async () => ({ status: 'ok' as const })
  );

  app.get(
    '/readyz',
    {
      schema: {
        tags: ['ops'],
        response: {
          200: Type.Object({ database: Type.String(), smtp: Type.String() }),
          503: Type.Object({ database: Type.String(), smtp: Type.String() }),
        },
      },
    },
    async (_req, reply) => {
      const res = { database: 'ok', smtp: 'ok' };
      try {
        await ping(database);
      } catch {
        res.database = 'unreachable';
      }
      // SMTP verify opens a connection; cache a success briefly so probes do not hammer the server.
      if (Date.now() > smtpOkUntil) {
        try {
          await transport.verify();
          smtpOkUntil = Date.now() + 10000;
        } catch {
          res.smtp = 'unreachable';
        }
      }
      return reply.code(res.database === 'ok' && res.smtp === 'ok' ? 200 : 503).send(res);
    }
  );

  app.get('/metrics', { schema: { tags: ['ops'], hide: true } }, async (_req, reply) => {
    reply.type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });
};

export default healthRoutes;
