import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ErrorBody, GrafanaWebhook, WebhookAck } from '../schemas/webhook';
import { HttpError, WebhookVerifier } from '../plugins/webhook-auth';
import { readBody } from '../plugins/read-body';
import type { Config } from '../config';
import type { IntakeQueue } from '../store/intake-queue';
import type { OutboxWorker } from '../outbox/worker';
import type { RelayMetrics } from '../metrics';

/** WebhookDeps: what the webhook route uses. */
export interface WebhookDeps {
  config: Config;
  intake: Pick<IntakeQueue, 'submit'>;
  worker: Pick<OutboxWorker, 'wake'> | null;
  metrics: RelayMetrics;
}

/**
 * webhookRoutes serves POST /webhook/grafana. The JSON parser is replaced inside this plugin so
 * that the signature is checked over the exact bytes Grafana signed, before JSON.parse runs.
 */
const webhookRoutes: FastifyPluginAsyncTypebox<WebhookDeps> = async (app, { config: cfg, intake, worker, metrics }) => {
  const verifier = new WebhookVerifier(cfg);

  app.removeAllContentTypeParsers();
  const limit = cfg.RELAY_WEBHOOK_BODY_LIMIT_BYTES;
  const hardCap = Math.max(limit, cfg.RELAY_WEBHOOK_BODY_HARD_CAP_BYTES);
  // Reads the body itself (Fastify's bodyLimit answers 413 while the client is still sending):
  // up to the limit it is kept, beyond it read and discarded up to the hard cap, then refused.
  app.addContentTypeParser('application/json', (req, payload, done) => {
    const declared = Number(req.headers['content-length']);
    readBody(payload, limit, hardCap, Number.isFinite(declared) ? declared : undefined).then(
      (r) => {
        if (!r.ok) {
          metrics.received.inc({ result: 'too_large' });
          const err = new HttpError(
            413,
            'too_large',
            `the body is larger than ${limit} bytes (RELAY_WEBHOOK_BODY_LIMIT_BYTES)`
          );
          // Past the hard cap the rest is not read: the connection closes after the answer.
          err.closeConnection = !r.complete;
          done(err, undefined);
          return;
        }
        try {
          verifier.checkSignature(req.headers, r.body);
        } catch (err) {
          metrics.received.inc({ result: (err as HttpError).code ?? 'unauthenticated' });
          done(err as Error, undefined);
          return;
        }
        try {
          done(null, JSON.parse(r.body.toString('utf8')));
        } catch {
          metrics.received.inc({ result: 'bad_json' });
          done(new HttpError(400, 'bad_request', 'body is not valid JSON'), undefined);
        }
      },
      (err: Error) => done(err, undefined)
    );
  });

  app.post(
    '/webhook/grafana',
    {
      bodyLimit: hardCap,
      config: { rateLimit: { max: cfg.RELAY_RATE_LIMIT_PER_MINUTE, timeWindow: '1 minute' } },
      onRequest: async (req) => {
        try {
          verifier.checkBearer(req);
        } catch (err) {
          metrics.received.inc({ result: 'unauthenticated' });
          throw err;
        }
      },
      schema: {
        summary: 'Grafana webhook contact point (payload version 1)',
        description:
          "Stores the notification durably, then answers. Authenticated by Grafana's HMAC signature (X-Grafana-Alerting-Signature, with timestamp) and/or a bearer token.",
        tags: ['webhook'],
        body: GrafanaWebhook,
        response: {
          202: WebhookAck,
          400: ErrorBody,
          401: ErrorBody,
          409: ErrorBody,
          413: ErrorBody,
          415: ErrorBody,
          429: ErrorBody,
        },
      },
    },
    async (req, reply) => {
      // Resolves after the commit that holds this notification (group commit with concurrent requests).
      const r = await intake.submit(req.body);
      metrics.received.inc({ result: r.accepted > 0 ? 'accepted' : 'duplicate' });
      metrics.alertsReceived.inc({ result: 'new' }, r.accepted);
      metrics.alertsReceived.inc({ result: 'duplicate' }, r.duplicates);
      req.log.info(
        { notification: r.id, status: req.body.status, alerts: req.body.alerts.length, accepted: r.accepted },
        'webhook stored'
      );
      if (r.accepted > 0) {
        worker?.wake();
      }
      return reply.code(202).send(r);
    }
  );
};

export default webhookRoutes;
