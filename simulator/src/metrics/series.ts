import type { MetricsShape } from '../config';
import type { Inventory } from '../inventory/inventory';
import type { Cluster, Datacenter, Datastore, Host, Vm } from '../inventory/model';
import { hashString, unitHash } from '../inventory/prng';
import type { VcenterState } from '../state';
import {
  DISK_INSTANCED,
  NET_INSTANCED,
  STAT_KEY_INDEX,
  type ResourceKind,
  parseInstancedKey,
  statKeysFor,
} from './statkeys';

/** SAMPLE_MS is the vROps collection interval for the vCenter adapter (5 minutes). */
export const SAMPLE_MS = 300_000;
/** Collection times wander up to this many ms past the 5-minute mark, as real captures do. */
const JITTER_MS = 1500;
/** Production shape: each resource is collected 7–57 s after the mark, plus up to 4 s jitter per cycle. */
const PRODUCTION_OFFSET_MS = [7_000, 57_000] as const;
const PRODUCTION_JITTER_MS = 4_000;
/** Latest a sample of cycle k can be taken (either shape), for window arithmetic. */
const MAX_OFFSET_MS = PRODUCTION_OFFSET_MS[1] + PRODUCTION_JITTER_MS;
/** Production shape: share of collection cycles that produce an extra, off-grid sample. */
const EXTRA_SAMPLE_SHARE = 0.04;

/** AdapterInstance is the vROps adapter instance that collects one vCenter (the "vCenter Server" resource). */
export interface AdapterInstance {
  id: string;
  name: string;
}

/**
 * MetricResource is a resolved vROps resource: its kind, the vCenter object behind it and the
 * vCenter it belongs to (MoRefs are unique only inside one vCenter). The adapter instance's
 * `moref` is the pseudo id `adapter-instance`.
 */
export type MetricResource = (
  | { kind: 'VirtualMachine'; moref: string; obj: Vm }
  | { kind: 'HostSystem'; moref: string; obj: Host }
  | { kind: 'ClusterComputeResource'; moref: string; obj: Cluster }
  | { kind: 'Datastore'; moref: string; obj: Datastore }
  | { kind: 'Datacenter'; moref: string; obj: Datacenter }
  | { kind: 'VMwareAdapter Instance'; moref: string; obj: AdapterInstance }
) & { vc: VcenterState };

/** ADAPTER_MOREF is the pseudo MoRef of a vCenter's adapter instance resource. */
export const ADAPTER_MOREF = 'adapter-instance';

/** Sample is one collected value. */
export interface Sample {
  t: number;
  v: number;
}

/**
 * MetricEngine computes metric values on demand as a pure function of (seed, resource, stat key,
 * sample index) and the current state (power, hardware, placement). Nothing is stored, so a
 * 10,000-VM estate costs no memory for its history.
 */
export class MetricEngine {
  constructor(
    private readonly inv: Inventory,
    readonly shape: MetricsShape = 'grid'
  ) {}

  /** hasKey is true when the kind publishes the key at all. */
  hasKey(kind: ResourceKind, key: string): boolean {
    return statKeysFor(kind).some((k) => k.key === key);
  }

  /**
   * keysOf lists the stat keys a resource publishes: its kind's keys, plus (production shape) the
   * instanced keys of a VM's own disks and NICs, beside the plain ones.
   */
  keysOf(res: MetricResource): string[] {
    const keys = statKeysFor(res.kind).map((k) => k.key);
    if (this.shape !== 'production' || res.kind !== 'VirtualMachine') return keys;
    for (const d of res.obj.disks)
      for (const m of DISK_INSTANCED) keys.push(`virtualDisk:scsi0:${d.scsiUnit}|${m.metric}`);
    for (const n of res.obj.nics) for (const m of NET_INSTANCED) keys.push(`net:${n.key}|${m.metric}`);
    return keys;
  }

  /**
   * silent is true for the few resources vROps knows but has no stats for (production shape
   * only: ~4 % of the VMs that do not run hot).
   */
  silent(res: MetricResource): boolean {
    return (
      this.shape === 'production' &&
      res.kind === 'VirtualMachine' &&
      res.obj.profile !== 'hot' &&
      unitHash(hashString(res.moref), 0x5a, this.inv.seed) < 0.04
    );
  }

  /** samples returns raw 5-minute samples of one key in [begin, end], never after `now`. */
  samples(res: MetricResource, key: string, begin: number, end: number, now: number): Sample[] {
    const out: Sample[] = [];
    if (this.silent(res)) return out;
    const last = Math.min(end, now);
    const created = res.kind === 'VirtualMachine' ? res.obj.createdAt : Number.NEGATIVE_INFINITY;
    const firstK = Math.max(
      Math.ceil((begin - MAX_OFFSET_MS) / SAMPLE_MS),
      Number.isFinite(created) ? Math.floor(created / SAMPLE_MS) : -Infinity
    );
    const lastK = Math.floor(last / SAMPLE_MS);
    const rs = hashString(res.moref);
    for (let k = firstK; k <= lastK; k++) {
      for (const s of this.at(res, rs, key, k)) if (s.t >= begin && s.t <= last) out.push(s);
    }
    return out;
  }

  /** latest returns the newest `max` samples at or before `now` (oldest first). */
  latest(res: MetricResource, key: string, now: number, max = 1): Sample[] {
    if (this.silent(res)) return [];
    const rs = hashString(res.moref);
    let k = Math.floor(now / SAMPLE_MS);
    if (this.timeOf(rs, k) > now) k--;
    const created = res.kind === 'VirtualMachine' ? res.obj.createdAt : Number.NEGATIVE_INFINITY;
    // A VM created moments ago still reports its first sample right away: a freshly
    // powered-on VM must not look idle for up to five minutes.
    const firstK = Number.isFinite(created) ? Math.floor(created / SAMPLE_MS) : -Infinity;
    const out: Sample[] = [];
    for (let i = 0; i < max && k - i >= firstK; i++) {
      const v = this.valueAt(res, key, k - i);
      if (v !== undefined) out.unshift({ t: this.timeOf(rs, k - i), v: this.out(v) });
    }
    return out;
  }

  /** timeOf is when sample k of a resource was collected (shape-dependent offset off the grid). */
  timeOf(resourceHash: number, k: number): number {
    return this.shape === 'production' ? productionSampleTime(resourceHash, k) : sampleTime(resourceHash, k);
  }

  /** at lists what collection cycle k produced: one sample, plus an occasional extra one (production). */
  private at(res: MetricResource, rs: number, key: string, k: number): Sample[] {
    const v = this.valueAt(res, key, k);
    if (v === undefined) return [];
    const t = this.timeOf(rs, k);
    const one = { t, v: this.out(v) };
    if (this.shape !== 'production' || unitHash(rs, k, 0xe7) >= EXTRA_SAMPLE_SHARE) return [one];
    // A re-collection 1.5–2.5 minutes later, with a slightly different value.
    const extraT = t + 90_000 + Math.floor(unitHash(rs, k, 0xe8) * 60_000);
    return [one, { t: extraT, v: this.out(v * (0.97 + 0.06 * unitHash(rs, k, 0xe9))) }];
  }

  /** out renders a value as the shape stores it: float32 in production (12.600000381469727), as is on the grid. */
  private out(v: number): number {
    return this.shape === 'production' ? Math.fround(v) : v;
  }

  /** valueAt is the value of `key` for sample index k, or undefined when the key is absent. */
  valueAt(res: MetricResource, key: string, k: number): number | undefined {
    switch (res.kind) {
      case 'VirtualMachine':
        return this.vm(res.obj, key, k);
      case 'HostSystem':
        return this.host(res.obj, key, k);
      case 'ClusterComputeResource':
        return this.cluster(res.obj, key, k);
      case 'Datastore':
        return this.datastore(res.obj, key, k);
      case 'Datacenter':
        return this.summary(
          [...this.inv.hosts.values()].filter((h) => h.datacenter === res.obj.id),
          key,
          k
        );
      case 'VMwareAdapter Instance':
        return this.summary([...this.inv.hosts.values()], key, k);
    }
  }

  private summary(hosts: Host[], key: string, k: number): number | undefined {
    switch (key) {
      case 'summary|total_number_hosts':
        return hosts.length;
      case 'summary|total_number_vms':
      case 'summary|number_running_vms':
        return hosts.reduce((a, h) => a + (this.host(h, key, k) ?? 0), 0);
      default:
        return undefined;
    }
  }

  /** instanced computes `virtualDisk:scsi0:<unit>|…` and `net:<nic>|…` keys of a VM (production shape). */
  private instanced(vm: Vm, key: string, k: number): number | undefined {
    if (this.shape !== 'production') return undefined;
    const p = parseInstancedKey(key);
    if (!p) return undefined;
    const on = vm.powerState === 'POWERED_ON';
    if (p.family === 'disk') {
      if (!vm.disks.some((d) => String(d.scsiUnit) === p.instance)) return undefined;
      if (!on) return 0;
      const u = this.noise(vm, key, k);
      if (p.metric === 'numberReadAveraged_average') return round(this.vmIo(vm, 'disk|usage_average', k, 2000) / 16);
      return round((vm.profile === 'hot' ? 6 : 0.6) + 3 * u);
    }
    if (!vm.nics.some((n) => n.key === p.instance)) return undefined;
    const total = this.vmIo(vm, 'net|usage_average', k, 1200);
    return round(
      p.metric === 'received_average' ? total * 0.6 : p.metric === 'transmitted_average' ? total * 0.4 : total
    );
  }

  private noise(vm: Vm, key: string, k: number): number {
    return unitHash(vm.metricSeed, STAT_KEY_INDEX.get(key) ?? 0, k, this.inv.seed);
  }

  /** CPU percent of a VM at sample k (0 when not powered on). */
  vmCpuPct(vm: Vm, k: number): number {
    if (vm.powerState !== 'POWERED_ON') return 0;
    const u = this.noise(vm, 'cpu|usage_average', k);
    if (vm.profile === 'hot') return round(91 + 8 * u);
    if (vm.profile === 'idle') return round(0.3 + 2 * u);
    const base = 8 + 50 * unitHash(vm.metricSeed, 1);
    return round(clamp(base * daily(k, vm.metricSeed) * (0.8 + 0.4 * u), 0, 100));
  }

  /** Memory percent of a VM at sample k (0 when not powered on). */
  vmMemPct(vm: Vm, k: number): number {
    if (vm.powerState !== 'POWERED_ON') return 0;
    const u = this.noise(vm, 'mem|usage_average', k);
    if (vm.profile === 'hot') return round(80 + 15 * u);
    if (vm.profile === 'idle') return round(5 + 5 * u);
    const base = 20 + 50 * unitHash(vm.metricSeed, 2);
    return round(clamp(base * (0.9 + 0.1 * daily(k, vm.metricSeed)) * (0.95 + 0.1 * u), 0, 100));
  }

  private vmMhz(vm: Vm, k: number): number {
    const host = this.inv.hosts.get(vm.host);
    return round((this.vmCpuPct(vm, k) / 100) * vm.cpuCount * (host?.cpuMhz ?? 2600));
  }

  private vmConsumedKb(vm: Vm, k: number): number {
    if (vm.powerState !== 'POWERED_ON') return 0;
    return Math.round(vm.memoryMiB * 1024 * Math.min(1, this.vmMemPct(vm, k) / 100 + 0.2));
  }

  private vmIo(vm: Vm, key: string, k: number, scale: number): number {
    if (vm.powerState !== 'POWERED_ON') return 0;
    const u = this.noise(vm, key, k);
    if (vm.profile === 'idle') return round(5 * u);
    const base = vm.profile === 'hot' ? 2000 : 50 + scale * unitHash(vm.metricSeed, STAT_KEY_INDEX.get(key) ?? 3);
    return round(base * daily(k, vm.metricSeed) * (0.5 + u));
  }

  private vm(vm: Vm, key: string, k: number): number | undefined {
    const on = vm.powerState === 'POWERED_ON';
    const tools = on && vm.toolsInstalled;
    switch (key) {
      case 'cpu|usage_average':
        return this.vmCpuPct(vm, k);
      case 'cpu|usagemhz_average':
        return this.vmMhz(vm, k);
      case 'cpu|demandmhz':
        return round(this.vmMhz(vm, k) * (1.02 + 0.1 * this.noise(vm, key, k)));
      case 'cpu|readyPct':
        return on
          ? round((vm.profile === 'hot' ? 4 : 0.2) + (vm.profile === 'hot' ? 8 : 1.5) * this.noise(vm, key, k))
          : 0;
      case 'mem|usage_average':
        return this.vmMemPct(vm, k);
      case 'mem|consumed_average':
        return this.vmConsumedKb(vm, k);
      case 'mem|guest_usage':
        return tools ? Math.round((vm.memoryMiB * 1024 * this.vmMemPct(vm, k)) / 100) : undefined;
      case 'mem|guest_provisioned':
        return vm.memoryMiB * 1024;
      case 'disk|usage_average':
        return this.vmIo(vm, key, k, 2000);
      case 'net|usage_average':
        return this.vmIo(vm, key, k, 1200);
      case 'sys|poweredOn':
        return on ? 1 : 0;
      case 'sys|osUptime_latest':
        return tools ? Math.max(0, Math.floor((k * SAMPLE_MS - vm.bootTime) / 1000)) : undefined;
      case 'config|hardware|num_Cpu':
        return vm.cpuCount;
      case 'guestfilesystem|percentage_total':
        return tools ? round(clamp((1 - vm.fsFree) * 100 + 0.5 * this.noise(vm, key, k), 0, 100)) : undefined;
      default:
        return this.instanced(vm, key, k);
    }
  }

  private host(h: Host, key: string, k: number): number | undefined {
    const connected = h.connectionState === 'CONNECTED';
    const vms = this.inv.vmsOnHost(h.id);
    const capMhz = h.cpuCores * h.cpuMhz;
    const memKb = h.memoryMiB * 1024;
    // Hypervisor overhead keeps an empty connected host above zero, as real hosts are.
    const sumMhz = () => (connected ? vms.reduce((a, vm) => a + this.vmMhz(vm, k), 0) + capMhz * 0.02 : 0);
    const sumKb = () => (connected ? vms.reduce((a, vm) => a + this.vmConsumedKb(vm, k), 0) + 4 * 1024 * 1024 : 0);
    switch (key) {
      case 'cpu|usage_average':
        return round(clamp((sumMhz() / capMhz) * 100, 0, 100));
      case 'cpu|usagemhz_average':
        return round(Math.min(sumMhz(), capMhz));
      case 'cpu|demandmhz':
        return round(sumMhz() * 1.04);
      case 'cpu|capacity_provisioned':
        return capMhz;
      case 'mem|usage_average':
        return round(clamp((sumKb() / memKb) * 100, 0, 100));
      case 'mem|consumed_average':
      case 'mem|host_usage':
        return Math.min(sumKb(), memKb);
      case 'mem|host_provisioned':
        return memKb;
      case 'disk|usage_average':
      case 'net|usage_average':
        return connected
          ? round(vms.reduce((a, vm) => a + this.vmIo(vm, key, k, key.startsWith('disk') ? 2000 : 1200), 0))
          : 0;
      case 'summary|total_number_vms':
        return vms.length;
      case 'summary|number_running_vms':
        return vms.filter((v) => v.powerState === 'POWERED_ON').length;
      default:
        return undefined;
    }
  }

  private cluster(c: Cluster, key: string, k: number): number | undefined {
    const hosts = [...this.inv.hosts.values()].filter((h) => h.cluster === c.id);
    const connected = hosts.filter((h) => h.connectionState === 'CONNECTED');
    const sum = (hs: Host[], hk: string) => hs.reduce((a, h) => a + (this.host(h, hk, k) ?? 0), 0);
    switch (key) {
      case 'cpu|usage_average': {
        const cap = sum(connected, 'cpu|capacity_provisioned');
        return cap ? round(clamp((sum(connected, 'cpu|usagemhz_average') / cap) * 100, 0, 100)) : 0;
      }
      case 'mem|usage_average': {
        const cap = sum(connected, 'mem|host_provisioned');
        return cap ? round(clamp((sum(connected, 'mem|consumed_average') / cap) * 100, 0, 100)) : 0;
      }
      case 'cpu|capacity_provisioned':
      case 'mem|host_provisioned':
        return sum(connected, key);
      case 'summary|total_number_hosts':
        return hosts.length;
      case 'summary|total_number_vms':
      case 'summary|number_running_vms':
        return sum(hosts, key);
      default:
        return this.hasKey('ClusterComputeResource', key) ? round(sum(connected, key)) : undefined;
    }
  }

  private datastore(ds: Datastore, key: string, k: number): number | undefined {
    const used = ds.otherUsed + ds.vmUsed;
    const GB = 1024 ** 3;
    switch (key) {
      case 'capacity|total_capacity':
        return round(ds.capacity / GB);
      case 'capacity|used_space':
        return round(used / GB);
      case 'capacity|available_space':
        return round(Math.max(0, ds.capacity - used) / GB);
      case 'capacity|usedSpacePct':
        return round(ds.capacity ? (used / ds.capacity) * 100 : 0);
      case 'datastore|totalLatency_average':
        return round(1 + 4 * unitHash(hashString(ds.id), 9, k, this.inv.seed));
      case 'summary|total_number_vms':
        return ds.vmCount;
      default:
        return undefined;
    }
  }
}

/** sampleTime is when sample k of a resource was collected: the 5-minute mark plus jitter. */
export function sampleTime(resourceHash: number, k: number): number {
  return k * SAMPLE_MS + Math.floor(unitHash(resourceHash, k, 0x71) * JITTER_MS);
}

/** productionSampleTime: a per-resource offset seconds off the 5-minute mark, plus per-cycle jitter. */
export function productionSampleTime(resourceHash: number, k: number): number {
  const [lo, hi] = PRODUCTION_OFFSET_MS;
  const offset = lo + Math.floor(unitHash(resourceHash, 0x0ff) * (hi - lo));
  return k * SAMPLE_MS + offset + Math.floor(unitHash(resourceHash, k, 0x72) * PRODUCTION_JITTER_MS);
}

/** Daily load shape in [0.55, 1]: quiet around 03:00 UTC, busiest around 15:00, shifted per VM. */
function daily(k: number, vmSeed: number): number {
  const hour = ((((k * SAMPLE_MS) / 3_600_000 + (vmSeed % 180) / 60) % 24) + 24) % 24;
  return 0.55 + 0.45 * (0.5 - 0.5 * Math.cos((2 * Math.PI * (hour - 3)) / 24));
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}
