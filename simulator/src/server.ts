import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { buildApp } from './app';
import { type SimulatorOptions, validateOptions } from './config';
import { SimState } from './state';

/** RunningSimulator is a listening simulator. */
export interface RunningSimulator {
  /** Base URL, e.g. `http://127.0.0.1:8989`. */
  url: string;
  /** The live state (inventory, sessions, faults) for in-process tests. */
  state: SimState;
  app: FastifyInstance;
  close(): Promise<void>;
}

/** selfSignedCert makes a throwaway certificate for localhost / 127.0.0.1 (HTTPS mode). */
async function selfSignedCert(host: string): Promise<{ key: string; cert: string }> {
  const { generate } = await import('selfsigned');
  const altNames = [
    { type: 2 as const, value: 'localhost' },
    { type: 7 as const, ip: '127.0.0.1' },
    ...(host !== '127.0.0.1' && host !== 'localhost' && host !== '0.0.0.0' ? [{ type: 2 as const, value: host }] : []),
  ];
  const pems = await generate([{ name: 'commonName', value: 'privatecloud-sim' }], {
    keySize: 2048,
    extensions: [{ name: 'subjectAltName', altNames }],
  } as Parameters<typeof generate>[1]);
  return { key: pems.private, cert: pems.cert };
}

/**
 * listen builds the state and app and starts listening. `logger` false keeps in-process test
 * instances quiet; the CLI passes a pino logger writing to stderr.
 */
export async function listen(
  partial: Partial<SimulatorOptions>,
  logger: pino.Logger | false = false
): Promise<RunningSimulator & { cert?: string }> {
  const options = validateOptions(partial);
  const state = new SimState(options);
  const tls = options.https ? await selfSignedCert(options.host) : null;
  const app = buildApp(state, { logger: logger || false, https: tls, keepAliveSeconds: options.keepAliveSeconds });
  await app.listen({ port: options.port, host: options.host });
  const addr = app.server.address() as AddressInfo;
  const shownHost = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
  const url = `${options.https ? 'https' : 'http'}://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${addr.port}`;
  state.baseUrl = url;
  return { url, state, app, close: () => app.close(), ...(tls ? { cert: tls.cert } : {}) };
}
