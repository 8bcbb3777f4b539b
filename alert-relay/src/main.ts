#!/usr/bin/env node
import closeWithGrace from 'close-with-grace';
import { loadConfig, ConfigError, weakSecrets, type Config } from './config';
import { buildServer } from './server';
import app from './app';

/** main runs the relay process: config from the environment, one "listening" line on stdout, logs on stderr. */
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
  const weak = weakSecrets(config);
  if (weak.length > 0) {
    server.log.warn({ weak }, 'RELAY_DEMO_MODE: running with placeholder secrets; never expose this relay');
  }
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
