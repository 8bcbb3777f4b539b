import { randomBytes, randomUUID } from 'node:crypto';
import type { SimulatorOptions } from './config';
import type { FaultSettings } from './faults/faults';
import { Inventory } from './inventory/inventory';
import { MetricEngine } from './metrics/series';

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

/**
 * SimState is everything a running simulator holds: the inventory, metric engine, sessions,
 * tokens, faults and call counters. `reset()` brings it back to the seed state.
 */
export class SimState {
  inventory: Inventory;
  metrics: MetricEngine;
  readonly sessions = new Map<string, VcenterSession>();
  readonly tokens = new Map<string, VropsToken>();
  readonly calls = new Map<string, number>();
  faults: FaultSettings;

  constructor(readonly options: SimulatorOptions) {
    this.inventory = new Inventory(options);
    this.metrics = new MetricEngine(this.inventory);
    this.faults = this.initialFaults();
  }

  /** reset rebuilds the seeded inventory, clears faults and counters, and drops sessions and tokens. */
  reset(): void {
    this.inventory = new Inventory(this.options);
    this.metrics = new MetricEngine(this.inventory);
    this.faults = this.initialFaults();
    this.calls.clear();
    this.sessions.clear();
    this.tokens.clear();
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
