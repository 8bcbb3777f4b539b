import Fastify, { type FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Config } from './config';

/**
 * redactUrl hides the confirmation and unsubscribe tokens of e-mail links in a request URL (they
 * act for the recipient, so logs must not hold them): `/confirm?token=[redacted]`.
 */
export function redactUrl(url: string): string {
  return url.replace(/([?&]token=)[^&#]*/gi, '$1[redacted]');
}

/**
 * buildServer creates the relay's Fastify instance (logging that redacts secrets, body limits);
 * `main.ts` registers the app on it and listens, tests register it without a process.
 */
export function buildServer(config: Config, opts: { logStream?: NodeJS.WritableStream } = {}) {
  return Fastify({
    logger: {
      level: config.LOG_LEVEL,
      stream: opts.logStream ?? process.stderr,
      serializers: {
        req: (req: FastifyRequest) => ({
          method: req.method,
          url: redactUrl(req.url),
          remoteAddress: req.ip,
        }),
      },
      redact: {
        paths: ['req.headers.authorization', 'req.headers["x-grafana-alerting-signature"]', 'req.headers.cookie'],
        censor: '[redacted]',
      },
    },
    // Webhook bodies carry their own (larger) limit; everything else stays small.
    bodyLimit: 256 * 1024,
    trustProxy: false,
    // Unknown fields in internal bodies are an error to report, not something to drop silently.
    ajv: { customOptions: { removeAdditional: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();
}
