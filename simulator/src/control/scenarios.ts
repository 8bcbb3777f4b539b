import type { Inventory } from '../inventory/inventory';
import type { HostChangeEvent } from '../inventory/model';

/** ScenarioError is a refused scenario request (unknown host, nothing to do). */
export class ScenarioError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * runDrs balances each DRS-enabled cluster (or the one given): it moves powered-on VMs from the
 * busiest connected host (by VM count) to the least busy one, up to `moves` VMs per cluster.
 */
export function runDrs(inv: Inventory, opts: { cluster?: string; moves?: number } = {}, now = Date.now()): HostChangeEvent[] {
  if (opts.cluster && !inv.clusters.has(opts.cluster)) throw new ScenarioError(404, `No cluster '${opts.cluster}'.`);
  const clusters = opts.cluster ? [inv.clusters.get(opts.cluster)!] : [...inv.clusters.values()].filter((c) => c.drsEnabled);
  const start = inv.events.length;
  for (const c of clusters) {
    for (let i = 0; i < (opts.moves ?? 3); i++) {
      const hosts = inv.connectedHostsOf(c.id).sort((a, b) => inv.vmsByHost.get(b.id)!.size - inv.vmsByHost.get(a.id)!.size || a.id.localeCompare(b.id));
      if (hosts.length < 2) break;
      const from = hosts[0];
      const to = hosts[hosts.length - 1];
      const vm = inv.vmsOnHost(from.id).find((v) => v.powerState === 'POWERED_ON');
      if (!vm) break;
      // Even clusters still see a move, as DRS also moves VMs for CPU/memory balance.
      inv.moveVm(vm, to.id, 'drs', now);
    }
  }
  return inv.events.slice(start);
}

/**
 * runHaFailure disconnects a host and restarts its VMs on the other connected hosts of its
 * cluster (round robin). Without a host it picks the first connected host of a cluster that has
 * another connected host.
 */
export function runHaFailure(inv: Inventory, hostId?: string, now = Date.now()): { host: string; events: HostChangeEvent[] } {
  let host = hostId ? inv.hosts.get(hostId) : undefined;
  if (hostId && !host) throw new ScenarioError(404, `No host '${hostId}'.`);
  if (!host) host = [...inv.hosts.values()].find((h) => h.connectionState === 'CONNECTED' && inv.connectedHostsOf(h.cluster).length > 1);
  if (!host) throw new ScenarioError(409, 'No cluster has two connected hosts.');
  if (host.connectionState !== 'CONNECTED') throw new ScenarioError(409, `Host '${host.id}' is already disconnected.`);
  host.connectionState = 'DISCONNECTED';
  const targets = inv.connectedHostsOf(host.cluster);
  const start = inv.events.length;
  const vms = inv.vmsOnHost(host.id);
  vms.forEach((vm, i) => {
    if (targets.length === 0) {
      // No survivor: the VMs stay put and go down with the host.
      if (vm.powerState === 'POWERED_ON') vm.powerState = 'POWERED_OFF';
      return;
    }
    inv.moveVm(vm, targets[i % targets.length].id, 'ha', now);
    if (vm.powerState === 'POWERED_ON') vm.bootTime = now; // HA restarts the VM on its new host
  });
  return { host: host.id, events: inv.events.slice(start) };
}
