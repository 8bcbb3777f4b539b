import type { Inventory } from './inventory';
import { uuidFor } from './prng';

const GiB = 1024 ** 3;

/** ContentLibrary is a local content library of one vCenter. */
export interface ContentLibrary {
  id: string;
  name: string;
  description: string;
  datastore: string;
}

/** LibraryItem is a VM template or an OVF package in a library. */
export interface LibraryItem {
  id: string;
  libraryId: string;
  name: string;
  description: string;
  type: 'vm-template' | 'ovf';
  guestOS: string;
  cpuCount: number;
  coresPerSocket: number;
  memoryMiB: number;
  diskSizes: number[];
  network: string | null;
  datastore: string;
  /** MoRef of the template VM object behind a `vm-template` item. */
  vmTemplate: string;
}

/** Library is what a vCenter's Content Library service holds. */
export interface Library {
  libraries: ContentLibrary[];
  items: LibraryItem[];
}

const TEMPLATES = [
  { name: 'ubuntu-22.04-template', type: 'vm-template', guestOS: 'UBUNTU_64', cpu: 2, mem: 4096, disks: [40] },
  { name: 'rhel-9-template', type: 'vm-template', guestOS: 'RHEL_9_64', cpu: 2, mem: 4096, disks: [60] },
  { name: 'win2022-template', type: 'vm-template', guestOS: 'WINDOWS_SERVER_2021', cpu: 4, mem: 8192, disks: [80] },
  { name: 'photon-5-appliance', type: 'ovf', guestOS: 'VMWARE_PHOTON_64', cpu: 1, mem: 2048, disks: [16] },
] as const;

/**
 * buildLibrary makes a vCenter's seeded content library ("Templates", on the first cluster's
 * shared datastore) with three VM templates and one OVF package; ids derive from the seed.
 */
export function buildLibrary(inv: Inventory): Library {
  const ds = [...inv.datastores.values()].find((d) => d.cluster) ?? [...inv.datastores.values()][0];
  const dcNet = [...inv.networks.values()].find(
    (n) => n.datacenter === ds?.datacenter && n.type === 'STANDARD_PORTGROUP'
  );
  const lib: ContentLibrary = {
    id: uuidFor(inv.seed, 'content-library:Templates'),
    name: `${inv.namePrefix}Templates`,
    description: 'Golden images for new virtual machines',
    datastore: ds?.id ?? '',
  };
  const items: LibraryItem[] = TEMPLATES.map((t, i) => ({
    id: uuidFor(inv.seed, `library-item:${t.name}`),
    libraryId: lib.id,
    name: t.name,
    description: `${t.name} (${t.type === 'ovf' ? 'OVF package' : 'VM template'})`,
    type: t.type,
    guestOS: t.guestOS,
    cpuCount: t.cpu,
    coresPerSocket: 1,
    memoryMiB: t.mem,
    diskSizes: t.disks.map((g) => g * GiB),
    network: dcNet?.id ?? null,
    datastore: lib.datastore,
    vmTemplate: `vm-template-${i + 1}`,
  }));
  return { libraries: [lib], items };
}
