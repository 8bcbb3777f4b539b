import { placementSpec, StringEnum } from '../schemas';
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { VcenterState } from '../../state';
import { planClone, planInstantClone } from '../../vm-ops/clone';
import { checkNameFree, planCreate } from '../../vm-ops/create';
import { bodyChecker } from './body';
import { sessionUser } from './session';

/** The placement of a create or clone: any of the five parts, the rest from defaults or the source. */
const placement = placementSpec(['folder', 'cluster', 'host', 'resource_pool', 'datastore']);

/** CloneSpecSchema is `VM.CloneSpec` (VMware's bindings). */
const CloneSpecSchema = Type.Object({
  source: Type.String({ minLength: 1 }),
  name: Type.String({ minLength: 1, maxLength: 80 }),
  placement,
  power_on: Type.Optional(Type.Boolean()),
  guest_customization_spec: Type.Optional(Type.Object({ name: Type.Optional(Type.String()) })),
  disks_to_remove: Type.Optional(Type.Array(Type.String())),
});

/** InstantCloneSpecSchema is `VM.InstantCloneSpec` (VMware's bindings). */
const InstantCloneSpecSchema = Type.Object({
  source: Type.String({ minLength: 1 }),
  name: Type.String({ minLength: 1, maxLength: 80 }),
  placement: placementSpec(['folder', 'resource_pool', 'datastore']),
  disconnect_all_nics: Type.Optional(Type.Boolean()),
  bios_uuid: Type.Optional(Type.String()),
});

/**
 * insertClone re-checks the name (it may have been taken while a task ran), inserts the planned
 * copy and powers it on when asked; returns the new VM id.
 */
function insertClone(state: VcenterState, spec: { source: string }, plan: ReturnType<typeof planClone>): string {
  const inv = state.inventory;
  const folder = inv.folders.get(plan.vm.folder)!;
  checkNameFree(inv, folder, plan.vm.name);
  const vm = inv.insertVm({ ...plan.vm }, plan.diskSizes, plan.network, plan.macSeed);
  const src = inv.vms.get(spec.source);
  if (src?.nics[0] && vm.nics[0]) vm.nics[0].type = src.nics[0].type;
  if (plan.powerOn) vm.powerState = 'POWERED_ON';
  return vm.id;
}

const CreateSpec = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 80 }),
  guest_OS: Type.String(),
  hardware_version: Type.Optional(Type.String({ pattern: '^VMX_[0-9]{2}$' })),
  placement,
  cpu: Type.Optional(
    Type.Object({
      count: Type.Optional(Type.Integer()),
      cores_per_socket: Type.Optional(Type.Integer()),
      hot_add_enabled: Type.Optional(Type.Boolean()),
      hot_remove_enabled: Type.Optional(Type.Boolean()),
    })
  ),
  memory: Type.Optional(
    Type.Object({ size_MiB: Type.Optional(Type.Integer()), hot_add_enabled: Type.Optional(Type.Boolean()) })
  ),
  disks: Type.Optional(
    Type.Array(
      Type.Object({
        type: Type.Optional(StringEnum(['SCSI', 'SATA', 'IDE', 'NVME'] as const)),
        new_vmdk: Type.Optional(
          Type.Object({ name: Type.Optional(Type.String()), capacity: Type.Optional(Type.Integer({ minimum: 1 })) })
        ),
      }),
      { maxItems: 16 }
    )
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
      { maxItems: 1 }
    )
  ),
});

/**
 * vmCreateRoutes: `POST /api/vcenter/vm` — create (`VM.CreateSpec`), `?action=clone`
 * (`VM.CloneSpec`, also as a task) and `?action=instant-clone` (`VM.InstantCloneSpec`). The rules
 * live in `vm-ops`; the body's shape depends on the action, so it is checked here.
 */
export const vmCreateRoutes: FastifyPluginAsyncTypebox<{ state: VcenterState }> = async (app, { state }) => {
  const checkCreate = bodyChecker(CreateSpec);
  const checkClone = bodyChecker(CloneSpecSchema);
  const checkInstantClone = bodyChecker(InstantCloneSpecSchema);
  app.post(
    '/vcenter/vm',
    {
      schema: {
        querystring: Type.Object({
          action: Type.Optional(StringEnum(['clone', 'instant-clone'] as const)),
          'vmw-task': Type.Optional(Type.Boolean()),
        }),
        response: { 201: Type.String(), 202: Type.String() },
      },
    },
    async (req, reply) => {
      const inv = state.inventory;
      const now = Date.now();
      if (req.query.action === 'instant-clone') {
        const spec = checkInstantClone(req.body);
        const plan = planInstantClone(inv, spec, inv.peekVmId(), now);
        inv.allocateVmId();
        return reply
          .code(201)
          .type('application/json')
          .send(JSON.stringify(insertClone(state, spec, plan)));
      }
      if (req.query.action === 'clone') {
        const spec = checkClone(req.body);
        const plan = planClone(inv, spec, inv.peekVmId(), now);
        // The id is reserved now; the copy appears when the (task's) work runs.
        inv.allocateVmId();
        const apply = () => insertClone(state, spec, plan);
        if (req.query['vmw-task']) {
          const task = state.tasks.start({
            service: 'com.vmware.vcenter.VM',
            operation: 'clone',
            description: `Clone virtual machine '${inv.vms.get(spec.source)?.name ?? spec.source}' to '${spec.name}'`,
            target: { type: 'VirtualMachine', id: spec.source },
            user: sessionUser(state, req.headers['vmware-api-session-id']),
            durationMs: state.options.taskMs,
            work: apply,
          });
          return reply.code(202).type('application/json').send(JSON.stringify(task));
        }
        return reply.code(201).type('application/json').send(JSON.stringify(apply()));
      }
      const plan = planCreate(inv, checkCreate(req.body), inv.peekVmId(), now);
      inv.allocateVmId();
      const vm = inv.insertVm(plan.vm, plan.diskSizes, plan.network, plan.macSeed);
      if (plan.nic && vm.nics[0]) Object.assign(vm.nics[0], plan.nic);
      return reply.code(201).type('application/json').send(JSON.stringify(vm.id));
    }
  );
};
