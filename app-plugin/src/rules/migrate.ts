/**
 * Rules of the Migrate dialog (docs/contracts.md §3 "Clone and migrate"): which datastores a target
 * host can use for the VM's disks, the request body, and the expected effect in words, coloured
 * at the alert rules' levels (components/thresholds.ts). Pure functions (migrate.test.ts).
 */
import { formatPercent } from '../components/format';
import { usageLevel } from '../components/thresholds';
import { MigrateDatastore, MigrateHost, MigrateOptions, MigrateRequest } from '../types';

/** Where the disks go: stay, all to one datastore, or each disk its own. */
export type DiskMode = 'keep' | 'all' | 'perDisk';

/** Level of a usage figure, or undefined when it is unknown. */
export function levelOf(pct?: number): 'ok' | 'warning' | 'critical' | undefined {
  return pct === undefined || pct === null || !isFinite(pct) ? undefined : usageLevel(pct);
}

/**
 * Whether a host mounts a datastore (either side of vROps' relation may name it). When neither
 * side is known (no vROps) nothing is ruled out: vCenter decides.
 */
export function mounts(host: MigrateHost, ds: MigrateDatastore): boolean {
  if (!host.datastores && !ds.hosts) {
    return true;
  }
  return !!host.datastores?.includes(ds.id) || !!ds.hosts?.includes(host.id);
}

/** One disk of the VM as the options list it. */
export type VmDisk = MigrateOptions['vm']['disks'][number];

/**
 * Datastores `host` mounts that have room: for the whole VM (the backend's `fits`), or for one
 * `disk` (its own datastore always has room for it).
 */
export function datastoreChoices(o: MigrateOptions, host: MigrateHost | undefined, disk?: VmDisk): MigrateDatastore[] {
  if (!host) {
    return [];
  }
  return o.datastores.filter(
    (d) => mounts(host, d) && (disk ? d.id === disk.datastore || d.freeBytes >= disk.capacityBytes : d.fits)
  );
}

/** Whether the VM can keep its datastores on the host (the host mounts every one of them). */
export function keepsDatastores(o: MigrateOptions, host: MigrateHost): boolean {
  return o.vm.datastores.every((id) => {
    const ds = o.datastores.find((d) => d.id === id);
    return ds ? mounts(host, ds) : !host.datastores || host.datastores.includes(id);
  });
}

/**
 * Whether `host` is the one the VM runs on: choosing it moves only the disks (Storage vMotion). The
 * backend lists it as not compatible ("current host") because a vMotion to it means nothing.
 */
export function isCurrentHost(o: MigrateOptions, host: MigrateHost): boolean {
  return host.id === o.vm.host;
}

/** Whether a host can be chosen: a compatible one, or the VM's own (to move its disks only). */
export function selectable(o: MigrateOptions, host: MigrateHost): boolean {
  return host.compatible || isCurrentHost(o, host);
}

/** The migrate choices as made in the dialog. */
export interface MigrateChoice {
  host: string;
  mode: DiskMode;
  datastore: string;
  disks: Record<string, string>;
}

/** Builds the request, or says what is missing. */
export function migrateRequest(o: MigrateOptions, c: MigrateChoice): { body?: MigrateRequest; error?: string } {
  const host = o.hosts.find((h) => h.id === c.host);
  if (!host) {
    return { error: 'Choose the host to move the VM to.' };
  }
  if (!selectable(o, host)) {
    return { error: `${host.name} cannot take the VM: ${host.reason ?? 'not compatible'}.` };
  }
  if (c.mode === 'keep' && isCurrentHost(o, host)) {
    return { error: `The VM already runs on ${host.name}: choose where its disks go, or another host.` };
  }
  if (c.mode === 'keep') {
    if (!keepsDatastores(o, host)) {
      return { error: `${host.name} does not mount the VM's datastores: choose where its disks go.` };
    }
    return { body: { host: host.id } };
  }
  if (c.mode === 'all') {
    const ds = datastoreChoices(o, host).find((d) => d.id === c.datastore);
    return ds ? { body: { host: host.id, datastore: ds.id } } : { error: 'Choose the datastore for the disks.' };
  }
  const disks: Record<string, { datastore: string }> = {};
  for (const d of o.vm.disks) {
    const target = c.disks[d.key];
    if (!target || !datastoreChoices(o, host, d).some((x) => x.id === target)) {
      return { error: `Choose a datastore for ${d.label}.` };
    }
    disks[d.key] = { datastore: target };
  }
  return { body: { host: host.id, disks } };
}

/** "CPU 42.0 % → 55.3 % (warning)": the change of one figure, with the level when it is not ok. */
export function effectText(what: string, now?: number, after?: number): string {
  const level = levelOf(after);
  return `${what} ${formatPercent(now)} → ${formatPercent(after)}${level && level !== 'ok' ? ` (${level})` : ''}`;
}

/** The expected effect of moving to `host` in one sentence. */
export function moveSummary(o: MigrateOptions, host: MigrateHost, c: MigrateChoice): string {
  const name = (id: string) => o.datastores.find((d) => d.id === id)?.name ?? 'another datastore';
  const where =
    c.mode === 'keep'
      ? 'its disks stay where they are'
      : c.mode === 'all'
        ? `its disks move to ${name(c.datastore)}`
        : `its disks move to ${o.vm.disks.map((d) => `${name(c.disks[d.key])} (${d.label})`).join(', ')}`;
  const figures =
    host.cpuAfterPct === undefined && host.memoryAfterPct === undefined
      ? `no usage figures for ${host.name}${o.metricsError ? ` (${o.metricsError})` : ''}`
      : `on ${host.name}: ${effectText('CPU', host.cpuUsagePct, host.cpuAfterPct)}, ${effectText('memory', host.memoryUsagePct, host.memoryAfterPct)}`;
  if (isCurrentHost(o, host)) {
    return `${o.vm.name} stays on ${host.name}; ${where} (Storage vMotion only; the host's CPU and memory do not change).`;
  }
  return `${o.vm.name} moves from ${o.vm.hostName} to ${host.name}${host.clusterName ? ` (cluster ${host.clusterName})` : ''}; ${where}; ${figures}.`;
}
