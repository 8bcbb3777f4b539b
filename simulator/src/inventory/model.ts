/** Types of the simulated vCenter inventory. Ids are vCenter MoRef values (`vm-1001`, `host-12`). */

/** PowerState is the vCenter VM power state enum. */
export type PowerState = 'POWERED_ON' | 'POWERED_OFF' | 'SUSPENDED';
/** POWER_STATES lists PowerState values (for validation). */
export const POWER_STATES: readonly PowerState[] = ['POWERED_ON', 'POWERED_OFF', 'SUSPENDED'];

/** HostConnectionState is the vCenter host connection state enum. */
export type HostConnectionState = 'CONNECTED' | 'DISCONNECTED' | 'NOT_RESPONDING';
/** FolderType is the vCenter folder type enum. */
export type FolderType = 'DATACENTER' | 'DATASTORE' | 'HOST' | 'NETWORK' | 'VIRTUAL_MACHINE';
/** DatastoreType is the vCenter datastore type enum. */
export type DatastoreType = 'VMFS' | 'NFS' | 'NFS41' | 'CIFS' | 'VSAN' | 'VFFS' | 'VVOL';
/** NetworkType is the vCenter network type enum. */
export type NetworkType = 'STANDARD_PORTGROUP' | 'DISTRIBUTED_PORTGROUP' | 'OPAQUE_NETWORK';
/** MetricProfile says how a VM's load behaves: a few run hot, some idle, most follow the day. */
export type MetricProfile = 'hot' | 'idle' | 'normal';

/** Datacenter is a vCenter datacenter with its four root folders. */
export interface Datacenter {
  id: string;
  name: string;
  vmFolder: string;
  hostFolder: string;
  datastoreFolder: string;
  networkFolder: string;
}

/** Folder is a vCenter folder. */
export interface Folder {
  id: string;
  name: string;
  type: FolderType;
  parent: string | null;
  datacenter: string | null;
}

/** Cluster is a compute cluster (`domain-c…`). */
export interface Cluster {
  id: string;
  name: string;
  datacenter: string;
  folder: string;
  haEnabled: boolean;
  drsEnabled: boolean;
  rootPool: string;
}

/** Host is an ESXi host inside a cluster. */
export interface Host {
  id: string;
  name: string;
  cluster: string;
  datacenter: string;
  connectionState: HostConnectionState;
  cpuCores: number;
  cpuMhz: number;
  memoryMiB: number;
  vendor: string;
  model: string;
  version: string;
  uuid: string;
}

/** Datastore is a VMFS/NFS/vSAN datastore; `hosts` are the hosts that mount it. */
export interface Datastore {
  id: string;
  name: string;
  type: DatastoreType;
  datacenter: string;
  folder: string;
  capacity: number;
  /** Bytes used by things other than VM disks (ISOs, templates, logs). */
  otherUsed: number;
  /** Bytes used by VM disks; maintained on create/delete. */
  vmUsed: number;
  /** Number of VMs whose files live here; maintained on create/delete. */
  vmCount: number;
  hosts: string[];
  cluster: string | null;
}

/** Network is a standard or distributed port group. */
export interface Network {
  id: string;
  name: string;
  type: NetworkType;
  datacenter: string;
  folder: string;
}

/** ResourcePool is a cluster's root pool or a child pool. */
export interface ResourcePool {
  id: string;
  name: string;
  cluster: string;
  datacenter: string;
  parent: string | null;
}

/** VmDisk is a VM's virtual disk (device key 2000+). */
export interface VmDisk {
  key: string;
  label: string;
  capacity: number;
  datastore: string;
  vmdkFile: string;
  scsiUnit: number;
}

/** VmNic is a VM's network adapter (device key 4000+). */
export interface VmNic {
  key: string;
  label: string;
  type: 'VMXNET3' | 'E1000E';
  macAddress: string;
  network: string;
  connected: boolean;
  startConnected: boolean;
  pciSlot: number;
}

/** Vm is a virtual machine with its placement and hardware. */
export interface Vm {
  id: string;
  name: string;
  guestOS: string;
  powerState: PowerState;
  cpuCount: number;
  coresPerSocket: number;
  cpuHotAdd: boolean;
  cpuHotRemove: boolean;
  memoryMiB: number;
  memoryHotAdd: boolean;
  hardwareVersion: string;
  host: string;
  cluster: string;
  datacenter: string;
  folder: string;
  resourcePool: string;
  datastore: string;
  disks: VmDisk[];
  nics: VmNic[];
  toolsInstalled: boolean;
  biosUuid: string;
  instanceUuid: string;
  guestHostName: string;
  ipAddress: string;
  /** Free fraction of each guest filesystem (stable per VM). */
  fsFree: number;
  profile: MetricProfile;
  /** Stable number that seeds this VM's metric noise. */
  metricSeed: number;
  /** Epoch ms when the VM came into existence (-Infinity for seeded VMs). */
  createdAt: number;
  /** Epoch ms of the last power on (for uptime). */
  bootTime: number;
}

/** HostChangeKind says why a VM changed host. */
export type HostChangeKind = 'vmotion' | 'drs' | 'ha';

/** HostChangeEvent records one VM moving between hosts (vMotion, DRS or HA restart). */
export interface HostChangeEvent {
  time: string;
  vm: string;
  vmName: string;
  fromHost: string;
  toHost: string;
  kind: HostChangeKind;
}
