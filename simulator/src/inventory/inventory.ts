import { GUEST_OS } from './guest-os';
import type { Cluster, Datacenter, Datastore, Folder, Host, HostChangeEvent, Network, ResourcePool, Vm } from './model';
import { Rng, hashString, mix32, uuidFor } from './prng';

/** InventorySize fixes how big the seeded estate is. */
export interface InventorySize {
  vms: number;
  hosts?: number;
  clusters?: number;
  seed: number;
}

const GiB = 1024 ** 3;
const TiB = 1024 ** 4;
const DC_NAMES = ['DC-East', 'DC-West', 'DC-North', 'DC-South', 'DC-Central', 'DC-Lab'];
const ROLES = ['web', 'app', 'db', 'cache', 'mq', 'api', 'ci', 'mon', 'file', 'jump', 'k8s', 'etl'];
const VM_SUBFOLDERS = ['Production', 'Development', 'Infrastructure'];

/** resolveSize fills in host and cluster counts so that no host or cluster nears the 4,000-VM cap. */
export function resolveSize(size: InventorySize): Required<InventorySize> & { datacenters: number } {
  const hosts = size.hosts ?? Math.max(5, Math.ceil(size.vms / 40));
  const clusters = Math.min(hosts, size.clusters ?? Math.max(2, Math.ceil(hosts / 16)));
  const datacenters = Math.max(1, Math.min(DC_NAMES.length, Math.ceil(clusters / 8)));
  return { vms: size.vms, hosts, clusters, seed: size.seed, datacenters };
}

/**
 * Inventory is the mutable vCenter estate: built deterministically from the seed, then changed by
 * create/edit/power/delete calls and by the DRS/HA scenarios. Lookups are by MoRef id.
 */
export class Inventory {
  readonly seed: number;
  /** vCenter instance uuid (VMEntityVCID in vROps); fixed per seed. */
  readonly vcenterUuid: string;
  readonly rootFolder: Folder;
  readonly datacenters = new Map<string, Datacenter>();
  readonly folders = new Map<string, Folder>();
  readonly clusters = new Map<string, Cluster>();
  readonly hosts = new Map<string, Host>();
  readonly datastores = new Map<string, Datastore>();
  readonly networks = new Map<string, Network>();
  readonly resourcePools = new Map<string, ResourcePool>();
  readonly vms = new Map<string, Vm>();
  /** VM ids per host, kept in step with `vm.host`. */
  readonly vmsByHost = new Map<string, Set<string>>();
  /** Host-change history (vMotion, DRS, HA), oldest first. */
  readonly events: HostChangeEvent[] = [];
  private nextMoref = 2;
  private nextVm = 1001;
  private readonly resourceIds = new Map<string, string>();
  private readonly byResourceId = new Map<string, string>();

  /**
   * `namePrefix` (e.g. `vc2-`) goes in front of datacenter, host and VM names, so that several
   * vCenters with overlapping MoRefs still have distinct names.
   */
  constructor(
    size: InventorySize,
    now = Date.now(),
    readonly namePrefix = ''
  ) {
    const s = resolveSize(size);
    this.seed = s.seed;
    const rng = new Rng(mix32(s.seed ^ 0x5eed));
    this.vcenterUuid = rng.uuid();
    this.rootFolder = { id: 'group-d1', name: 'Datacenters', type: 'DATACENTER', parent: null, datacenter: null };
    this.folders.set(this.rootFolder.id, this.rootFolder);

    const dcs: Datacenter[] = [];
    const dcNetworks = new Map<string, Network[]>();
    const dcVmFolders = new Map<string, Folder[]>();
    for (let d = 0; d < s.datacenters; d++) {
      const id = this.moref('datacenter');
      const folder = (type: Folder['type'], prefix: string, name: string, parent: string | null): Folder => {
        const f: Folder = { id: this.moref(prefix), name, type, parent, datacenter: id };
        this.folders.set(f.id, f);
        return f;
      };
      const vmF = folder('VIRTUAL_MACHINE', 'group-v', 'vm', null);
      const hostF = folder('HOST', 'group-h', 'host', null);
      const dsF = folder('DATASTORE', 'group-s', 'datastore', null);
      const netF = folder('NETWORK', 'group-n', 'network', null);
      const dc: Datacenter = {
        id,
        name: `${namePrefix}${DC_NAMES[d]}`,
        vmFolder: vmF.id,
        hostFolder: hostF.id,
        datastoreFolder: dsF.id,
        networkFolder: netF.id,
      };
      this.datacenters.set(id, dc);
      dcs.push(dc);
      dcVmFolders.set(id, [vmF, ...VM_SUBFOLDERS.map((n) => folder('VIRTUAL_MACHINE', 'group-v', n, vmF.id))]);
      const nets: Network[] = [];
      const net = (prefix: string, name: string, type: Network['type']) => {
        const n: Network = { id: this.moref(prefix), name, type, datacenter: id, folder: netF.id };
        this.networks.set(n.id, n);
        nets.push(n);
      };
      net('network', 'VM Network', 'STANDARD_PORTGROUP');
      net('dvportgroup', `${dc.name}-dvPG-Prod`, 'DISTRIBUTED_PORTGROUP');
      net('dvportgroup', `${dc.name}-dvPG-Dev`, 'DISTRIBUTED_PORTGROUP');
      net('dvportgroup', `${dc.name}-dvPG-Mgmt`, 'DISTRIBUTED_PORTGROUP');
      net('dvportgroup', `${dc.name}-dvPG-vMotion`, 'DISTRIBUTED_PORTGROUP');
      dcNetworks.set(id, nets);
    }

    const clusters: Cluster[] = [];
    const clusterPools = new Map<string, ResourcePool[]>();
    const clusterShared = new Map<string, Datastore[]>();
    for (let c = 0; c < s.clusters; c++) {
      const dc = dcs[Math.floor((c * s.datacenters) / s.clusters)];
      const id = this.moref('domain-c');
      const root: ResourcePool = {
        id: this.moref('resgroup'),
        name: 'Resources',
        cluster: id,
        datacenter: dc.id,
        parent: null,
      };
      const name = `${dc.name}-CL${String(c + 1).padStart(2, '0')}`;
      const child: ResourcePool = {
        id: this.moref('resgroup'),
        name: `${name}-Prod`,
        cluster: id,
        datacenter: dc.id,
        parent: root.id,
      };
      this.resourcePools.set(root.id, root);
      this.resourcePools.set(child.id, child);
      clusterPools.set(id, [root, child]);
      const cl: Cluster = {
        id,
        name,
        datacenter: dc.id,
        folder: dc.hostFolder,
        haEnabled: c % 4 !== 3,
        drsEnabled: c % 3 !== 2,
        rootPool: root.id,
      };
      this.clusters.set(id, cl);
      clusters.push(cl);
      const shared: Datastore[] = [];
      for (const [suffix, type] of [
        ['vsan', 'VSAN'],
        ['nfs01', 'NFS'],
      ] as const) {
        const ds: Datastore = {
          id: this.moref('datastore'),
          name: `${name}-${suffix}`,
          type,
          datacenter: dc.id,
          folder: dc.datastoreFolder,
          capacity: 0,
          otherUsed: rng.int(200, 800) * GiB,
          vmUsed: 0,
          vmCount: 0,
          hosts: [],
          cluster: id,
        };
        this.datastores.set(ds.id, ds);
        shared.push(ds);
      }
      clusterShared.set(id, shared);
    }

    const hostWidth = Math.max(2, String(s.hosts).length);
    const hosts: Host[] = [];
    for (let h = 0; h < s.hosts; h++) {
      const cl = clusters[Math.floor((h * s.clusters) / s.hosts)];
      const dc = this.datacenters.get(cl.datacenter)!;
      const short = `${namePrefix}esx-${String(h + 1).padStart(hostWidth, '0')}`;
      const host: Host = {
        id: this.moref('host'),
        name: `${short}.${dc.name.toLowerCase()}.lab.local`,
        cluster: cl.id,
        datacenter: dc.id,
        connectionState: 'CONNECTED',
        cpuCores: rng.pick([32, 48, 64]),
        cpuMhz: rng.pick([2600, 2900, 3000]),
        memoryMiB: rng.pick([512, 768, 1024]) * 1024,
        vendor: rng.pick(['Dell Inc.', 'HPE', 'Lenovo']),
        model: rng.pick(['PowerEdge R750', 'ProLiant DL380 Gen10 Plus', 'ThinkSystem SR650 V2']),
        version: rng.pick(['7.0.3-21930508', '8.0.2-22380479', '8.0.3-24022510']),
        uuid: rng.uuid(),
      };
      this.hosts.set(host.id, host);
      this.vmsByHost.set(host.id, new Set());
      hosts.push(host);
      for (const ds of clusterShared.get(cl.id)!) ds.hosts.push(host.id);
      const local: Datastore = {
        id: this.moref('datastore'),
        name: `${short}-local`,
        type: 'VMFS',
        datacenter: dc.id,
        folder: dc.datastoreFolder,
        capacity: rng.pick([1, 2]) * TiB,
        otherUsed: rng.int(20, 120) * GiB,
        vmUsed: 0,
        vmCount: 0,
        hosts: [host.id],
        cluster: null,
      };
      this.datastores.set(local.id, local);
    }

    const vmWidth = Math.max(3, String(s.vms).length);
    for (let i = 0; i < s.vms; i++) {
      const host = hosts[Math.floor((i * s.hosts) / Math.max(1, s.vms))];
      const cl = this.clusters.get(host.cluster)!;
      const role = ROLES[i % ROLES.length];
      const guest = rng.pick(GUEST_OS.slice(0, 15));
      const powerRoll = rng.next();
      const powerState = powerRoll < 0.8 ? 'POWERED_ON' : powerRoll < 0.95 ? 'POWERED_OFF' : 'SUSPENDED';
      const profileRoll = rng.next();
      const cpuCount = rng.pick([1, 2, 2, 4, 4, 8, 16]);
      const pools = clusterPools.get(cl.id)!;
      const folders = dcVmFolders.get(cl.datacenter)!;
      const nets = dcNetworks.get(cl.datacenter)!;
      const ds = rng.pick(clusterShared.get(cl.id)!);
      const name = `${namePrefix}${role}-${String(i + 1).padStart(vmWidth, '0')}`;
      this.insertVm(
        {
          id: `vm-${this.nextVm++}`,
          name,
          guestOS: guest.id,
          powerState,
          cpuCount,
          coresPerSocket: cpuCount >= 4 && rng.chance(0.5) ? 2 : 1,
          cpuHotAdd: rng.chance(0.5),
          cpuHotRemove: rng.chance(0.2),
          memoryMiB: rng.pick([1024, 2048, 4096, 4096, 8192, 16384, 32768]),
          memoryHotAdd: rng.chance(0.5),
          hardwareVersion: rng.pick(['VMX_15', 'VMX_19', 'VMX_19', 'VMX_21']),
          host: host.id,
          cluster: cl.id,
          datacenter: cl.datacenter,
          folder: rng.pick(folders.slice(1)).id,
          resourcePool: rng.pick(pools).id,
          datastore: ds.id,
          disks: [],
          nics: [],
          toolsInstalled: rng.chance(0.92),
          biosUuid: rng.uuid('42'),
          instanceUuid: rng.uuid('50'),
          guestHostName: name,
          ipAddress: ipFor(i),
          fsFree: 0.15 + rng.next() * 0.7,
          profile: profileRoll < 0.06 ? 'hot' : profileRoll < 0.16 ? 'idle' : 'normal',
          metricSeed: mix32(hashString(name) ^ s.seed),
          createdAt: Number.NEGATIVE_INFINITY,
          bootTime: now - rng.int(1, 90) * 86_400_000,
        },
        [rng.pick([40, 60, 80, 100, 200]) * GiB, ...(rng.chance(0.3) ? [rng.pick([100, 250, 500]) * GiB] : [])],
        rng.pick(nets.slice(0, 3)).id,
        rng.int(0, 0xffffff)
      );
    }
    // Guarantee a couple of hot VMs even in a tiny lab, so alert rules always have something to fire on.
    const on = [...this.vms.values()].filter((v) => v.powerState === 'POWERED_ON');
    for (let i = 0; on.filter((v) => v.profile === 'hot').length < Math.min(2, on.length); i += 7) {
      on[i % on.length].profile = 'hot';
    }
    for (const ds of this.datastores.values()) {
      if (ds.cluster) ds.capacity = Math.max(4, Math.ceil(((ds.vmUsed + ds.otherUsed) * 1.6) / TiB)) * TiB;
    }
    // A little vMotion history so host-change annotations have something to show from the start.
    let n = 0;
    for (const vm of this.vms.values()) {
      if (n++ % 9 !== 4) continue;
      const peers = this.connectedHostsOf(vm.cluster).filter((h) => h.id !== vm.host);
      if (peers.length === 0) continue;
      const from = peers[vm.metricSeed % peers.length];
      const time = Math.floor((now - (vm.metricSeed % 86_400_000)) / 1000) * 1000;
      this.events.push({
        time: new Date(time).toISOString(),
        vm: vm.id,
        vmName: vm.name,
        fromHost: from.id,
        toHost: vm.host,
        kind: 'vmotion',
      });
    }
    this.events.sort((a, b) => a.time.localeCompare(b.time));
    // Register every vROps resource id up front, so a client that kept an id across a restart finds it.
    for (const m of [
      ...this.datacenters.keys(),
      ...this.clusters.keys(),
      ...this.hosts.keys(),
      ...this.datastores.keys(),
    ])
      this.resourceIdOf(m);
  }

  /** resourceIdOf returns the stable vROps resource id (uuid) of a MoRef. */
  resourceIdOf(moref: string): string {
    let id = this.resourceIds.get(moref);
    if (!id) {
      id = uuidFor(this.seed, `vrops:${moref}`);
      this.resourceIds.set(moref, id);
      this.byResourceId.set(id, moref);
    }
    return id;
  }

  /** morefOfResource maps a vROps resource id back to its MoRef (undefined when unknown). */
  morefOfResource(resourceId: string): string | undefined {
    return this.byResourceId.get(resourceId);
  }

  /** connectedHostsOf lists a cluster's hosts that are connected. */
  connectedHostsOf(clusterId: string): Host[] {
    return [...this.hosts.values()].filter((h) => h.cluster === clusterId && h.connectionState === 'CONNECTED');
  }

  /** vmsOnHost lists the VMs currently placed on a host. */
  vmsOnHost(hostId: string): Vm[] {
    const ids = this.vmsByHost.get(hostId);
    return ids ? [...ids].map((id) => this.vms.get(id)!) : [];
  }

  /** datastoreFree returns a datastore's free bytes. */
  datastoreFree(ds: Datastore): number {
    return Math.max(0, ds.capacity - ds.otherUsed - ds.vmUsed);
  }

  /** peekVmId is the id the next `allocateVmId` will hand out. */
  peekVmId(): string {
    return `vm-${this.nextVm}`;
  }

  /** allocateVmId hands out the next free `vm-N` id (ids are never reused). */
  allocateVmId(): string {
    return `vm-${this.nextVm++}`;
  }

  /**
   * insertVm adds a VM with the given disk sizes and one NIC on `network` (none if null), charging
   * the disks to the VM's datastore and registering the VM on its host.
   */
  insertVm(vm: Vm, diskSizes: number[], network: string | null, macSeed: number): Vm {
    const ds = this.datastores.get(vm.datastore)!;
    vm.disks = diskSizes.map((capacity, i) => ({
      key: String(2000 + i),
      label: `Hard disk ${i + 1}`,
      capacity,
      datastore: ds.id,
      vmdkFile: `[${ds.name}] ${vm.name}/${vm.name}${i === 0 ? '' : `_${i}`}.vmdk`,
      scsiUnit: i,
    }));
    vm.nics = network
      ? [
          {
            key: '4000',
            label: 'Network adapter 1',
            type: 'VMXNET3',
            macAddress: macFor(macSeed),
            network,
            connected: true,
            startConnected: true,
            pciSlot: 192,
          },
        ]
      : [];
    ds.vmUsed += diskSizes.reduce((a, b) => a + b, 0);
    ds.vmCount++;
    this.vms.set(vm.id, vm);
    this.vmsByHost.get(vm.host)!.add(vm.id);
    this.resourceIdOf(vm.id);
    return vm;
  }

  /** removeVm deletes a VM and gives its disk space back. */
  removeVm(vm: Vm): void {
    // Each disk gives its space back where it lives (per-disk relocation may have spread them).
    for (const d of vm.disks) {
      const ds = this.datastores.get(d.datastore);
      if (ds) ds.vmUsed -= d.capacity;
    }
    const home = this.datastores.get(vm.datastore);
    if (home) home.vmCount--;
    this.vms.delete(vm.id);
    this.vmsByHost.get(vm.host)?.delete(vm.id);
  }

  /** moveVm places a VM on another host of its cluster and records the move. */
  moveVm(vm: Vm, toHost: string, kind: HostChangeEvent['kind'], now = Date.now()): void {
    const fromHost = vm.host;
    this.vmsByHost.get(fromHost)?.delete(vm.id);
    this.vmsByHost.get(toHost)!.add(vm.id);
    vm.host = toHost;
    this.events.push({ time: new Date(now).toISOString(), vm: vm.id, vmName: vm.name, fromHost, toHost, kind });
  }

  /**
   * relocateVm moves a VM to a new host / cluster / pool / datastore / folder (vMotion and Storage
   * vMotion): disk space moves with it, a host change is recorded as a `vmotion` host-change event.
   */
  relocateVm(
    vm: Vm,
    to: {
      host: string;
      cluster: string;
      datacenter: string;
      resourcePool: string;
      datastore: string;
      folder: string;
      /** Per-disk datastores (disk key → id); a disk left out follows `datastore` when that changes. */
      disks?: Record<string, string>;
    },
    now = Date.now()
  ): void {
    const homeMoves = to.datastore !== vm.datastore;
    for (const d of vm.disks) {
      const target = to.disks?.[d.key] ?? (homeMoves ? to.datastore : d.datastore);
      if (target === d.datastore) continue;
      const from = this.datastores.get(d.datastore);
      const dest = this.datastores.get(target)!;
      if (from) from.vmUsed -= d.capacity;
      dest.vmUsed += d.capacity;
      d.datastore = dest.id;
      d.vmdkFile = d.vmdkFile.replace(/^\[[^\]]*\]/, `[${dest.name}]`);
    }
    if (homeMoves) {
      const from = this.datastores.get(vm.datastore);
      if (from) from.vmCount--;
      this.datastores.get(to.datastore)!.vmCount++;
      vm.datastore = to.datastore;
    }
    if (to.host !== vm.host) this.moveVm(vm, to.host, 'vmotion', now);
    vm.cluster = to.cluster;
    vm.datacenter = to.datacenter;
    vm.resourcePool = to.resourcePool;
    vm.folder = to.folder;
  }

  private moref(prefix: string): string {
    // `group-v`, `domain-c` and friends take the number directly; plain words take a dash.
    const sep = /-[a-z]$/.test(prefix) ? '' : '-';
    return `${prefix}${sep}${this.nextMoref++}`;
  }
}

function ipFor(i: number): string {
  const n = i + 1;
  return `10.${20 + Math.floor(n / 64516)}.${Math.floor((n % 64516) / 254)}.${(n % 254) + 1}`;
}

function macFor(n: number): string {
  const b = [(n >> 16) & 0x3f, (n >> 8) & 0xff, n & 0xff].map((x) => x.toString(16).padStart(2, '0'));
  return `00:50:56:${b.join(':')}`;
}
