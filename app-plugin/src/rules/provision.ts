/**
 * Rules of the Clone and From-template forms: names of several VMs from one pattern, per-VM guest
 * customization (host name, IPv4), placement and the request bodies (docs/contracts.md §3 "Clone
 * and migrate", "Templates", "Customization"). Pure functions (provision.test.ts).
 */
import { CloneRequest, ClonePlacement, Customization, DeployRequest, PlacementOptions } from '../types';
import { validateVmName } from './createVm';
import { hostNameFromVmName, IpErrors, IpForm, validateHostName, validateIpRange } from './network';

/** Most VMs one submission makes. */
export const MAX_COUNT = 10;

/**
 * The names of `count` VMs: a run of `#` in the pattern is the VM's number, zero-padded to the
 * run's length ("web-##" → web-01, web-02, …). One VM may have a plain name; several need the `#`.
 */
export function expandNames(pattern: string, count: number): { names?: string[]; error?: string } {
  const runs = pattern.match(/#+/g) ?? [];
  if (runs.length > 1) {
    return { error: 'Use one run of # for the number (web-## → web-01, web-02, …).' };
  }
  if (runs.length === 0) {
    if (count > 1) {
      return {
        error: `Put ## where the number goes, so the ${count} VMs get different names (web-## → web-01, web-02, …).`,
      };
    }
    const err = validateVmName(pattern);
    return err ? { error: err } : { names: [pattern] };
  }
  const width = runs[0]!.length;
  if (String(count).length > width) {
    return { error: `${count} VMs need at least ${String(count).length} # for their numbers.` };
  }
  const names = Array.from({ length: count }, (_, i) => pattern.replace(/#+/, String(i + 1).padStart(width, '0')));
  for (const n of names) {
    const err = validateVmName(n);
    if (err) {
      return { error: `${n}: ${err}` };
    }
  }
  return { names };
}

/** How the guest gets its IPv4 settings. */
export type IpMode = 'spec' | 'dhcp' | 'static';

/** The Clone / From-template form as typed. */
export interface ProvisionForm {
  namePattern: string;
  count: string;
  folder: string;
  /** "cluster:<id>" | "host:<id>" | "" (the source's or, for a template, required). */
  compute: string;
  datastore: string;
  powerOn: boolean;
  /** Stored customization spec name; "" = no customization. */
  spec: string;
  /** Host name pattern with `#` like the VM names; "" = from each VM's name. */
  hostNamePattern: string;
  ipMode: IpMode;
  ip: IpForm;
}

/** Field errors of the form. */
export type ProvisionErrors = Partial<Record<keyof ProvisionForm | 'ovf', string>> & { ipFields?: IpErrors };

/** One VM the submission will make. */
export interface PlannedVm {
  name: string;
  hostName?: string;
  /** "10.50.0.11/16 via 10.50.0.1", "DHCP", or undefined when the spec decides. */
  ipText?: string;
  customization?: Customization;
}

/** What the form is for: a clone (placement parts optional) or a deploy (folder and compute required). */
export interface ProvisionContext {
  kind: 'clone' | 'instant' | 'template';
  /** Guest OS family of the source or template (`LINUX`, `WINDOWS`), when known. */
  family?: string;
  /** Datastore space the new VM needs (its disks), when known. */
  needBytes?: number;
}

/** Validates the form and plans each VM; the plan is there only when nothing is wrong. */
export function planProvision(
  f: ProvisionForm,
  ctx: ProvisionContext,
  placement: PlacementOptions
): { errors: ProvisionErrors; plan?: PlannedVm[] } {
  const e: ProvisionErrors = {};
  const count = Number(f.count);
  if (!/^\d+$/.test(f.count.trim()) || count < 1 || count > MAX_COUNT) {
    e.count = `Choose 1 to ${MAX_COUNT} VMs.`;
  }
  const names = e.count ? undefined : expandNames(f.namePattern, count);
  if (names?.error) {
    e.namePattern = names.error;
  }
  if (ctx.kind === 'template') {
    if (!f.folder) {
      e.folder = 'Choose the VM folder.';
    }
    if (!f.compute) {
      e.compute = 'Choose a cluster or host.';
    }
  }
  const ds = placement.datastores.find((d) => d.id === f.datastore);
  if (ds && ctx.needBytes && ds.freeBytes < ctx.needBytes * (e.count ? 1 : count)) {
    e.datastore = `${ds.name} has too little free space for ${count > 1 ? `${count} copies` : 'the copy'}.`;
  }
  let hostNames: string[] | undefined;
  let addresses: string[] | undefined;
  const customize = ctx.kind !== 'instant' && f.spec !== '';
  if (customize && names?.names) {
    if (f.hostNamePattern.trim() === '') {
      hostNames = names.names.map((n) => hostNameFromVmName(n, ctx.family));
    } else {
      const hn = expandNames(f.hostNamePattern.trim(), count);
      if (hn.error) {
        e.hostNamePattern = hn.error;
      }
      hostNames = hn.names;
    }
    const bad = hostNames?.map((h) => validateHostName(h, ctx.family)).find(Boolean);
    if (bad) {
      e.hostNamePattern = f.hostNamePattern.trim() === '' ? `${bad} Enter a host name pattern.` : bad;
    }
    if (f.ipMode === 'static') {
      const r = validateIpRange(f.ip, count);
      if (!r.addresses) {
        e.ipFields = r.errors;
      }
      addresses = r.addresses;
    }
  }
  if (Object.keys(e).length || !names?.names) {
    return { errors: e };
  }
  const plan = names.names.map((name, i): PlannedVm => {
    if (!customize) {
      return { name };
    }
    const c: Customization = { spec: f.spec, hostName: hostNames![i] };
    let ipText: string | undefined;
    if (f.ipMode === 'dhcp') {
      c.ip = 'dhcp';
      ipText = 'DHCP';
    } else if (f.ipMode === 'static') {
      c.ip = { address: addresses![i], prefix: Number(f.ip.prefix), gateway: f.ip.gateway.trim() };
      ipText = `${addresses![i]}/${Number(f.ip.prefix)} via ${f.ip.gateway.trim()}`;
    }
    return { name, hostName: hostNames![i], ipText, customization: c };
  });
  return { errors: {}, plan };
}

/** The placement part of a request: only the parts chosen. */
export function placementOf(f: Pick<ProvisionForm, 'folder' | 'compute' | 'datastore'>): ClonePlacement {
  const p: ClonePlacement = {};
  if (f.folder) {
    p.folder = f.folder;
  }
  const [kind, id] = f.compute.split(/:(.*)/s);
  if (kind === 'cluster' && id) {
    p.cluster = id;
  } else if (kind === 'host' && id) {
    p.host = id;
  }
  if (f.datastore) {
    p.datastore = f.datastore;
  }
  return p;
}

/** Body of one clone (`POST vms/{id}/clone` or `…/instant-clone`). */
export function cloneRequest(f: ProvisionForm, vm: PlannedVm, instant: boolean): CloneRequest {
  const placement = placementOf(instant ? { ...f, compute: '' } : f);
  const body: CloneRequest = { name: vm.name };
  if (Object.keys(placement).length) {
    body.placement = placement;
  }
  if (!instant) {
    body.powerOn = f.powerOn;
    if (vm.customization) {
      body.customization = vm.customization;
    }
  }
  return body;
}

/** Body of one deploy (`POST templates/{item}/deploy`). */
export function deployRequest(
  f: ProvisionForm,
  vm: PlannedVm,
  ovf?: { acceptEula: boolean; networkMappings: Record<string, string> }
): DeployRequest {
  const body: DeployRequest = { name: vm.name, placement: placementOf(f), powerOn: f.powerOn };
  if (vm.customization) {
    body.customization = vm.customization;
  }
  if (ovf) {
    if (ovf.acceptEula) {
      body.acceptEula = true;
    }
    const mapped = Object.fromEntries(Object.entries(ovf.networkMappings).filter(([, v]) => v));
    if (Object.keys(mapped).length) {
      body.networkMappings = mapped;
    }
  }
  return body;
}

/** Checks the OVF choices: every EULA accepted, every OVF network mapped. */
export function validateOvf(
  info: { eulas: string[]; networks: string[] },
  acceptEula: boolean,
  mappings: Record<string, string>
): string | undefined {
  if (info.eulas.length && !acceptEula) {
    return `Accept the license agreement${info.eulas.length > 1 ? 's' : ''} of the OVF package to deploy it.`;
  }
  const missing = info.networks.filter((n) => !mappings[n]);
  if (missing.length) {
    return `Choose a network for the OVF network${missing.length > 1 ? 's' : ''} ${missing.join(', ')}.`;
  }
  return undefined;
}

/** The datacenter of a chosen compute resource or folder ("cluster:<id>", "host:<id>"), when known. */
export function datacenterOf(placement: PlacementOptions, compute: string, folder: string): string | undefined {
  const [kind, id] = compute.split(/:(.*)/s);
  const fromCompute =
    kind === 'cluster'
      ? placement.clusters.find((c) => c.id === id)?.datacenter
      : kind === 'host'
        ? placement.hosts.find((h) => h.id === id)?.datacenter
        : undefined;
  return fromCompute ?? placement.folders.find((f) => f.id === folder)?.datacenter;
}

/**
 * Only the choices in one datacenter (vCenter places a VM's parts in one datacenter: a clone in its
 * source's). Choices whose datacenter the backend did not send stay; no datacenter = all.
 */
export function placementIn(placement: PlacementOptions, datacenter: string | undefined): PlacementOptions {
  if (!datacenter) {
    return placement;
  }
  const keep = <T extends { datacenter?: string }>(xs: T[]) =>
    xs.filter((x) => !x.datacenter || x.datacenter === datacenter);
  const clusters = keep(placement.clusters);
  return {
    folders: keep(placement.folders),
    clusters,
    hosts: keep(placement.hosts),
    resourcePools: placement.resourcePools.filter((p) => clusters.some((c) => c.id === p.cluster)),
    datastores: keep(placement.datastores),
    networks: keep(placement.networks),
  };
}
