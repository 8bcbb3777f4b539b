import type { SimulatorOptions } from './config';
import { listen, type RunningSimulator } from './server';

export type { SimulatorOptions } from './config';
export { DEFAULT_OPTIONS } from './config';
export type { RunningSimulator } from './server';
export { SimState } from './state';
export { STAT_KEYS, statKeysFor } from './metrics/statkeys';
export { GUEST_OS } from './inventory/guest-os';

/**
 * startSimulator starts an in-process simulator (port 0 = a free port, silent logs by default)
 * and returns its URL, a `close()` and the live `state`. Options default to the demo lab.
 */
export async function startSimulator(opts: Partial<SimulatorOptions> = {}): Promise<{ url: string; close(): Promise<void>; state: RunningSimulator['state']; cert?: string }> {
  const sim = await listen({ port: 0, ...opts });
  return { url: sim.url, close: sim.close, state: sim.state, ...(sim.cert ? { cert: sim.cert } : {}) };
}
