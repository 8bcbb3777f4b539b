// Starts, once for the whole run: the simulator, an SMTP server, the relay and the test host
// (which starts the real backend binary on first use). A part that cannot start is recorded with
// its reason; the tests that need it fail with that reason, the others still run.
import type { FullConfig } from '@playwright/test';
import { defaultHostOptions, DS_TYPE } from '../host/defaults';
import { startHost } from '../host/server';
import { E2EEnv } from './env';
import { secret, startRelay, startSimulator, startSmtpCatcher } from './processes';

/** The uid of a second, empty data source that the config editor test fills in. */
export const NEW_DS_UID = 'privatecloud-vsphere-new';
/** The uid of a data source that stays empty (health check of missing settings). */
export const EMPTY_DS_UID = 'privatecloud-vsphere-empty';

export default async function globalSetup(_config: FullConfig) {
  const env: E2EEnv & { mailApi?: string } = {
    relayInternalToken: secret(),
    relayWebhookSecret: secret(),
    problems: {},
  };
  const stops: Array<() => Promise<void>> = [];
  const attempt = async (what: keyof E2EEnv | 'mailApi', fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (e: any) {
      env.problems[what] = String(e?.message ?? e).slice(0, 1500);
      console.error(`e2e global setup: ${what}: ${env.problems[what]}`);
    }
  };
  await attempt('simUrl', async () => {
    // E2E_SIM_URL: use an already running simulator (e.g. while developing the tests).
    if (process.env.E2E_SIM_URL) {
      env.simUrl = process.env.E2E_SIM_URL.replace(/\/$/, '');
      return;
    }
    const sim = await startSimulator();
    env.simUrl = sim.url;
    stops.push(sim.stop);
  });
  await attempt('mailApi', async () => {
    const smtp = await startSmtpCatcher();
    env.smtpPort = smtp.smtpPort;
    env.mailApi = smtp.apiUrl;
    stops.push(smtp.stop);
  });
  // The host's address must be known to the relay (links in mails), so reserve it first.
  await attempt('hostUrl', async () => {
    const opts = defaultHostOptions({ simUrl: env.simUrl ?? 'http://127.0.0.1:9' });
    const host = await startHost({
      ...opts,
      datasources: [
        ...opts.datasources,
        { uid: NEW_DS_UID, name: 'vSphere (new)', type: DS_TYPE, jsonData: {}, secureJsonData: {} },
        { uid: EMPTY_DS_UID, name: 'vSphere (empty)', type: DS_TYPE, jsonData: {}, secureJsonData: {} },
      ],
      logSink: process.env.E2E_DEBUG ? (l) => console.error(l) : undefined,
    });
    env.hostUrl = host.url;
    stops.push(host.close);
    (globalThis as any).__e2eHost = host;
  });
  if (env.smtpPort && env.hostUrl) {
    await attempt('relayUrl', async () => {
      const relay = await startRelay({
        smtpPort: env.smtpPort!,
        internalToken: env.relayInternalToken,
        webhookSecret: env.relayWebhookSecret,
        grafanaUrl: env.hostUrl!,
      });
      env.relayUrl = relay.url;
      stops.push(relay.stop);
      // Point the data source at the relay, as provisioning does with RELAY_INTERNAL_URL/TOKEN.
      const host = (globalThis as any).__e2eHost;
      const ds = host.datasources.find((d: any) => d.uid === 'privatecloud-vsphere');
      ds.jsonData.relayUrl = relay.url;
      ds.secureJsonData.relayToken = env.relayInternalToken;
    });
  }
  process.env.E2E_ENV = JSON.stringify(env);
  return async () => {
    for (const stop of stops.reverse()) {
      await stop().catch(() => undefined);
    }
  };
}
