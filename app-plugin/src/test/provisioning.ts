// Answers of the provisioning calls shared by the New VM tests.
import { RES, Routes } from './backend';

const GiB = 1024 ** 3;
/** Placement choices: cluster A and B, each with its own datastore. */
export const placement = {
  folders: [{ id: 'group-v3', name: 'Web' }],
  clusters: [
    { id: 'domain-c1', name: 'Cluster A' },
    { id: 'domain-c2', name: 'Cluster B' },
  ],
  hosts: [
    { id: 'host-7', name: 'esx-07', cluster: 'domain-c1' },
    { id: 'host-21', name: 'esx-21', cluster: 'domain-c2' },
  ],
  resourcePools: [],
  datastores: [
    {
      id: 'datastore-1',
      name: 'a-shared',
      type: 'VMFS',
      capacityBytes: 1024 * GiB,
      freeBytes: 500 * GiB,
      hosts: ['host-7'],
    },
    {
      id: 'datastore-2',
      name: 'b-shared',
      type: 'VMFS',
      capacityBytes: 4096 * GiB,
      freeBytes: 2048 * GiB,
      hosts: ['host-21'],
    },
  ],
  networks: [{ id: 'network-1', name: 'VM Network', type: 'STANDARD_PORTGROUP' }],
};
/** Stored customization specs, Linux and Windows. */
export const specs = [
  { name: 'linux-dhcp', description: 'Linux, DHCP', osType: 'LINUX', osFamily: 'Linux' },
  { name: 'linux-static-web', description: 'Linux web tier', osType: 'LINUX', osFamily: 'Linux' },
  { name: 'windows-domain', description: 'Windows, joins LAB', osType: 'WINDOWS', osFamily: 'Windows' },
];

/** A task that runs for one read at 40 %, then ends as `end` says. */
export function taskRoutes(ids: string[], end: (id: string) => object): Routes {
  const reads: Record<string, number> = {};
  return Object.fromEntries(
    ids.map((id) => [
      `GET ${RES}/tasks/${id}`,
      () => {
        reads[id] = (reads[id] ?? 0) + 1;
        return reads[id] === 1
          ? { id, status: 'RUNNING', progress: 40, message: 'Cloning the virtual machine', done: false }
          : { id, progress: 100, message: '', ...end(id) };
      },
    ])
  );
}
