import { StringEnum } from '../schemas';
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { GUEST_OS_BY_ID } from '../../inventory/guest-os';
import type { Vm } from '../../inventory/model';
import type { VcenterState } from '../../state';
import { powerTransition, toolsNotRunning } from '../../vm-ops/power';
import { getVm } from './vm';

const GiB = 1024 ** 3;
const VmParams = Type.Object({ vm: Type.String() });

/** toolsRunning: VMware Tools answer only in a powered-on VM that has them installed. */
export function toolsRunning(vm: Vm): boolean {
  return vm.powerState === 'POWERED_ON' && vm.toolsInstalled;
}

function requireTools(state: VcenterState, vm: Vm): void {
  if (!toolsRunning(vm)) throw toolsNotRunning(vm.id, state.inventory.vcenterUuid);
}

/** guestFilesystems lists a VM's guest mount points with capacity and free bytes. */
export function guestFilesystems(
  vm: Vm
): Record<string, { capacity: number; free_space: number; filesystem: string; mappings: { disk: string }[] }> {
  const windows = GUEST_OS_BY_ID.get(vm.guestOS)?.family === 'WINDOWS';
  const out: Record<
    string,
    { capacity: number; free_space: number; filesystem: string; mappings: { disk: string }[] }
  > = {};
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
export const guestRoutes: FastifyPluginAsyncTypebox<{ state: VcenterState }> = async (app, { state }) => {
  app.get('/vcenter/vm/:vm/guest/identity', { schema: { params: VmParams } }, async (req) => {
    const vm = getVm(state, req.params.vm);
    requireTools(state, vm);
    const g = GUEST_OS_BY_ID.get(vm.guestOS);
    const out: Record<string, unknown> = {
      name: vm.guestOS,
      family: g?.family ?? 'OTHER',
      full_name: {
        args: [],
        default_message: g?.name ?? vm.guestOS,
        id: g?.labelId ?? 'vmsg.guestos.other64Guest.label',
      },
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
        ip_addresses:
          i === 0 && vm.ipAddress
            ? [{ ip_address: vm.ipAddress, prefix_length: 16, origin: 'DHCP', state: 'PREFERRED' }]
            : [],
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
      // The real call only asks the guest and returns at once; the simulated guest obeys instantly.
      const change = powerTransition(vm, `guest.${req.query.action}`, {
        hostConnected: state.inventory.hosts.get(vm.host)?.connectionState === 'CONNECTED',
        vcenterUuid: state.inventory.vcenterUuid,
        now: Date.now(),
      });
      Object.assign(vm, change);
      return reply.code(204).send();
    }
  );
};
