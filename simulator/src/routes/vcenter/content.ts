import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { CUSTOMIZATION_SPECS, specByName, specInfo } from '../../inventory/customization';
import type { LibraryItem } from '../../inventory/library';
import type { VcenterState } from '../../state';
import { checkCustomization } from '../../vm-ops/clone';
import { checkNameFree } from '../../vm-ops/create';
import { planDeploy } from '../../vm-ops/deploy';
import { invalidState } from '../../vm-ops/power';
import { StringEnum } from '../schemas';
import { objectNotFound, vapiError } from './errors';
import { getVm, sessionUser } from './vm';

const CREATED = '2025-01-01T00:00:00.000Z';

function itemModel(i: LibraryItem) {
  return {
    id: i.id,
    library_id: i.libraryId,
    name: i.name,
    description: i.description,
    type: i.type,
    size: i.diskSizes.reduce((a, b) => a + b, 0),
    cached: true,
    content_version: '2',
    metadata_version: '1',
    version: '1',
    creation_time: CREATED,
    last_modified_time: CREATED,
    security_compliance: true,
  };
}

/** templateInfo renders `vm_template.LibraryItems.Info`. */
function templateInfo(state: VcenterState, i: LibraryItem) {
  return {
    guest_OS: i.guestOS,
    cpu: { count: i.cpuCount, cores_per_socket: i.coresPerSocket },
    memory: { size_MiB: i.memoryMiB },
    vm_home_storage: { datastore: i.datastore },
    disks: Object.fromEntries(
      i.diskSizes.map((capacity, n) => [String(2000 + n), { capacity, disk_storage: { datastore: i.datastore } }])
    ),
    nics: i.network
      ? {
          '4000': {
            backing_type: state.inventory.networks.get(i.network)?.type ?? 'STANDARD_PORTGROUP',
            mac_type: 'GENERATED',
            network: i.network,
          },
        }
      : {},
    vm_template: i.vmTemplate,
  };
}

/**
 * contentRoutes: content libraries and their items (`/api/content/library…`), VM templates
 * (`/api/vcenter/vm-template/library-items/{item}` info and `?action=deploy`, also as a task), and
 * guest customization specs (list, get, and `PUT /api/vcenter/vm/{vm}/guest/customization`).
 */
export const contentRoutes: FastifyPluginAsyncTypebox<{ state: VcenterState }> = async (app, { state }) => {
  const item = (id: string) => state.library.items.find((i) => i.id === id);
  const noItem = (id: string) =>
    vapiError('NOT_FOUND', 'com.vmware.content.library.item.not_found', `Library item '${id}' does not exist.`, [id]);

  app.get('/content/library', async () => state.library.libraries.map((l) => l.id));
  app.get('/content/library/:library', { schema: { params: Type.Object({ library: Type.String() }) } }, async (req) => {
    const l = state.library.libraries.find((x) => x.id === req.params.library);
    if (!l)
      throw vapiError(
        'NOT_FOUND',
        'com.vmware.content.library.not_found',
        `Library '${req.params.library}' does not exist.`,
        [req.params.library]
      );
    return {
      id: l.id,
      name: l.name,
      description: l.description,
      type: 'LOCAL',
      creation_time: CREATED,
      last_modified_time: CREATED,
      storage_backings: [{ type: 'DATASTORE', datastore_id: l.datastore }],
      server_guid: state.inventory.vcenterUuid,
      version: '2',
    };
  });
  app.get(
    '/content/library/item',
    { schema: { querystring: Type.Object({ library_id: Type.String() }) } },
    async (req) => {
      if (!state.library.libraries.some((l) => l.id === req.query.library_id))
        throw vapiError(
          'NOT_FOUND',
          'com.vmware.content.library.not_found',
          `Library '${req.query.library_id}' does not exist.`,
          [req.query.library_id]
        );
      return state.library.items.filter((i) => i.libraryId === req.query.library_id).map((i) => i.id);
    }
  );
  app.get('/content/library/item/:item', { schema: { params: Type.Object({ item: Type.String() }) } }, async (req) => {
    const i = item(req.params.item);
    if (!i) throw noItem(req.params.item);
    return itemModel(i);
  });

  app.get(
    '/vcenter/vm-template/library-items/:item',
    { schema: { params: Type.Object({ item: Type.String() }) } },
    async (req) => {
      const i = item(req.params.item);
      if (!i || i.type !== 'vm-template') throw noItem(req.params.item);
      return templateInfo(state, i);
    }
  );

  app.post(
    '/vcenter/vm-template/library-items/:item',
    {
      schema: {
        params: Type.Object({ item: Type.String() }),
        querystring: Type.Object({
          action: StringEnum(['deploy'] as const),
          'vmw-task': Type.Optional(Type.Boolean()),
        }),
        body: Type.Object({
          name: Type.String({ minLength: 1, maxLength: 80 }),
          description: Type.Optional(Type.String()),
          vm_home_storage: Type.Optional(Type.Object({ datastore: Type.Optional(Type.String()) })),
          placement: Type.Optional(
            Type.Object({
              folder: Type.Optional(Type.String()),
              resource_pool: Type.Optional(Type.String()),
              host: Type.Optional(Type.String()),
              cluster: Type.Optional(Type.String()),
            })
          ),
          powered_on: Type.Optional(Type.Boolean()),
          guest_customization: Type.Optional(Type.Object({ name: Type.Optional(Type.String()) })),
        }),
        response: { 200: Type.String(), 202: Type.String() },
      },
    },
    async (req, reply) => {
      const inv = state.inventory;
      const it = item(req.params.item);
      const plan = planDeploy(inv, it, req.params.item, req.body, inv.peekVmId(), Date.now());
      inv.allocateVmId();
      const apply = () => {
        checkNameFree(inv, inv.folders.get(plan.vm.folder)!, plan.vm.name);
        const vm = inv.insertVm({ ...plan.vm }, plan.diskSizes, plan.network, plan.macSeed);
        if (plan.powerOn) vm.powerState = 'POWERED_ON';
        return vm.id;
      };
      if (req.query['vmw-task']) {
        const task = state.tasks.start({
          service: 'com.vmware.vcenter.vm_template.library_items',
          operation: 'deploy',
          description: `Deploy '${req.body.name}' from template '${it!.name}'`,
          user: sessionUser(state, req.headers['vmware-api-session-id']),
          durationMs: state.options.taskMs,
          work: apply,
        });
        return reply.code(202).type('application/json').send(JSON.stringify(task));
      }
      return reply.code(200).type('application/json').send(JSON.stringify(apply()));
    }
  );

  app.get('/vcenter/guest/customization-specs', async () =>
    CUSTOMIZATION_SPECS.map((s) => ({
      name: s.name,
      description: s.description,
      os_type: s.osType,
      last_modified: CREATED,
    }))
  );
  app.get(
    '/vcenter/guest/customization-specs/:name',
    { schema: { params: Type.Object({ name: Type.String() }) } },
    async (req) => {
      const s = specByName(req.params.name);
      if (!s)
        throw objectNotFound(
          state.inventory.vcenterUuid,
          'Customization specification',
          'guest.customization_specs',
          req.params.name
        );
      return specInfo(s);
    }
  );

  app.put(
    '/vcenter/vm/:vm/guest/customization',
    {
      schema: { params: Type.Object({ vm: Type.String() }), body: Type.Object({ name: Type.Optional(Type.String()) }) },
    },
    async (req, reply) => {
      const vm = getVm(state, req.params.vm);
      if (!req.body.name) return reply.code(204).send(); // no name = clear a pending customization
      const spec = checkCustomization(state.inventory, req.body.name, vm.guestOS);
      if (vm.powerState !== 'POWERED_OFF')
        throw vapiError(
          'NOT_ALLOWED_IN_CURRENT_STATE',
          'com.vmware.api.vcenter.vm.guest.customization.not_powered_off',
          `Virtual machine '${vm.name}' must be powered off to be customized.`,
          [],
          [invalidState(vm.powerState)]
        );
      // The guest applies it on its next boot; the simulated guest takes it at once.
      vm.guestHostName = vm.name;
      if (spec.ip.mode === 'STATIC') vm.ipAddress = spec.ip.address;
      return reply.code(204).send();
    }
  );
};
