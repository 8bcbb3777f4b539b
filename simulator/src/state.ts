import { randomBytes, randomUUID } from 'node:crypto';
import type { SimulatorOptions } from './config';
import type { FaultSettings } from './faults/faults';
import { Inventory } from './inventory/inventory';
import { buildLibrary, type Library } from './inventory/library';
import { mix32 } from './inventory/prng';
import { MetricEngine } from './metrics/series';
import { TaskStore } from './vcenter-tasks';

/** VcenterSession is one `/api/session` login. */
export interface VcenterSession {
  user: string;
  created: number;
  lastAccessed: number;
}

/** VropsToken is one acquired vROps token; `validity` slides forward on every use. */
export interface VropsToken {
  user: string;
  validity: number;
}

/** vcenterSeed is vCenter k's inventory seed: vCenter 1 keeps the plain seed (existing estates stay as they were). */
export function vcenterSeed(seed: number, index: number): number {
  return index === 1 ? seed : mix32(seed ^ Math.imul(index, 0x9e3779b1)) >>> 0;
}

/**
 * VcenterState is one simulated vCenter: its own inventory (own instance uuid, MoRefs that
 * overlap with the other vCenters', names prefixed `vc<k>-` from the second one on), metric
 * engine and sessions. Served under `/vc/<k>/api`; vCenter 1 also under `/api`.
 */
export class VcenterState {
  inventory!: Inventory;
  metrics!: MetricEngine;
  /** The vCenter's content library (templates and OVF items). */
  library!: Library;
  readonly sessions = new Map<string, VcenterSession>();
  readonly tasks = new TaskStore();
  /** `/vc/<k>`: the base path its REST API hangs under. */
  readonly basePath: string;
  /** The vCenter's host name (vROps `summary|parentVcenter`, adapter instance name). */
  readonly name: string;
  readonly namePrefix: string;

  constructor(
    readonly options: SimulatorOptions,
    /** 1-based. */
    readonly index: number
  ) {
    this.basePath = `/vc/${index}`;
    this.namePrefix = index === 1 ? '' : `vc${index}-`;
    this.name = `${this.namePrefix}vcsa.lab.local`;
    this.build();
  }

  private build(): void {
    this.inventory = new Inventory(
      { ...this.options, seed: vcenterSeed(this.options.seed, this.index) },
      Date.now(),
      this.namePrefix
    );
    this.metrics = new MetricEngine(this.inventory, this.options.metricsShape);
    this.library = buildLibrary(this.inventory);
  }

  /** reset rebuilds the seeded inventory and drops sessions. */
  reset(): void {
    this.build();
    this.sessions.clear();
    this.tasks.clear();
  }

  /** createSession logs a user in and returns a 32-hex-char token like vCenter's. */
  createSession(user: string, now = Date.now()): string {
    const token = randomBytes(16).toString('hex');
    this.sessions.set(token, { user, created: now, lastAccessed: now });
    return token;
  }

  /** touchSession returns the live session for a token (bumping its idle clock) or undefined. */
  touchSession(token: string | undefined, now = Date.now()): VcenterSession | undefined {
    if (!token) return undefined;
    const s = this.sessions.get(token);
    if (!s) return undefined;
    if (now - s.lastAccessed > this.options.sessionIdleSeconds * 1000) {
      this.sessions.delete(token);
      return undefined;
    }
    s.lastAccessed = now;
    return s;
  }
}

/**
 * SimState is everything a running simulator holds: N vCenters, the one vROps' tokens, faults
 * and call counters. `inventory`, `metrics` and `sessions` are vCenter 1's (the `/api` alias).
 * `reset()` brings it back to the seed state.
 */
export class SimState {
  readonly vcenters: VcenterState[];
  readonly tokens = new Map<string, VropsToken>();
  readonly calls = new Map<string, number>();
  faults: FaultSettings;
  /** The URL clients reach the simulator at (set once listening; vROps `VCURL` identifiers use it). */
  baseUrl = 'http://127.0.0.1:8989';

  constructor(readonly options: SimulatorOptions) {
    this.vcenters = Array.from({ length: options.vcenters }, (_, i) => new VcenterState(options, i + 1));
    this.faults = this.initialFaults();
  }

  /** inventory is vCenter 1's inventory. */
  get inventory(): Inventory {
    return this.vcenters[0].inventory;
  }
  /** metrics is vCenter 1's metric engine. */
  get metrics(): MetricEngine {
    return this.vcenters[0].metrics;
  }
  /** sessions are vCenter 1's sessions. */
  get sessions(): Map<string, VcenterSession> {
    return this.vcenters[0].sessions;
  }

  /** vcenter returns vCenter k (1-based) or undefined. */
  vcenter(index: number): VcenterState | undefined {
    return this.vcenters[index - 1];
  }

  /** vcenterUrl is how vROps' adapter instance names vCenter k (`VCURL`): vCenter 1 is the root alias. */
  vcenterUrl(vc: VcenterState): string {
    return vc.index === 1 ? this.baseUrl : `${this.baseUrl}${vc.basePath}`;
  }

  /** reset rebuilds every seeded inventory, clears faults and counters, and drops sessions and tokens. */
  reset(): void {
    for (const vc of this.vcenters) vc.reset();
    this.faults = this.initialFaults();
    this.calls.clear();
    this.tokens.clear();
  }

  /** createSession logs a user in to vCenter 1. */
  createSession(user: string, now = Date.now()): string {
    return this.vcenters[0].createSession(user, now);
  }

  /** touchSession checks a vCenter 1 session. */
  touchSession(token: string | undefined, now = Date.now()): VcenterSession | undefined {
    return this.vcenters[0].touchSession(token, now);
  }

  /** createToken acquires a vROps token shaped like the real `<uuid>::<uuid>`. */
  createToken(user: string, now = Date.now()): { token: string; validity: number } {
    const token = `${randomUUID()}::${randomUUID()}`;
    const validity = now + this.options.tokenTtlSeconds * 1000;
    this.tokens.set(token, { user, validity });
    return { token, validity };
  }

  /** touchToken returns a valid token record, sliding its validity forward, or undefined. */
  touchToken(token: string | undefined, now = Date.now()): VropsToken | undefined {
    if (!token) return undefined;
    const t = this.tokens.get(token);
    if (!t) return undefined;
    if (now > t.validity) {
      this.tokens.delete(token);
      return undefined;
    }
    t.validity = now + this.options.tokenTtlSeconds * 1000;
    return t;
  }

  /** countCall adds one to the per-route counter. */
  countCall(key: string): void {
    this.calls.set(key, (this.calls.get(key) ?? 0) + 1);
  }

  private initialFaults(): FaultSettings {
    return { latencyMs: this.options.latencyMs, jitterMs: this.options.jitterMs, errorRate: 0, outage: null };
  }
}
