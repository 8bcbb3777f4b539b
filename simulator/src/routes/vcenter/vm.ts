import { StringEnum } from '../schemas';
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Vm } from '../../inventory/model';
import type { VcenterState } from '../../state';
import { planCpuUpdate, planMemoryUpdate } from '../../vm-ops/hardware';
import { checkDelete, powerTransition } from '../../vm-ops/power';
import { vapiError } from './errors';
import { notFound } from './inventory';
import { cpuInfo, diskInfo, hardwareInfo, memoryInfo, nicInfo, vmInfo } from './vm-render';

const VmParams = Type.Object({ vm: Type.String() });

/** getVm returns the VM or throws vCenter's NOT_FOUND. */
export function getVm(state: VcenterState, id: string): Vm {
  const vm = state.inventory.vms.get(id);
  if (!vm) throw notFound('Virtual machine', 'vm', id, state);
  return vm;
}

/**
 * vmRoutes: VM detail and hardware sub-resources, create, hardware PATCH, power, delete. The
 * rules live in `vm-ops` (pure); these handlers parse, call, apply the change and render.
 */
export const vmRoutes: FastifyPluginAsyncTypebox<{ state: VcenterState }> = async (app, { state }) => {
  app.get('/vcenter/vm/:vm', { schema: { params: VmParams } }, async (req) =>
    vmInfo(getVm(state, req.params.vm), state.inventory)
  );

  app.get('/vcenter/vm/:vm/hardware', { schema: { params: VmParams } }, async (req) =>
    hardwareInfo(getVm(state, req.params.vm))
  );
  app.get('/vcenter/vm/:vm/hardware/cpu', { schema: { params: VmParams } }, async (req) =>
    cpuInfo(getVm(state, req.params.vm))
  );
  app.get('/vcenter/vm/:vm/hardware/memory', { schema: { params: VmParams } }, async (req) =>
    memoryInfo(getVm(state, req.params.vm))
  );
  app.get('/vcenter/vm/:vm/hardware/disk', { schema: { params: VmParams } }, async (req) =>
    getVm(state, req.params.vm).disks.map((d) => ({ disk: d.key }))
  );
  app.get(
    '/vcenter/vm/:vm/hardware/disk/:disk',
    { schema: { params: Type.Object({ vm: Type.String(), disk: Type.String() }) } },
    async (req) => {
      const d = getVm(state, req.params.vm).disks.find((x) => x.key === req.params.disk);
      if (!d)
        throw vapiError(
          'NOT_FOUND',
          'com.vmware.api.vcenter.vm.hardware.disk.not_found',
          `Virtual disk '${req.params.disk}' does not exist.`,
          [req.params.disk]
        );
      return diskInfo(d);
    }
  );
  app.get('/vcenter/vm/:vm/hardware/ethernet', { schema: { params: VmParams } }, async (req) =>
    getVm(state, req.params.vm).nics.map((n) => ({ nic: n.key }))
  );
  app.get(
    '/vcenter/vm/:vm/hardware/ethernet/:nic',
    { schema: { params: Type.Object({ vm: Type.String(), nic: Type.String() }) } },
    async (req) => {
      const vm = getVm(state, req.params.vm);
      const n = vm.nics.find((x) => x.key === req.params.nic);
      if (!n)
        throw vapiError(
          'NOT_FOUND',
          'com.vmware.api.vcenter.vm.hardware.ethernet.not_found',
          `Virtual Ethernet adapter '${req.params.nic}' does not exist.`,
          [req.params.nic]
        );
      return nicInfo(vm, n, state.inventory);
    }
  );

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
      Object.assign(vm, planCpuUpdate(vm, req.body ?? {}));
      return reply.code(204).send();
    }
  );

  app.patch(
    '/vcenter/vm/:vm/hardware/memory',
    {
      schema: {
        params: VmParams,
        body: Type.Object({ size_MiB: Type.Optional(Type.Integer()), hot_add_enabled: Type.Optional(Type.Boolean()) }),
      },
    },
    async (req, reply) => {
      const vm = getVm(state, req.params.vm);
      Object.assign(vm, planMemoryUpdate(vm, req.body ?? {}));
      return reply.code(204).send();
    }
  );

  app.get(
    '/vcenter/vm/:vm/power',
    {
      schema: {
        params: VmParams,
        response: { 200: Type.Object({ state: Type.String(), clean_power_off: Type.Optional(Type.Boolean()) }) },
      },
    },
    async (req) => {
      const vm = getVm(state, req.params.vm);
      return vm.powerState === 'POWERED_OFF'
        ? { state: vm.powerState, clean_power_off: true }
        : { state: vm.powerState };
    }
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
      const change = powerTransition(vm, req.query.action, {
        hostConnected: state.inventory.hosts.get(vm.host)?.connectionState === 'CONNECTED',
        vcenterUuid: state.inventory.vcenterUuid,
        now: Date.now(),
      });
      Object.assign(vm, change);
      return reply.code(204).send();
    }
  );

  app.delete('/vcenter/vm/:vm', { schema: { params: VmParams } }, async (req, reply) => {
    const vm = getVm(state, req.params.vm);
    checkDelete(vm);
    state.inventory.removeVm(vm);
    return reply.code(204).send();
  });
};
