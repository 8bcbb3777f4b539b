#!/usr/bin/env node
import pino from 'pino';
import { ConfigError, optionsFromCli } from './config';
import { listen } from './server';

/** main runs the simulator process: config from flags/env, one "listening" line on stdout, logs on stderr. */
async function main(): Promise<void> {
  let options;
  try {
    options = optionsFromCli(process.argv.slice(2), process.env);
  } catch (e) {
    if (e instanceof ConfigError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`privatecloud-sim: ${(e as Error).message}\n`);
      process.exit(2);
    }
    throw e;
  }
  const logger = pino({ level: options.logLevel }, pino.destination(2));
  const started = Date.now();
  const sim = await listen(options, logger);
  process.stdout.write(`privatecloud-sim listening on ${sim.url}\n`);
  logger.info(
    {
      vms: sim.state.inventory.vms.size,
      hosts: sim.state.inventory.hosts.size,
      clusters: sim.state.inventory.clusters.size,
      vcenters: options.vcenters,
      metricsShape: options.metricsShape,
      controlToken: options.controlToken ? 'set' : 'none',
      seed: options.seed,
      startupMs: Date.now() - started,
    },
    'simulator ready'
  );
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    sim.close().then(
      () => process.exit(0),
      () => process.exit(1)
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((e) => {
  process.stderr.write(`privatecloud-sim: failed to start: ${(e as Error).message}\n`);
  process.exit(1);
});
