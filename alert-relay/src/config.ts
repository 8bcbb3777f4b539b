import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

/**
 * ConfigSchema lists every environment variable the relay reads. `.env.example` documents the
 * same names; a value of the wrong type or a missing required one stops the process at start
 * with a message naming the variable (never its value, which may be a secret).
 */
export const ConfigSchema = Type.Object({
  HOST: Type.String({ default: '127.0.0.1' }),
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3100 }),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
    { default: 'info' }
  ),
  PUBLIC_URL: Type.String({ minLength: 1, default: 'http://localhost:3100' }),
  DATABASE_URL: Type.String({ minLength: 1, default: 'sqlite:./data/relay.db' }),
  DATABASE_POOL_SIZE: Type.Integer({ minimum: 1, default: 10 }),
  MAIL_FROM: Type.String({ minLength: 3 }),
  SMTP_HOST: Type.String({ minLength: 1, default: '127.0.0.1' }),
  SMTP_PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 587 }),
  SMTP_SECURE: Type.Boolean({ default: false }),
  SMTP_REQUIRE_TLS: Type.Boolean({ default: false }),
  SMTP_IGNORE_TLS: Type.Boolean({ default: false }),
  SMTP_TLS_REJECT_UNAUTHORIZED: Type.Boolean({ default: true }),
  SMTP_CA_FILE: Type.Optional(Type.String()),
  SMTP_USER: Type.Optional(Type.String()),
  SMTP_PASSWORD: Type.Optional(Type.String()),
  SMTP_POOL_SIZE: Type.Integer({ minimum: 1, default: 3 }),
  SMTP_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 20000 }),
  GRAFANA_URL: Type.String({ default: 'http://localhost:3000' }),
  RELAY_WEBHOOK_SECRET: Type.Optional(Type.String({ minLength: 16 })),
  RELAY_WEBHOOK_SIGNATURE_HEADER: Type.String({ default: 'X-Grafana-Alerting-Signature' }),
  RELAY_WEBHOOK_TIMESTAMP_HEADER: Type.String({ default: 'X-Grafana-Alerting-Signature-Timestamp' }),
  RELAY_WEBHOOK_MAX_SKEW_SECONDS: Type.Integer({ minimum: 1, default: 300 }),
  RELAY_WEBHOOK_BEARER_TOKEN: Type.Optional(Type.String({ minLength: 16 })),
  RELAY_WEBHOOK_BODY_LIMIT_BYTES: Type.Integer({ minimum: 1024, default: 16 * 1024 * 1024 }),
  RELAY_WEBHOOK_BODY_HARD_CAP_BYTES: Type.Integer({ minimum: 1024, default: 64 * 1024 * 1024 }),
  RELAY_RATE_LIMIT_PER_MINUTE: Type.Integer({ minimum: 1, default: 600 }),
  RELAY_INTERNAL_RATE_LIMIT_PER_MINUTE: Type.Integer({ minimum: 1, default: 1200 }),
  RELAY_PUBLIC_RATE_LIMIT_PER_MINUTE: Type.Integer({ minimum: 1, default: 30 }),
  RELAY_CONFIRM_MAX_PER_USER_PER_HOUR: Type.Integer({ minimum: 1, default: 3 }),
  RELAY_CONFIRM_MAX_PER_ADDRESS_PER_HOUR: Type.Integer({ minimum: 1, default: 3 }),
  RELAY_RETENTION_DAYS: Type.Integer({ minimum: 1, default: 14 }),
  RELAY_AUDIT_RETENTION_DAYS: Type.Integer({ minimum: 1, default: 400 }),
  RELAY_PRUNE_INTERVAL_SECONDS: Type.Integer({ minimum: 1, default: 300 }),
  RELAY_PRUNE_BATCH_SIZE: Type.Integer({ minimum: 1, maximum: 10000, default: 500 }),
  RELAY_DEMO_MODE: Type.Boolean({ default: false }),
  RELAY_INTERNAL_TOKEN: Type.String({ minLength: 16 }),
  RELAY_UNSUBSCRIBE_SECRET: Type.String({ minLength: 16 }),
  RELAY_SEVERITY_LABEL: Type.String({ minLength: 1, default: 'severity' }),
  RELAY_DEFAULT_SEVERITY: Type.Union([Type.Literal('info'), Type.Literal('warning'), Type.Literal('critical')], {
    default: 'warning',
  }),
  RELAY_DEFAULT_DIGEST_MINUTES: Type.Integer({ minimum: 0, default: 10 }),
  RELAY_REPEAT_WINDOW_MINUTES: Type.Integer({ minimum: 0, default: 240 }),
  RELAY_WORKER_CONCURRENCY: Type.Integer({ minimum: 1, default: 4 }),
  RELAY_WORKER_POLL_MS: Type.Integer({ minimum: 10, default: 500 }),
  RELAY_LEASE_SECONDS: Type.Integer({ minimum: 5, default: 120 }),
  RELAY_RETRY_BASE_MS: Type.Integer({ minimum: 10, default: 5000 }),
  RELAY_RETRY_MAX_MS: Type.Integer({ minimum: 10, default: 15 * 60 * 1000 }),
  RELAY_MAX_ATTEMPTS: Type.Integer({ minimum: 1, default: 30 }),
  RELAY_SQLITE_SYNCHRONOUS: Type.Union([Type.Literal('FULL'), Type.Literal('NORMAL')], { default: 'FULL' }),
});

/** Config is the validated, typed configuration. */
export type Config = Static<typeof ConfigSchema>;

/** Secrets shorter than this are refused outside demo mode. */
export const MIN_SECRET_LENGTH = 32;

/** The secrets that guard the relay; each must be random outside demo mode. */
const SECRET_NAMES = [
  'RELAY_WEBHOOK_SECRET',
  'RELAY_WEBHOOK_BEARER_TOKEN',
  'RELAY_INTERNAL_TOKEN',
  'RELAY_UNSUBSCRIBE_SECRET',
] as const;

/** Values published as examples (docker-compose.yml, .env.example, docs): known to everyone. */
const PLACEHOLDERS = /^(change[-_]?me|changeme|example|secret|password|test|demo|placeholder|xxx)/i;

/** weakSecrets names the configured secrets that are placeholders or too short (never their values). */
export function weakSecrets(cfg: Config): string[] {
  return SECRET_NAMES.filter((name) => {
    const v = cfg[name];
    return v !== undefined && (v.length < MIN_SECRET_LENGTH || PLACEHOLDERS.test(v) || new Set(v).size < 8);
  });
}

/** ConfigError is thrown for an invalid environment; its message names variables only. */
export class ConfigError extends Error {}

const booleans = new Map([
  ['true', true],
  ['1', true],
  ['yes', true],
  ['false', false],
  ['0', false],
  ['no', false],
]);

/**
 * loadConfig validates the environment (process.env by default). Empty strings count as unset so
 * that a copied `.env.example` with blank optional values starts cleanly.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(ConfigSchema.properties)) {
    const v = env[key];
    if (v === undefined || v === '') {
      continue;
    }
    const prop = (ConfigSchema.properties as Record<string, { type?: string }>)[key];
    if (prop.type === 'boolean') {
      const b = booleans.get(v.toLowerCase());
      raw[key] = b === undefined ? v : b;
    } else if (prop.type === 'integer') {
      raw[key] = /^-?\d+$/.test(v) ? Number(v) : v;
    } else {
      raw[key] = v;
    }
  }
  Object.assign(raw, overrides);
  const withDefaults = Value.Default(ConfigSchema, raw) as Record<string, unknown>;
  const errors = [...Value.Errors(ConfigSchema, withDefaults)];
  if (errors.length > 0) {
    const names = [...new Set(errors.map((e) => e.path.replace(/^\//, '') || '(root)'))];
    throw new ConfigError(`invalid configuration: check ${names.join(', ')} (see alert-relay/.env.example)`);
  }
  const cfg = withDefaults as Config;
  if (!cfg.RELAY_WEBHOOK_SECRET && !cfg.RELAY_WEBHOOK_BEARER_TOKEN) {
    throw new ConfigError(
      'invalid configuration: set RELAY_WEBHOOK_SECRET and/or RELAY_WEBHOOK_BEARER_TOKEN so the webhook is authenticated'
    );
  }
  const weak = weakSecrets(cfg);
  if (weak.length > 0 && !cfg.RELAY_DEMO_MODE) {
    throw new ConfigError(
      `refusing to start: ${weak.join(', ')} ${weak.length === 1 ? 'is a' : 'are'} placeholder or demo value${weak.length === 1 ? '' : 's'} ` +
        `(a "change-me" value, an example value, or shorter than ${MIN_SECRET_LENGTH} characters). ` +
        'Set random secrets (e.g. `openssl rand -hex 32`), or RELAY_DEMO_MODE=true for a local demo only.'
    );
  }
  try {
    new URL(cfg.PUBLIC_URL);
  } catch {
    throw new ConfigError('invalid configuration: PUBLIC_URL must be an absolute URL');
  }
  return cfg;
}
