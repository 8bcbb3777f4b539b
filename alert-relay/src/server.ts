import Fastify from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Config } from './config';

/**
 * buildServer creates the relay's Fastify instance (logging that redacts secrets, body limits);
 * `main.ts` registers the app on it and listens, tests register it without a process.
 */
export function buildServer(config: Config) {
  return Fastify({
    logger: {
      level: config.LOG_LEVEL,
      stream: process.stderr,
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
