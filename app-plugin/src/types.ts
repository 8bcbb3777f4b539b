/** Shapes of the data source resource API, as pinned in docs/contracts.md §3. */

/** Power state of a VM as vCenter reports it. */
export type PowerState = 'POWERED_ON' | 'POWERED_OFF' | 'SUSPENDED';

/** Power operations the resource API accepts. */
export type PowerAction = 'start' | 'stop' | 'shutdown' | 'reboot' | 'reset' | 'suspend';

/** One page of a paged inventory list. */
export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
  /** Data the backend could not fetch (e.g. datastore host counts when vROps failed); the items still list. */
  warnings?: string[];
}

/** A VM row of `inventory/vms`. */
export interface VmSummary {
  id: string;
  name: string;
  powerState: PowerState;
  cpuCount: number;
  memoryMiB: number;
  host: string;
  hostName: string;
  cluster: string;
  clusterName: string;
  datacenter: string;
  guestOS: string;
  /** The guest OS in words (e.g. "Ubuntu Linux (64-bit)") when the backend sends it. */
  guestOSName?: string;
  ip?: string;
  /** Latest vROps CPU usage in percent (`cpu|usage_average`); absent when the backend or vROps has none. */
  cpuUsagePercent?: number;
  /** Latest vROps memory usage in percent (`mem|usage_average`); absent when unknown. */
  memUsagePercent?: number;
}

/** Full static information of one VM (`GET vms/{id}`). */
export interface VmDetail extends VmSummary {
  folder: string;
  folderName: string;
  resourcePool: string;
  hardwareVersion: string;
  toolsRunning: boolean;
  guestFullName?: string;
  hostName_guest?: string;
  cpuHotAddEnabled: boolean;
  cpuHotRemoveEnabled: boolean;
  memoryHotAddEnabled: boolean;
  coresPerSocket: number;
  disks: Array<{ key: string; label: string; vmdkFile: string; capacityBytes: number }>;
  guestFilesystems: Array<{ mountPoint: string; capacityBytes: number; freeBytes: number }>;
  nics: Array<{
    key: string;
    label: string;
    macAddress: string;
    network: string;
    networkName: string;
    state: 'CONNECTED' | 'NOT_CONNECTED';
    startConnected: boolean;
    ipAddresses: string[];
  }>;
}

/** One host change of a VM (vMotion, DRS or HA). */
export interface HostChange {
  time: string;
  fromHost: string;
  fromHostName: string;
  toHost: string;
  toHostName: string;
  kind: 'vmotion' | 'drs' | 'ha' | string;
}

/** What the hardware of a VM may change to right now (`GET vms/{id}/hardware/limits`). */
export interface HardwareLimits {
  powerState: PowerState;
  cpuHotAddEnabled: boolean;
  cpuHotRemoveEnabled: boolean;
  memoryHotAddEnabled: boolean;
  cpuCount: number;
  memoryMiB: number;
  minCpu: number;
  maxCpu: number;
  minMemoryMiB: number;
  maxMemoryMiB: number;
  canChangeCpu: boolean;
  canChangeMemory: boolean;
  reasons: { cpu?: string; memory?: string };
}

/** A guest OS choice for the create form. */
export interface GuestOsOption {
  id: string;
  name: string;
  family: string;
}

/** Id and name of an inventory object. */
export interface NamedRef {
  id: string;
  name: string;
}

/** Placement choices for the create form (`GET options/placement`); `datacenter` when the backend sends it. */
export interface PlacementOptions {
  folders: Array<NamedRef & { datacenter?: string }>;
  clusters: Array<NamedRef & { datacenter?: string }>;
  hosts: Array<NamedRef & { cluster: string; datacenter?: string }>;
  resourcePools: Array<NamedRef & { cluster: string }>;
  /**
   * `hosts`: ids of the hosts that mount the datastore / reach the network. When the backend sends
   * it, the create form offers only what the chosen cluster or host can use; without it every
   * datastore and network is offered and vCenter decides.
   */
  datastores: Array<
    NamedRef & { type: string; capacityBytes: number; freeBytes: number; hosts?: string[]; datacenter?: string }
  >;
  networks: Array<NamedRef & { type: string; hosts?: string[]; datacenter?: string }>;
}

/** Body of `POST vms`. */
export interface VmCreateRequest {
  name: string;
  guestOS: string;
  cpuCount: number;
  coresPerSocket?: number;
  memoryMiB: number;
  diskGiB?: number;
  network?: string;
  placement: { folder: string; cluster?: string; host?: string; resourcePool?: string; datastore: string };
}

/** Body of `PATCH vms/{id}/hardware`. */
export interface VmHardwarePatch {
  cpuCount?: number;
  memoryMiB?: number;
}

/** One entry of the operations log. */
export interface AuditEvent {
  id: string;
  time: string;
  user: { login: string; email: string; role: string };
  action: 'create' | 'updateHardware' | 'power' | 'delete' | 'clone' | 'migrate' | 'customize';
  vm: { id: string; name: string };
  params: Record<string, unknown>;
  outcome: 'success' | 'refused' | 'failed' | 'unknown';
  error?: string;
}

/** What the signed-in user may do, as the backend decides it (`GET me`). */
export interface Permissions {
  create: boolean;
  edit: boolean;
  power: boolean;
  delete: boolean;
  /** Clone, instant clone, deploy from a template and guest customization (vSphere's Provisioning privileges). */
  clone: boolean;
  migrate: boolean;
  manageSubscriptions: boolean;
}

/** The signed-in user as the data source backend sees them. */
export interface Me {
  login: string;
  email: string;
  name: string;
  role: string;
  permissions: Permissions;
}

/** Severity threshold of an alert e-mail registration. */
export type Severity = 'info' | 'warning' | 'critical';

/** A user's alert e-mail registration. */
export interface Subscription {
  login: string;
  email: string;
  name?: string;
  confirmed: boolean;
  minSeverity: Severity;
  matchers: { cluster?: string[]; host?: string[]; vm?: string[]; alertname?: string[] };
  firing: boolean;
  resolved: boolean;
  quietHours?: { start: string; end: string; tz: string };
  digestMinutes: number;
}

/**
 * A host row of `inventory/hosts` (fields the backend returns; extra ones are ignored). The CPU and
 * memory figures are vROps' latest values and are absent when vROps has none.
 */
export interface HostSummary {
  id: string;
  name: string;
  cluster?: string;
  clusterName?: string;
  connectionState?: string;
  powerState?: string;
  vmCount?: number;
  /** CPU capacity in MHz (cores × core speed). */
  cpuCapacityMHz?: number;
  /** CPU in use, percent of the capacity. */
  cpuUsagePct?: number;
  /** Machine memory in bytes. */
  memoryCapacityBytes?: number;
  /** Memory in use, percent of the capacity. */
  memoryUsagePct?: number;
}

/** A page of `inventory/hosts`; `metricsError` says why CPU and memory figures are missing. */
export interface HostPage extends Page<HostSummary> {
  metricsError?: string;
}

/** A cluster row of `inventory/clusters`. */
export interface ClusterSummary {
  id: string;
  name: string;
  haEnabled?: boolean;
  drsEnabled?: boolean;
  hostCount?: number;
  vmCount?: number;
}

/** A datastore row of `inventory/datastores`. */
export interface DatastoreSummary {
  id: string;
  name: string;
  type?: string;
  capacityBytes?: number;
  freeBytes?: number;
  /** Hosts that mount it (vROps relationships); absent when vROps is not configured or failed. */
  hostCount?: number;
  datacenter?: string;
}

/** Settings the app stores in its plugin jsonData. */
export interface AppSettings {
  datasources?: string[];
}

/** Where a clone or deploy goes; parts left out are the source's (clone) or the template's (datastore). */
export interface ClonePlacement {
  folder?: string;
  cluster?: string;
  host?: string;
  resourcePool?: string;
  datastore?: string;
}

/** Per-VM guest customization: a stored spec with this VM's host name and IPv4 settings. */
export interface Customization {
  spec: string;
  hostName?: string;
  ip?: { address: string; prefix: number; gateway: string } | 'dhcp';
}

/** Body of `POST vms/{id}/clone` and `POST vms/{id}/instant-clone`. */
export interface CloneRequest {
  name: string;
  placement?: ClonePlacement;
  powerOn?: boolean;
  customization?: Customization;
}

/** Body of `POST templates/{item}/deploy` (VM templates and OVF packages). */
export interface DeployRequest {
  name: string;
  placement: ClonePlacement;
  powerOn?: boolean;
  customization?: Customization;
  acceptEula?: boolean;
  networkMappings?: Record<string, string>;
}

/** A content library item of `GET templates`: a VM template or an OVF package. */
export interface LibraryItem {
  id: string;
  name: string;
  description?: string;
  library?: string;
  libraryName?: string;
  /** Absent from backends that list VM templates only. */
  type?: 'vm-template' | 'ovf';
  guestOS?: string;
  guestName?: string;
  guestFamily?: string;
  cpuCount?: number;
  memoryMiB?: number;
  diskBytes?: number;
  /** An OVF package's size. */
  sizeBytes?: number;
}

/** What `GET templates/{item}/ovf` reads from an OVF package before deploying it. */
export interface OvfInfo {
  name: string;
  annotation?: string;
  eulas: string[];
  networks: string[];
  sizeBytes?: number;
}

/** A stored guest customization spec (`GET customization-specs`). */
export interface CustomizationSpecInfo {
  name: string;
  description: string;
  osType: 'LINUX' | 'WINDOWS' | string;
  osFamily: string;
}

/** Progress of a vCenter task (`GET tasks/{task}`). */
export interface TaskInfo {
  id: string;
  status: 'PENDING' | 'RUNNING' | 'BLOCKED' | 'SUCCEEDED' | 'FAILED';
  progress: number;
  message: string;
  done: boolean;
  vm?: string;
  error?: string;
}

/** A host the VM could move to (`GET vms/{id}/migrate/options`). */
export interface MigrateHost {
  id: string;
  name: string;
  cluster?: string;
  clusterName?: string;
  connectionState?: string;
  compatible: boolean;
  reason?: string;
  cpuUsagePct?: number;
  memoryUsagePct?: number;
  cpuAfterPct?: number;
  memoryAfterPct?: number;
  /** Datastores the host mounts; absent when vROps cannot say. */
  datastores?: string[];
}

/** A datastore the VM's disks could move to. */
export interface MigrateDatastore {
  id: string;
  name: string;
  type?: string;
  freeBytes: number;
  capacityBytes: number;
  /** Hosts that mount it; absent when vROps cannot say. */
  hosts?: string[];
  fits: boolean;
  reason?: string;
}

/** Answer of `GET vms/{id}/migrate/options`. */
export interface MigrateOptions {
  vm: {
    id: string;
    name: string;
    host: string;
    hostName: string;
    cluster?: string;
    clusterName?: string;
    datastores: string[];
    disks: Array<{ key: string; label: string; datastore: string; capacityBytes: number }>;
    cpuUsageMHz?: number;
    memoryUsageBytes?: number;
  };
  hosts: MigrateHost[];
  datastores: MigrateDatastore[];
  metricsError?: string;
}

/** Body of `POST vms/{id}/migrate`. */
export interface MigrateRequest {
  host?: string;
  cluster?: string;
  datastore?: string;
  disks?: Record<string, { datastore: string }>;
}
