import { StringEnum } from '../schemas';
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { GUEST_OS_BY_ID } from '../../inventory/guest-os';
import type { Host, Vm } from '../../inventory/model';
import { hashString, mix32 } from '../../inventory/prng';
import type { SimState } from '../../state';
import { type VapiMessage, vapiError } from './errors';
import { notFound } from './inventory';
import { MAX_CPU, MAX_MEMORY_MIB, cpuInfo, diskInfo, memoryInfo, nicInfo, vmInfo } from './vm-render';

const GiB = 1024 ** 3;
const VmParams = Type.Object({ vm: Type.String() });

/** getVm returns the VM or throws vCenter's NOT_FOUND. */
export function getVm(state: SimState, id: string): Vm {
  const vm = state.inventory.vms.get(id);
  if (!vm) throw notFound('Virtual machine', 'vm', id, state);
  return vm;
}

/** POWER_LABEL is how vCenter names a power state inside vmsg.InvalidPowerState messages. */
export const POWER_LABEL: Record<Vm['powerState'], string> = { POWERED_ON: 'Powered on', POWERED_OFF: 'Powered off', SUSPENDED: 'Suspended' };

/** invalidState is the cause message vCenter stacks under power-state refusals. */
export function invalidState(vm: Vm): VapiMessage {
  return {
    id: 'vmsg.InvalidPowerState.summary',
    default_message: `The attempted operation cannot be performed in the current state (${POWER_LABEL[vm.powerState]}).`,
    args: [],
  };
}

function notAllowed(vm: Vm, id: string, message: string) {
  return vapiError('NOT_ALLOWED_IN_CURRENT_STATE', id, message, [], [invalidState(vm)]);
}

function invalidArg(message: string) {
  return vapiError('INVALID_ARGUMENT', 'com.vmware.vapi.std.errors.invalid_argument', message);
}

const CreateSpec = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 80 }),
  guest_OS: Type.String(),
  hardware_version: Type.Optional(Type.String({ pattern: '^VMX_[0-9]{2}$' })),
  placement: Type.Optional(
    Type.Object({
      folder: Type.Optional(Type.String()),
      cluster: Type.Optional(Type.String()),
      host: Type.Optional(Type.String()),
      resource_pool: Type.Optional(Type.String()),
      datastore: Type.Optional(Type.String()),
    }),
  ),
  cpu: Type.Optional(
    Type.Object({
      count: Type.Optional(Type.Integer()),
      cores_per_socket: Type.Optional(Type.Integer()),
      hot_add_enabled: Type.Optional(Type.Boolean()),
      hot_remove_enabled: Type.Optional(Type.Boolean()),
    }),
  ),
  memory: Type.Optional(Type.Object({ size_MiB: Type.Optional(Type.Integer()), hot_add_enabled: Type.Optional(Type.Boolean()) })),
  disks: Type.Optional(
    Type.Array(
      Type.Object({
        type: Type.Optional(StringEnum(['SCSI', 'SATA', 'IDE', 'NVME'] as const)),
        new_vmdk: Type.Optional(Type.Object({ name: Type.Optional(Type.String()), capacity: Type.Optional(Type.Integer({ minimum: 1 })) })),
      }),
      { maxItems: 16 },
    ),
  ),
  nics: Type.Optional(
    Type.Array(
      Type.Object({
        type: Type.Optional(StringEnum(['VMXNET3', 'E1000E', 'E1000'] as const)),
        start_connected: Type.Optional(Type.Boolean()),
        backing: Type.Object({
          type: StringEnum(['STANDARD_PORTGROUP', 'DISTRIBUTED_PORTGROUP', 'OPAQUE_NETWORK'] as const),
          network: Type.String(),
        }),
      }),
      { maxItems: 1 },
    ),
  ),
});

/** vmRoutes: VM detail and hardware sub-resources, create, hardware PATCH, power, delete. */
export const vmRoutes: FastifyPluginAsyncTypebox<{ state: SimState }> = async (app, { state }) => {
  app.get('/vcenter/vm/:vm', { schema: { params: VmParams } }, async (req) => vmInfo(getVm(state, req.params.vm), state.inventory));

  app.get('/vcenter/vm/:vm/hardware/cpu', { schema: { params: VmParams } }, async (req) => cpuInfo(getVm(state, req.params.vm)));
  app.get('/vcenter/vm/:vm/hardware/memory', { schema: { params: VmParams } }, async (req) => memoryInfo(getVm(state, req.params.vm)));
  app.get('/vcenter/vm/:vm/hardware/disk', { schema: { params: VmParams } }, async (req) => getVm(state, req.params.vm).disks.map((d) => ({ disk: d.key })));
  app.get('/vcenter/vm/:vm/hardware/disk/:disk', { schema: { params: Type.Object({ vm: Type.String(), disk: Type.String() }) } }, async (req) => {
    const d = getVm(state, req.params.vm).disks.find((x) => x.key === req.params.disk);
    if (!d) throw vapiError('NOT_FOUND', 'com.vmware.api.vcenter.vm.hardware.disk.not_found', `Virtual disk '${req.params.disk}' does not exist.`, [req.params.disk]);
    return diskInfo(d);
  });
  app.get('/vcenter/vm/:vm/hardware/ethernet', { schema: { params: VmParams } }, async (req) => getVm(state, req.params.vm).nics.map((n) => ({ nic: n.key })));
  app.get('/vcenter/vm/:vm/hardware/ethernet/:nic', { schema: { params: Type.Object({ vm: Type.String(), nic: Type.String() }) } }, async (req) => {
    const vm = getVm(state, req.params.vm);
    const n = vm.nics.find((x) => x.key === req.params.nic);
    if (!n) throw vapiError('NOT_FOUND', 'com.vmware.api.vcenter.vm.hardware.ethernet.not_found', `Virtual Ethernet adapter '${req.params.nic}' does not exist.`, [req.params.nic]);
    return nicInfo(vm, n, state.inventory);
  });

  app.patch(
    '/vcenter/vm/:vm/hardware/cpu',
    {
      schema: {
        params: VmParams,
        body: Type.Object({
          count: Type.Optional(Type.Integer()),
          cores_per_socket: Type.Optional(Type.Integer()),
          hot_add_enabled: Type.Optional(Type.Boolean()),
          hot_remove_enabled: Type.Optional(Type.Boolean()),
        }),
      },
    },
    async (req, reply) => {
      const vm = getVm(state, req.params.vm);
      const b = req.body ?? {};
      const count = b.count ?? vm.cpuCount;
      const cps = b.cores_per_socket ?? vm.coresPerSocket;
      if (count < 1 || count > MAX_CPU) throw invalidArg(`CPU count must be between 1 and ${MAX_CPU} (got ${count}).`);
      if (cps < 1 || count % cps !== 0) throw invalidArg(`CPU count ${count} is not a multiple of cores per socket ${cps}.`);
      if (vm.powerState !== 'POWERED_OFF') {
        // The hot-plug rules of the vSphere Automation API (vCenter reference §7).
        if (b.hot_add_enabled !== undefined || b.hot_remove_enabled !== undefined) {
          throw notAllowed(vm, 'com.vmware.api.vcenter.vm.hardware.cpu.hot_plug_setting_requires_power_off', 'CPU hot-plug settings can only be changed while the virtual machine is powered off.');
        }
        if (cps !== vm.coresPerSocket) {
          throw notAllowed(vm, 'com.vmware.api.vcenter.vm.hardware.cpu.cores_per_socket_requires_power_off', 'Cores per socket can only be changed while the virtual machine is powered off.');
        }
        if (count > vm.cpuCount && !vm.cpuHotAdd) {
          throw notAllowed(vm, 'com.vmware.api.vcenter.vm.hardware.cpu.hot_add_disabled', 'CPU hot add is not enabled for this virtual machine; power it off to add CPUs.');
        }
        if (count < vm.cpuCount && !vm.cpuHotRemove) {
          throw notAllowed(vm, 'com.vmware.api.vcenter.vm.hardware.cpu.hot_remove_disabled', 'CPU hot remove is not enabled for this virtual machine; power it off to remove CPUs.');
        }
      }
      vm.cpuCount = count;
      vm.coresPerSocket = cps;
      if (b.hot_add_enabled !== undefined) vm.cpuHotAdd = b.hot_add_enabled;
      if (b.hot_remove_enabled !== undefined) vm.cpuHotRemove = b.hot_remove_enabled;
      return reply.code(204).send();
    },
  );

  app.patch(
    '/vcenter/vm/:vm/hardware/memory',
    { schema: { params: VmParams, body: Type.Object({ size_MiB: Type.Optional(Type.Integer()), hot_add_enabled: Type.Optional(Type.Boolean()) }) } },
    async (req, reply) => {
      const vm = getVm(state, req.params.vm);
      const b = req.body ?? {};
      const size = b.size_MiB ?? vm.memoryMiB;
      if (size < 4 || size > MAX_MEMORY_MIB || size % 4 !== 0) {
        throw invalidArg(`Memory size must be a multiple of 4 MiB between 4 and ${MAX_MEMORY_MIB} MiB (got ${size}).`);
      }
      if (vm.powerState !== 'POWERED_OFF') {
        if (b.hot_add_enabled !== undefined) {
          throw notAllowed(vm, 'com.vmware.api.vcenter.vm.hardware.memory.hot_add_setting_requires_power_off', 'Memory hot add can only be turned on or off while the virtual machine is powered off.');
        }
        if (size !== vm.memoryMiB && !vm.memoryHotAdd) {
          throw notAllowed(vm, 'com.vmware.api.vcenter.vm.hardware.memory.hot_add_disabled', 'Memory hot add is not enabled for this virtual machine; power it off to change its memory.');
        }
        if (size < vm.memoryMiB) {
          throw notAllowed(vm, 'com.vmware.api.vcenter.vm.hardware.memory.hot_remove_unsupported', 'Memory cannot be reduced while the virtual machine is powered on.');
        }
        const limit = Math.min(MAX_MEMORY_MIB, vm.memoryMiB * 16);
        if (size > limit) throw invalidArg(`Memory can be hot-added up to ${limit} MiB for this virtual machine.`);
      }
      vm.memoryMiB = size;
      if (b.hot_add_enabled !== undefined) vm.memoryHotAdd = b.hot_add_enabled;
      return reply.code(204).send();
    },
  );

  app.get(
    '/vcenter/vm/:vm/power',
    { schema: { params: VmParams, response: { 200: Type.Object({ state: Type.String(), clean_power_off: Type.Optional(Type.Boolean()) }) } } },
    async (req) => {
      const vm = getVm(state, req.params.vm);
      return vm.powerState === 'POWERED_OFF' ? { state: vm.powerState, clean_power_off: true } : { state: vm.powerState };
    },
  );

  app.post(
    '/vcenter/vm/:vm/power',
    {
      schema: {
        params: VmParams,
        querystring: Type.Object({ action: StringEnum(['start', 'stop', 'suspend', 'reset'] as const) }),
      },
    },
    async (req, reply) => {
      const vm = getVm(state, req.params.vm);
      const p = vm.powerState;
      switch (req.query.action) {
        case 'start':
          if (p === 'POWERED_ON') {
            throw vapiError('ALREADY_IN_DESIRED_STATE', 'com.vmware.api.vcenter.vm.power.already_powered_on', 'Virtual machine is already powered on.', [], [invalidState(vm)]);
          }
          if (state.inventory.hosts.get(vm.host)?.connectionState !== 'CONNECTED') {
            throw vapiError('RESOURCE_INACCESSIBLE', 'com.vmware.api.vcenter.vm.host_not_connected', `The host of virtual machine '${vm.id}' is not connected.`);
          }
          vm.powerState = 'POWERED_ON';
          vm.bootTime = Date.now();
          break;
        case 'stop':
          if (p === 'POWERED_OFF') {
            throw vapiError('ALREADY_IN_DESIRED_STATE', 'com.vmware.api.vcenter.vm.power.already_powered_off', 'Virtual machine is already powered off.', [], [invalidState(vm)]);
          }
          vm.powerState = 'POWERED_OFF';
          break;
        case 'suspend':
          if (p === 'SUSPENDED') {
            throw vapiError('ALREADY_IN_DESIRED_STATE', 'com.vmware.api.vcenter.vm.power.already_suspended', 'Virtual machine is already suspended.', [], [invalidState(vm)]);
          }
          if (p === 'POWERED_OFF') throw notAllowed(vm, 'com.vmware.api.vcenter.vm.power.suspend_not_powered_on', 'Virtual machine is not powered on.');
          vm.powerState = 'SUSPENDED';
          break;
        case 'reset':
          if (p !== 'POWERED_ON') throw notAllowed(vm, 'com.vmware.api.vcenter.vm.power.reset_not_powered_on', 'Virtual machine is not powered on.');
          vm.bootTime = Date.now();
          break;
      }
      return reply.code(204).send();
    },
  );

  app.delete('/vcenter/vm/:vm', { schema: { params: VmParams } }, async (req, reply) => {
    const vm = getVm(state, req.params.vm);
    if (vm.powerState === 'POWERED_ON') {
      throw notAllowed(vm, 'com.vmware.api.vcenter.vm.delete_powered_on', `Virtual machine '${vm.name}' is powered on; power it off before deleting it.`);
    }
    state.inventory.removeVm(vm);
    return reply.code(204).send();
  });

  app.post('/vcenter/vm', { schema: { body: CreateSpec, response: { 201: Type.String() } } }, async (req, reply) => {
    const inv = state.inventory;
    const spec = req.body;
    const guest = GUEST_OS_BY_ID.get(spec.guest_OS);
    if (!guest) throw invalidArg(`Invalid value '${spec.guest_OS}' for guest_OS.`);
    const pl = spec.placement ?? {};
    if (!pl.folder) throw invalidArg('placement.folder is required.');
    const folder = inv.folders.get(pl.folder);
    if (!folder) throw notFound('Folder', 'folder', pl.folder, state);
    if (folder.type !== 'VIRTUAL_MACHINE') throw invalidArg(`Folder '${pl.folder}' is not a virtual machine folder.`);
    if (!pl.host && !pl.cluster && !pl.resource_pool) throw invalidArg('placement.resource_pool is required when neither placement.host nor placement.cluster is set.');
    if (!pl.datastore) throw invalidArg('placement.datastore is required.');
    const hostArg = pl.host ? inv.hosts.get(pl.host) : undefined;
    if (pl.host && !hostArg) throw notFound('Host', 'host', pl.host, state);
    const clusterArg = pl.cluster ? inv.clusters.get(pl.cluster) : undefined;
    if (pl.cluster && !clusterArg) throw notFound('Cluster', 'cluster', pl.cluster, state);
    const poolArg = pl.resource_pool ? inv.resourcePools.get(pl.resource_pool) : undefined;
    if (pl.resource_pool && !poolArg) throw notFound('Resource pool', 'resource_pool', pl.resource_pool, state);
    const datastore = inv.datastores.get(pl.datastore);
    if (!datastore) throw notFound('Datastore', 'datastore', pl.datastore, state);
    const clusterId = hostArg?.cluster ?? clusterArg?.id ?? poolArg!.cluster;
    if (hostArg && clusterArg && hostArg.cluster !== clusterArg.id) throw invalidArg(`Host '${hostArg.id}' is not in cluster '${clusterArg.id}'.`);
    if (poolArg && poolArg.cluster !== clusterId) throw invalidArg(`Resource pool '${poolArg.id}' does not belong to the given host or cluster.`);
    const cluster = inv.clusters.get(clusterId)!;
    if (folder.datacenter !== cluster.datacenter) throw invalidArg(`Folder '${folder.id}' and the compute resource are in different datacenters.`);
    let host: Host | undefined = hostArg;
    if (!host) {
      // Like DRS initial placement: the connected host with the fewest VMs that sees the datastore.
      host = inv
        .connectedHostsOf(clusterId)
        .filter((h) => datastore.hosts.includes(h.id))
        .sort((a, b) => inv.vmsByHost.get(a.id)!.size - inv.vmsByHost.get(b.id)!.size)[0];
      if (!host) throw vapiError('UNABLE_TO_ALLOCATE_RESOURCE', 'com.vmware.api.vcenter.vm.no_host', `No connected host in cluster '${clusterId}' can reach datastore '${datastore.name}'.`);
    } else if (host.connectionState !== 'CONNECTED') {
      throw vapiError('RESOURCE_INACCESSIBLE', 'com.vmware.api.vcenter.vm.host_not_connected', `Host '${host.id}' is not connected.`);
    }
    if (!datastore.hosts.includes(host.id)) throw invalidArg(`Datastore '${datastore.id}' is not accessible from host '${host.id}'.`);
    for (const v of inv.vms.values()) {
      if (v.folder === folder.id && v.name === spec.name) {
        throw vapiError('ALREADY_EXISTS', 'com.vmware.api.vcenter.vm.already_exists', `A virtual machine named '${spec.name}' already exists in folder '${folder.name}'.`, [spec.name]);
      }
    }
    const count = spec.cpu?.count ?? 1;
    const cps = spec.cpu?.cores_per_socket ?? 1;
    if (count < 1 || count > MAX_CPU) throw invalidArg(`CPU count must be between 1 and ${MAX_CPU} (got ${count}).`);
    if (cps < 1 || count % cps !== 0) throw invalidArg(`CPU count ${count} is not a multiple of cores per socket ${cps}.`);
    const mem = spec.memory?.size_MiB ?? (guest.family === 'WINDOWS' ? 4096 : 2048);
    if (mem < 4 || mem > MAX_MEMORY_MIB || mem % 4 !== 0) throw invalidArg(`Memory size must be a multiple of 4 MiB between 4 and ${MAX_MEMORY_MIB} MiB (got ${mem}).`);
    const defaultDisk = (guest.family === 'WINDOWS' ? 40 : 16) * GiB;
    const diskSizes = spec.disks ? spec.disks.map((d) => d.new_vmdk?.capacity ?? defaultDisk) : [defaultDisk];
    if (spec.disks?.some((d) => !d.new_vmdk)) throw invalidArg('Only new_vmdk disks are supported.');
    let network: string | null = null;
    if (spec.nics?.[0]) {
      const net = inv.networks.get(spec.nics[0].backing.network);
      if (!net) throw notFound('Network', 'network', spec.nics[0].backing.network, state);
      if (net.datacenter !== cluster.datacenter) throw invalidArg(`Network '${net.id}' is not in the datacenter of the placement.`);
      network = net.id;
    }
    const need = diskSizes.reduce((a, b) => a + b, 0);
    if (need > inv.datastoreFree(datastore)) {
      throw vapiError('UNABLE_TO_ALLOCATE_RESOURCE', 'com.vmware.api.vcenter.vm.insufficient_disk_space', `Insufficient disk space on datastore '${datastore.name}'.`, [datastore.name]);
    }
    const now = Date.now();
    const id = inv.allocateVmId();
    const seed = mix32(hashString(id) ^ inv.seed);
    const hex = (n: number, len: number) => (n >>> 0).toString(16).padStart(8, '0').repeat(4).slice(0, len);
    inv.insertVm(
      {
        id,
        name: spec.name,
        guestOS: guest.id,
        powerState: 'POWERED_OFF',
        cpuCount: count,
        coresPerSocket: cps,
        cpuHotAdd: spec.cpu?.hot_add_enabled ?? false,
        cpuHotRemove: spec.cpu?.hot_remove_enabled ?? false,
        memoryMiB: mem,
        memoryHotAdd: spec.memory?.hot_add_enabled ?? false,
        hardwareVersion: spec.hardware_version ?? 'VMX_19',
        host: host.id,
        cluster: clusterId,
        datacenter: cluster.datacenter,
        folder: folder.id,
        resourcePool: poolArg?.id ?? cluster.rootPool,
        datastore: datastore.id,
        disks: [],
        nics: [],
        // A brand-new VM has no guest OS yet, so no VMware Tools: guest calls answer 503 as on vCenter.
        toolsInstalled: false,
        biosUuid: uuidFrom('42', hex(seed, 30)),
        instanceUuid: uuidFrom('50', hex(mix32(seed), 30)),
        guestHostName: spec.name,
        ipAddress: '',
        fsFree: 0.8,
        profile: 'normal',
        metricSeed: seed,
        createdAt: now,
        bootTime: now,
      },
      diskSizes,
      network,
      seed & 0xffffff,
    );
    if (spec.nics?.[0]) {
      const nic = inv.vms.get(id)!.nics[0];
      nic.type = spec.nics[0].type === 'VMXNET3' || spec.nics[0].type === undefined ? 'VMXNET3' : 'E1000E';
      nic.startConnected = spec.nics[0].start_connected ?? true;
    }
    return reply.code(201).type('application/json').send(JSON.stringify(id));
  });
};

function uuidFrom(prefix: string, hex: string): string {
  const h = (prefix + hex).slice(0, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
