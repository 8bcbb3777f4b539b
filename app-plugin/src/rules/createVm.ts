import { formatBytes } from '../components/format';
import { toMiB } from '../components/labels';
import { PlacementOptions, VmCreateRequest } from '../types';

/** Longest VM name vCenter accepts. */
export const MAX_NAME_LENGTH = 80;

/** Checks a VM name against vCenter's rules; returns the problem or undefined. */
export function validateVmName(name: string): string | undefined {
  if (name.trim() === '') {
    return 'Enter a name for the VM.';
  }
  if (name !== name.trim()) {
    return 'The name must not start or end with spaces.';
  }
  if ([...name].length > MAX_NAME_LENGTH) {
    return `The name has ${[...name].length} characters; vCenter allows at most ${MAX_NAME_LENGTH}.`;
  }
  const bad = /[/\\%\u0000-\u001f\u007f]/.exec(name);
  if (bad) {
    return `The name must not contain ${bad[0] === '%' || bad[0] === '/' || bad[0] === '\\' ? `"${bad[0]}"` : 'control characters'} (vCenter escapes / \\ and % in names).`;
  }
  return undefined;
}

/** The create form's values as typed. */
export interface CreateForm {
  name: string;
  guestOS: string;
  cpu: string;
  coresPerSocket: string;
  /** Memory amount as typed, in `memoryUnit` (MiB when absent). */
  memoryMiB: string;
  memoryUnit?: 'GiB' | 'MiB';
  diskGiB: string;
  network: string;
  folder: string;
  compute: string; // "cluster:<id>" | "host:<id>" | "pool:<id>"
  datastore: string;
}

/** Field errors of the create form. */
export type CreateErrors = Partial<Record<keyof CreateForm, string>>;

const whole = (s: string) => /^\d+$/.test(s.trim());

/** Validates the whole form; the request is built only when there are no errors. */
export function validateCreate(
  f: CreateForm,
  placement: PlacementOptions
): { errors: CreateErrors; body?: VmCreateRequest } {
  const e: CreateErrors = {};
  const nameErr = validateVmName(f.name);
  if (nameErr) {
    e.name = nameErr;
  }
  if (!f.guestOS) {
    e.guestOS = 'Choose the guest operating system.';
  }
  const cpu = Number(f.cpu);
  if (!whole(f.cpu) || cpu < 1 || cpu > 128) {
    e.cpu = 'Choose 1 to 128 CPUs.';
  }
  // An empty field is 0 (Number('') and Number(' ') are 0): no cores-per-socket choice.
  const cps = Number(f.coresPerSocket);
  if (f.coresPerSocket.trim() !== '' && (!whole(f.coresPerSocket) || cps < 1)) {
    e.coresPerSocket = 'Enter a whole number of cores per socket, or leave it empty.';
  } else if (!e.cpu && cps > 0 && cpu % cps !== 0) {
    e.coresPerSocket = `Cores per socket must divide the CPU count (${cpu}).`;
  }
  // Stryker disable next-line StringLiteral: equivalent, toMiB reads every unit but GiB as MiB.
  const mem = toMiB(f.memoryMiB, f.memoryUnit ?? 'MiB') ?? NaN;
  if (!Number.isFinite(mem) || mem < 4 || mem > 6128640) {
    e.memoryMiB = f.memoryUnit === 'GiB' ? 'Choose 0.5 to 5,985 GiB.' : 'Choose 4 to 6,128,640 MiB.';
  } else if (mem % 4 !== 0) {
    e.memoryMiB = 'Memory must be a multiple of 4 MiB.';
  }
  // An empty field is 0: no disk.
  const disk = Number(f.diskGiB);
  if (f.diskGiB.trim() !== '' && (!whole(f.diskGiB) || disk < 1 || disk > 62 * 1024)) {
    e.diskGiB = 'Choose 1 to 63,488 GiB, or leave it empty for no disk.';
  }
  if (!f.folder) {
    e.folder = 'Choose the VM folder.';
  }
  if (!f.compute) {
    e.compute = 'Choose a cluster, host or resource pool.';
  }
  const ds = placement.datastores.find((d) => d.id === f.datastore);
  const reach = reachableHosts(f.compute, placement);
  if (!ds) {
    e.datastore = 'Choose a datastore.';
  } else if (!reaches(ds, reach)) {
    e.datastore = `${ds.name} is not mounted on any host of the chosen ${computeWord(f.compute)}: choose another datastore.`;
    // Dropping `disk > 0` (or making it `>= 0`) survives and is equivalent: 0 bytes never exceed the free space.
  } else if (disk > 0 && disk * 1024 ** 3 > ds.freeBytes) {
    e.datastore = `${ds.name} has ${formatBytes(ds.freeBytes)} free, less than the ${disk} GiB disk.`;
  }
  const net = placement.networks.find((n) => n.id === f.network);
  if (net && !reaches(net, reach)) {
    e.network = `${net.name} is not available on any host of the chosen ${computeWord(f.compute)}: choose another network.`;
  }
  if (Object.keys(e).length) {
    return { errors: e };
  }
  const [kind, id] = f.compute.split(/:(.*)/s);
  const body: VmCreateRequest = {
    name: f.name,
    guestOS: f.guestOS,
    cpuCount: cpu,
    memoryMiB: mem,
    placement: { folder: f.folder, datastore: f.datastore },
  };
  if (cps > 0) {
    body.coresPerSocket = cps;
  }
  if (disk > 0) {
    body.diskGiB = disk;
  }
  if (f.network) {
    body.network = f.network;
  }
  if (kind === 'cluster') {
    body.placement.cluster = id;
  } else if (kind === 'host') {
    body.placement.host = id;
  } else {
    body.placement.resourcePool = id;
  }
  return { errors: {}, body };
}

/**
 * Host ids the chosen compute resource can place the VM on: a cluster's hosts, the host itself, or
 * the hosts of a resource pool's cluster. Undefined when nothing is chosen.
 */
export function reachableHosts(compute: string, placement: PlacementOptions): string[] | undefined {
  const [kind, id] = compute.split(/:(.*)/s);
  if (!id) {
    return undefined;
  }
  if (kind === 'host') {
    return [id];
  }
  const cluster = kind === 'cluster' ? id : placement.resourcePools.find((p) => p.id === id)?.cluster;
  return cluster ? placement.hosts.filter((h) => h.cluster === cluster).map((h) => h.id) : undefined;
}

/**
 * Whether a datastore or network can be used from these hosts. Without the backend's `hosts`
 * list (or without a chosen compute resource) nothing is ruled out: vCenter decides.
 */
export function reaches(item: { hosts?: string[] }, reach: string[] | undefined): boolean {
  return !item.hosts || !reach || item.hosts.some((h) => reach.includes(h));
}

function computeWord(compute: string): string {
  return compute.startsWith('host:') ? 'host' : compute.startsWith('pool:') ? "resource pool's cluster" : 'cluster';
}
