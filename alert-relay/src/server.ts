#!/usr/bin/env node
import Fastify from 'fastify';
import closeWithGrace from 'close-with-grace';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { loadConfig, ConfigError, type Config } from './config';
import app from './app';

/** buildServer creates the Fastify instance with logging that redacts secrets. */
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

async function main() {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const server = buildServer(config);
  await server.register(app, { config });
  closeWithGrace({ delay: 30000 }, async ({ signal, err }) => {
    if (err) {
      server.log.error({ err: { message: err.message } }, 'closing after error');
    } else {
      server.log.info({ signal }, 'closing: finishing in-flight sends');
    }
    await server.close();
  });
  const address = await server.listen({ host: config.HOST, port: config.PORT });
  // One line on stdout for scripts and tests; logs go through pino.
  process.stdout.write(`privatecloud-relay listening on ${address}\n`);
}

if (require.main === module) {
  main().catch((err) => {
    process.stderr.write(`privatecloud-relay failed to start: ${(err as Error).message}\n`);
    process.exit(1);
  });
}
