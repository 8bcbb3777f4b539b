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
  /** Number of simulated vCenters behind the one vROps (docs/contracts.md §1, multi-vCenter). */
  vcenters: number;
  /** `grid`: samples on the 5-minute grid; `production`: jittered, extra samples, gaps, float32, instanced keys. */
  metricsShape: MetricsShape;
  /** Bearer token for `/__sim`; required when listening on anything but loopback. */
  controlToken?: string;
  /**
   * Idle keep-alive seconds advertised in `Keep-Alive: timeout=N`; idle sockets are held a few
   * seconds longer so a client reusing one at the advertised boundary never races the close.
   */
  keepAliveSeconds: number;
  /** How long `?vmw-task=true` operations (clone, relocate, deploy) run before they complete. */
  taskMs: number;
}

/** MetricsShape selects how regular the vROps metric samples are. */
export type MetricsShape = 'grid' | 'production';
/** METRICS_SHAPES lists the accepted shapes. */
export const METRICS_SHAPES: readonly MetricsShape[] = ['grid', 'production'];

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
  vcenters: 1,
  metricsShape: 'grid',
  // Longer than Go's default 90 s IdleConnTimeout, so Go clients close idle connections first.
  keepAliveSeconds: 120,
  taskMs: 3000,
};

/** MIN_CONTROL_TOKEN_LENGTH is the shortest accepted `/__sim` token. */
export const MIN_CONTROL_TOKEN_LENGTH = 16;

/** isLoopback says whether a listen host only accepts connections from this machine. */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || h === '::ffff:127.0.0.1';
}

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
  vcenters: [1, 16],
  keepAliveSeconds: [1, 3600],
  taskMs: [0, 600_000],
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
  if (!METRICS_SHAPES.includes(o.metricsShape))
    throw new ConfigError(`metrics-shape must be one of ${METRICS_SHAPES.join(', ')} (got ${String(o.metricsShape)})`);
  if (o.controlToken !== undefined && o.controlToken.length < MIN_CONTROL_TOKEN_LENGTH)
    throw new ConfigError(`control-token must be at least ${MIN_CONTROL_TOKEN_LENGTH} characters`);
  if (!o.controlToken && !isLoopback(o.host))
    throw new ConfigError(
      `refusing to listen on ${o.host} without a control token: anyone who reaches it could reset or fault the simulator; ` +
        'set --control-token (or SIM_CONTROL_TOKEN) or listen on 127.0.0.1'
    );
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
  vcenters: 'SIM_VCENTERS',
  'metrics-shape': 'SIM_METRICS_SHAPE',
  'control-token': 'SIM_CONTROL_TOKEN',
  'keep-alive-seconds': 'SIM_KEEP_ALIVE_SECONDS',
  'task-ms': 'SIM_TASK_MS',
} as const;

/**
 * CLI_METRICS_SHAPE is the process's default metrics shape: production-shaped vROps data, so every
 * test, `npm start` and the compose stack run against what real estates send (docs/contracts.md §1).
 * `startSimulator()` keeps `grid` unless told otherwise.
 */
export const CLI_METRICS_SHAPE: MetricsShape = 'production';

/** optionsFromCli reads flags (which win) and SIM_* environment variables. */
export function optionsFromCli(argv: string[], env: NodeJS.ProcessEnv): SimulatorOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: Object.fromEntries(
      Object.keys(FLAGS).map((f) => [f, { type: f === 'https' ? ('boolean' as const) : ('string' as const) }])
    ),
  });
  const raw = (flag: keyof typeof FLAGS): string | boolean | undefined => values[flag] ?? env[FLAGS[flag]];
  const int = (flag: keyof typeof FLAGS): number | undefined => {
    const v = raw(flag);
    if (v === undefined || v === '') return undefined;
    if (typeof v !== 'string' || !/^\d+$/.test(v.trim()))
      throw new ConfigError(`--${flag} must be a whole number (got ${String(v)})`);
    return Number(v);
  };
  const httpsRaw = raw('https');
  const https =
    typeof httpsRaw === 'boolean' ? httpsRaw : httpsRaw === undefined ? undefined : /^(1|true|yes)$/i.test(httpsRaw);
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
    vcenters: int('vcenters'),
    metricsShape: (raw('metrics-shape') as MetricsShape | undefined) || CLI_METRICS_SHAPE,
    controlToken: (raw('control-token') as string | undefined) || undefined,
    keepAliveSeconds: int('keep-alive-seconds'),
    taskMs: int('task-ms'),
  });
}
