import { parseArgs } from 'node:util';

/** SimulatorOptions configure one simulator process or in-process instance. */
export interface SimulatorOptions {
  port: number;
  host: string;
  vms: number;
  hosts?: number;
  clusters?: number;
  seed: number;
  latencyMs: number;
  jitterMs: number;
  https: boolean;
  user: string;
  password: string;
  /** vCenter sessions expire after this many idle seconds (vCenter's default is 30 minutes). */
  sessionIdleSeconds: number;
  /** vROps tokens are valid this long after their last use (vROps: 6 hours, sliding). */
  tokenTtlSeconds: number;
  logLevel: string;
}

/** DEFAULT_OPTIONS is the small demo lab on port 8989 with the demo credentials. */
export const DEFAULT_OPTIONS: SimulatorOptions = {
  port: 8989,
  host: '127.0.0.1',
  vms: 40,
  seed: 1,
  latencyMs: 0,
  jitterMs: 0,
  https: false,
  user: 'administrator@vsphere.local',
  password: 'VMware1!',
  sessionIdleSeconds: 1800,
  tokenTtlSeconds: 21600,
  logLevel: 'info',
};

/** ConfigError is a bad flag or environment value; the CLI prints it and exits with status 2. */
export class ConfigError extends Error {}

const INT_FIELDS = {
  port: [0, 65535],
  vms: [0, 100_000],
  hosts: [1, 5000],
  clusters: [1, 1000],
  seed: [0, 2 ** 32 - 1],
  latencyMs: [0, 60_000],
  jitterMs: [0, 60_000],
  sessionIdleSeconds: [1, 7 * 86400],
  tokenTtlSeconds: [1, 7 * 86400],
} as const;

/** validateOptions checks ranges and fills defaults; throws ConfigError on bad values. */
export function validateOptions(partial: Partial<SimulatorOptions>): SimulatorOptions {
  const o: SimulatorOptions = { ...DEFAULT_OPTIONS };
  for (const [k, v] of Object.entries(partial)) {
    if (v !== undefined) (o as unknown as Record<string, unknown>)[k] = v;
  }
  for (const [k, [lo, hi]] of Object.entries(INT_FIELDS)) {
    const v = (o as unknown as Record<string, unknown>)[k];
    if (v === undefined && (k === 'hosts' || k === 'clusters')) continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) {
      throw new ConfigError(`${k} must be an integer between ${lo} and ${hi} (got ${String(v)})`);
    }
  }
  if (o.hosts !== undefined && o.clusters !== undefined && o.clusters > o.hosts) {
    throw new ConfigError(`clusters (${o.clusters}) cannot exceed hosts (${o.hosts})`);
  }
  if (o.hosts !== undefined && o.vms / o.hosts > 3999) {
    throw new ConfigError('too few hosts: each host must hold fewer than 4,000 VMs');
  }
  if (!o.user || !o.password) throw new ConfigError('user and password must not be empty');
  return o;
}

const FLAGS = {
  port: 'SIM_PORT',
  host: 'SIM_HOST',
  vms: 'SIM_VMS',
  hosts: 'SIM_HOSTS',
  clusters: 'SIM_CLUSTERS',
  seed: 'SIM_SEED',
  'latency-ms': 'SIM_LATENCY_MS',
  'jitter-ms': 'SIM_JITTER_MS',
  https: 'SIM_HTTPS',
  user: 'SIM_USER',
  password: 'SIM_PASSWORD',
  'session-idle-seconds': 'SIM_SESSION_IDLE_SECONDS',
  'token-ttl-seconds': 'SIM_TOKEN_TTL_SECONDS',
  'log-level': 'SIM_LOG_LEVEL',
} as const;

/** optionsFromCli reads flags (which win) and SIM_* environment variables. */
export function optionsFromCli(argv: string[], env: NodeJS.ProcessEnv): SimulatorOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: Object.fromEntries(
      Object.keys(FLAGS).map((f) => [f, { type: f === 'https' ? ('boolean' as const) : ('string' as const) }]),
    ),
  });
  const raw = (flag: keyof typeof FLAGS): string | boolean | undefined => values[flag] ?? env[FLAGS[flag]];
  const int = (flag: keyof typeof FLAGS): number | undefined => {
    const v = raw(flag);
    if (v === undefined || v === '') return undefined;
    if (typeof v !== 'string' || !/^\d+$/.test(v.trim())) throw new ConfigError(`--${flag} must be a whole number (got ${String(v)})`);
    return Number(v);
  };
  const httpsRaw = raw('https');
  const https = typeof httpsRaw === 'boolean' ? httpsRaw : httpsRaw === undefined ? undefined : /^(1|true|yes)$/i.test(httpsRaw);
  return validateOptions({
    port: int('port'),
    host: raw('host') as string | undefined,
    vms: int('vms'),
    hosts: int('hosts'),
    clusters: int('clusters'),
    seed: int('seed'),
    latencyMs: int('latency-ms'),
    jitterMs: int('jitter-ms'),
    https,
    user: raw('user') as string | undefined,
    password: raw('password') as string | undefined,
    sessionIdleSeconds: int('session-idle-seconds'),
    tokenTtlSeconds: int('token-ttl-seconds'),
    logLevel: raw('log-level') as string | undefined,
  });
}
