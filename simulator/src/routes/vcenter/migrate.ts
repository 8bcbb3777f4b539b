import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { VcenterState } from '../../state';
import { planRelocate } from '../../vm-ops/clone';
import { StringEnum } from '../schemas';
import { vapiError } from './errors';
import { sessionUser } from './session';
import { getVm } from './vm';

const PlacementSchema = Type.Object({
  folder: Type.Optional(Type.String()),
  resource_pool: Type.Optional(Type.String()),
  host: Type.Optional(Type.String()),
  cluster: Type.Optional(Type.String()),
  datastore: Type.Optional(Type.String()),
});

/**
 * migrateRoutes: `POST /api/vcenter/vm/{vm}?action=relocate` (vMotion / Storage vMotion, optionally
 * as a task with `vmw-task=true`) and `GET /api/cis/tasks/{task}` for task progress and result.
 */
export const migrateRoutes: FastifyPluginAsyncTypebox<{ state: VcenterState }> = async (app, { state }) => {
  app.post(
    '/vcenter/vm/:vm',
    {
      schema: {
        params: Type.Object({ vm: Type.String() }),
        querystring: Type.Object({
          action: StringEnum(['relocate'] as const),
          'vmw-task': Type.Optional(Type.Boolean()),
        }),
        body: Type.Object({
          placement: Type.Optional(PlacementSchema),
          // `VM.DiskRelocateSpec` per disk key; its datastore is checked in planRelocate.
          disks: Type.Optional(
            Type.Record(
              Type.String(),
              Type.Object({ datastore: Type.Optional(Type.String()) }, { additionalProperties: false })
            )
          ),
        }),
      },
    },
    async (req, reply) => {
      const vm = getVm(state, req.params.vm);
      const plan = planRelocate(state.inventory, vm, req.body);
      // Re-validated when the task runs: the world may have changed (host disconnected, VM deleted).
      const apply = () => {
        const current = getVm(state, vm.id);
        state.inventory.relocateVm(current, planRelocate(state.inventory, current, req.body));
        return undefined;
      };
      if (req.query['vmw-task']) {
        const task = state.tasks.start({
          service: 'com.vmware.vcenter.VM',
          operation: 'relocate',
          description: `Migrate virtual machine '${vm.name}'`,
          target: { type: 'VirtualMachine', id: vm.id },
          user: sessionUser(state, req.headers['vmware-api-session-id']),
          durationMs: state.options.taskMs,
          work: apply,
        });
        return reply.code(202).type('application/json').send(JSON.stringify(task));
      }
      state.inventory.relocateVm(vm, plan);
      return reply.code(204).send();
    }
  );

  app.get('/cis/tasks/:task', { schema: { params: Type.Object({ task: Type.String() }) } }, async (req) => {
    const info = state.tasks.info(req.params.task);
    if (!info)
      throw vapiError('NOT_FOUND', 'com.vmware.cis.tasks.not_found', `Task '${req.params.task}' does not exist.`, [
        req.params.task,
      ]);
    return info;
  });
};
