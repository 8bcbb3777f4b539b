// Where the processes started by global-setup.ts listen; workers read them from the environment.
import path from 'node:path';

/** Repository root. */
export const repoRoot = path.resolve(__dirname, '..', '..');
/** Screenshots of every page, light and dark. */
export const artifactsDir = path.join(repoRoot, 'e2e', 'artifacts');

/** URLs of the running parts; a missing one carries the reason in `problems`. */
export interface E2EEnv {
  hostUrl?: string;
  simUrl?: string;
  relayUrl?: string;
  smtpPort?: number;
  relayInternalToken: string;
  relayWebhookSecret: string;
  problems: Record<string, string>;
}

/** The environment global-setup published. */
export function e2eEnv(): E2EEnv {
  const raw = process.env.E2E_ENV;
  if (!raw) {
    throw new Error('E2E_ENV is not set: run the tests through playwright.config.ts (global setup)');
  }
  return JSON.parse(raw);
}

/** The URL of a part, or an error that says why it is not running. */
export function need(part: 'hostUrl' | 'simUrl' | 'relayUrl'): string {
  const env = e2eEnv();
  const v = env[part];
  if (!v) {
    throw new Error(`${part} is not available: ${env.problems[part] ?? 'not started'}`);
  }
  return v;
}
