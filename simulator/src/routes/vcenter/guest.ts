import { StringEnum } from '../schemas';
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { GUEST_OS_BY_ID } from '../../inventory/guest-os';
import type { Vm } from '../../inventory/model';
import type { SimState } from '../../state';
import { vapiError } from './errors';
import { getVm, invalidState } from './vm';

const GiB = 1024 ** 3;
const VmParams = Type.Object({ vm: Type.String() });

/** toolsRunning: VMware Tools answer only in a powered-on VM that has them installed. */
export function toolsRunning(vm: Vm): boolean {
  return vm.powerState === 'POWERED_ON' && vm.toolsInstalled;
}

function requireTools(state: SimState, vm: Vm): void {
  if (!toolsRunning(vm)) {
    const full = `${vm.id}:${state.inventory.vcenterUuid}`;
    throw vapiError('SERVICE_UNAVAILABLE', 'com.vmware.api.vcenter.vm.guest.tools_not_running', `VMware Tools are not running in Virtual machine with identifier '${full}'.`, [full]);
  }
}

/** guestFilesystems lists a VM's guest mount points with capacity and free bytes. */
export function guestFilesystems(vm: Vm): Record<string, { capacity: number; free_space: number; filesystem: string; mappings: { disk: string }[] }> {
  const windows = GUEST_OS_BY_ID.get(vm.guestOS)?.family === 'WINDOWS';
  const out: Record<string, { capacity: number; free_space: number; filesystem: string; mappings: { disk: string }[] }> = {};
  vm.disks.forEach((d, i) => {
    const fs = (mount: string, capacity: number, free: number, filesystem: string) => {
      out[mount] = { capacity, free_space: Math.floor(capacity * free), filesystem, mappings: [{ disk: d.key }] };
    };
    if (windows) {
      fs(i === 0 ? 'C:\\' : `${String.fromCharCode(68 + i - 1)}:\\`, Math.floor(d.capacity * 0.99), vm.fsFree, 'NTFS');
    } else if (i === 0) {
      fs('/boot', GiB, 0.7, 'ext4');
      fs('/', Math.floor(d.capacity * 0.97) - GiB, vm.fsFree, 'xfs');
    } else {
      fs(i === 1 ? '/data' : `/data${i}`, Math.floor(d.capacity * 0.99), Math.min(0.95, vm.fsFree + 0.1), 'xfs');
    }
  });
  return out;
}

/** guestRoutes: guest identity, local filesystems, networking and guest power (need VMware Tools). */
export const guestRoutes: FastifyPluginAsyncTypebox<{ state: SimState }> = async (app, { state }) => {
  app.get('/vcenter/vm/:vm/guest/identity', { schema: { params: VmParams } }, async (req) => {
    const vm = getVm(state, req.params.vm);
    requireTools(state, vm);
    const g = GUEST_OS_BY_ID.get(vm.guestOS);
    const out: Record<string, unknown> = {
      name: vm.guestOS,
      family: g?.family ?? 'OTHER',
      full_name: { args: [], default_message: g?.name ?? vm.guestOS, id: g?.labelId ?? 'vmsg.guestos.other64Guest.label' },
      host_name: vm.guestHostName,
    };
    if (vm.ipAddress) out.ip_address = vm.ipAddress;
    return out;
  });

  app.get('/vcenter/vm/:vm/guest/local-filesystem', { schema: { params: VmParams } }, async (req) => {
    const vm = getVm(state, req.params.vm);
    requireTools(state, vm);
    return guestFilesystems(vm);
  });

  app.get('/vcenter/vm/:vm/guest/networking', { schema: { params: VmParams } }, async (req) => {
    const vm = getVm(state, req.params.vm);
    requireTools(state, vm);
    return {
      dns_values: { host_name: vm.guestHostName, domain_name: 'lab.local' },
      dns: { ip_addresses: ['10.0.0.53', '10.0.0.54'], search_domains: ['lab.local'] },
    };
  });

  app.get('/vcenter/vm/:vm/guest/networking/interfaces', { schema: { params: VmParams } }, async (req) => {
    const vm = getVm(state, req.params.vm);
    requireTools(state, vm);
    return vm.nics.map((n, i) => ({
      nic: n.key,
      mac_address: n.macAddress,
      ip: {
        ip_addresses: i === 0 && vm.ipAddress ? [{ ip_address: vm.ipAddress, prefix_length: 16, origin: 'DHCP', state: 'PREFERRED' }] : [],
      },
    }));
  });

  app.get('/vcenter/vm/:vm/guest/power', { schema: { params: VmParams } }, async (req) => {
    const vm = getVm(state, req.params.vm);
    return { state: toolsRunning(vm) ? 'RUNNING' : 'NOT_RUNNING', operations_ready: toolsRunning(vm) };
  });

  app.post(
    '/vcenter/vm/:vm/guest/power',
    {
      schema: {
        params: VmParams,
        querystring: Type.Object({ action: StringEnum(['shutdown', 'reboot', 'standby'] as const) }),
      },
    },
    async (req, reply) => {
      const vm = getVm(state, req.params.vm);
      const p = vm.powerState;
      const refuse = (type: 'ALREADY_IN_DESIRED_STATE' | 'NOT_ALLOWED_IN_CURRENT_STATE', id: string, msg: string) =>
        vapiError(type, id, msg, [], [invalidState(vm)]);
      switch (req.query.action) {
        case 'shutdown':
          if (p === 'POWERED_OFF') throw refuse('ALREADY_IN_DESIRED_STATE', 'com.vmware.api.vcenter.vm.guest.power.already_powered_off', 'Virtual machine is already powered off.');
          if (p === 'SUSPENDED') throw refuse('NOT_ALLOWED_IN_CURRENT_STATE', 'com.vmware.api.vcenter.vm.guest.power.suspended', 'Virtual machine is suspended.');
          requireTools(state, vm);
          // The real call only asks the guest and returns at once; the simulated guest obeys instantly.
          vm.powerState = 'POWERED_OFF';
          break;
        case 'reboot':
          if (p !== 'POWERED_ON') throw refuse('NOT_ALLOWED_IN_CURRENT_STATE', 'com.vmware.api.vcenter.vm.guest.power.not_powered_on', 'Virtual machine is not powered on.');
          requireTools(state, vm);
          vm.bootTime = Date.now();
          break;
        case 'standby':
          if (p === 'SUSPENDED') throw refuse('ALREADY_IN_DESIRED_STATE', 'com.vmware.api.vcenter.vm.guest.power.already_suspended', 'Virtual machine is already suspended.');
          if (p !== 'POWERED_ON') throw refuse('NOT_ALLOWED_IN_CURRENT_STATE', 'com.vmware.api.vcenter.vm.guest.power.not_powered_on', 'Virtual machine is not powered on.');
          requireTools(state, vm);
          vm.powerState = 'SUSPENDED';
          break;
      }
      return reply.code(204).send();
    },
  );
};
