import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  CUSTOMIZATION_SPECS,
  type InlineSpec,
  checkInlineSpec,
  specByName,
  specInfo,
} from '../../inventory/customization';
import { GUEST_OS_BY_ID } from '../../inventory/guest-os';
import type { LibraryItem } from '../../inventory/library';
import type { VcenterState } from '../../state';
import { checkCustomization } from '../../vm-ops/clone';
import { checkNameFree } from '../../vm-ops/create';
import { planDeploy } from '../../vm-ops/deploy';
import { invalidState } from '../../vm-ops/power';
import { StringEnum } from '../schemas';
import { objectNotFound, vapiError } from './errors';
import { sessionUser } from './session';
import { getVm } from './vm';

const CREATED = '2025-01-01T00:00:00.000Z';
const OVF_NETWORKS = ['VM Network'];
const OVF_EULA = 'This appliance is provided for testing only. By deploying it you accept these terms.';

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

  // OVF packages: `filter` says what a deployment needs (networks, EULAs), `deploy` creates the VM.
  const OvfTarget = Type.Object({
    resource_pool_id: Type.String(),
    host_id: Type.Optional(Type.String()),
    folder_id: Type.Optional(Type.String()),
  });
  const ovfItem = (id: string) => {
    const i = item(id);
    if (!i) throw noItem(id);
    if (i.type !== 'ovf')
      throw vapiError(
        'INVALID_ARGUMENT',
        'com.vmware.vapi.std.errors.invalid_argument',
        `Library item '${i.name}' is a VM template, not an OVF package.`
      );
    return i;
  };
  app.post(
    '/vcenter/ovf/library-item/:item',
    {
      schema: {
        params: Type.Object({ item: Type.String() }),
        querystring: Type.Object({ action: StringEnum(['filter', 'deploy'] as const) }),
        body: Type.Object({
          target: OvfTarget,
          deployment_spec: Type.Optional(
            Type.Object({
              name: Type.Optional(Type.String({ minLength: 1, maxLength: 80 })),
              annotation: Type.Optional(Type.String()),
              accept_all_EULA: Type.Boolean(),
              network_mappings: Type.Optional(Type.Record(Type.String(), Type.String())),
              default_datastore_id: Type.Optional(Type.String()),
            })
          ),
        }),
      },
    },
    async (req) => {
      const it = ovfItem(req.params.item);
      const inv = state.inventory;
      const pool = inv.resourcePools.get(req.body.target.resource_pool_id);
      if (!pool)
        throw objectNotFound(inv.vcenterUuid, 'Resource pool', 'resource_pool', req.body.target.resource_pool_id);
      if (req.query.action === 'filter') {
        return {
          name: it.name,
          annotation: it.description,
          EULAs: [OVF_EULA],
          networks: [...OVF_NETWORKS],
          storage_groups: [],
        };
      }
      const d = req.body.deployment_spec;
      if (!d)
        throw vapiError(
          'INVALID_ARGUMENT',
          'com.vmware.vapi.std.errors.invalid_argument',
          'deployment_spec is required.'
        );
      if (!d.accept_all_EULA)
        throw vapiError(
          'INVALID_ARGUMENT',
          'com.vmware.vcenter.ovf.eula_not_accepted',
          `The EULA of '${it.name}' must be accepted (accept_all_EULA).`
        );
      for (const k of Object.keys(d.network_mappings ?? {}))
        if (!OVF_NETWORKS.includes(k))
          throw vapiError(
            'INVALID_ARGUMENT',
            'com.vmware.vcenter.ovf.invalid_network_mapping',
            `The OVF package '${it.name}' has no network '${k}'; its networks are ${OVF_NETWORKS.map((n) => `'${n}'`).join(', ')}.`
          );
      const folder = req.body.target.folder_id ?? inv.datacenters.get(pool.datacenter)!.vmFolder;
      const plan = planDeploy(
        inv,
        it,
        req.params.item,
        {
          name: d.name ?? it.name,
          placement: {
            folder,
            resource_pool: pool.id,
            ...(req.body.target.host_id ? { host: req.body.target.host_id } : {}),
          },
          ...(d.default_datastore_id ? { vm_home_storage: { datastore: d.default_datastore_id } } : {}),
          ...(d.network_mappings?.['VM Network'] ? { network: d.network_mappings['VM Network'] } : {}),
        },
        inv.peekVmId(),
        Date.now(),
        'ovf'
      );
      inv.allocateVmId();
      const vm = inv.insertVm({ ...plan.vm }, plan.diskSizes, plan.network, plan.macSeed);
      return {
        succeeded: true,
        resource_id: { type: 'VirtualMachine', id: vm.id },
        error: { errors: [], warnings: [], information: [] },
      };
    }
  );

  app.get('/vcenter/guest/customization-specs', async () =>
    CUSTOMIZATION_SPECS.map((s) => ({
      name: s.name,
      description: s.description,
      OS_type: s.osType,
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

  // `Customization.SetSpec` (vSphere API 7.0.0.0): a stored spec by `name`, or one inline as
  // `spec` (`guest.CustomizationSpec`); neither clears a pending customization.
  const HostnameGen = Type.Object({
    type: StringEnum(['FIXED', 'PREFIX', 'VIRTUAL_MACHINE', 'USER_INPUT_REQUIRED'] as const),
    fixed_name: Type.Optional(Type.String()),
    prefix: Type.Optional(Type.String()),
  });
  const InlineSpecSchema = Type.Object({
    configuration_spec: Type.Object({
      linux_config: Type.Optional(
        Type.Object({ hostname: HostnameGen, domain: Type.String(), time_zone: Type.Optional(Type.String()) })
      ),
      windows_config: Type.Optional(
        Type.Object({
          reboot: Type.Optional(StringEnum(['REBOOT', 'NO_REBOOT', 'SHUTDOWN'] as const)),
          sysprep: Type.Optional(
            Type.Object({ user_data: Type.Object({ computer_name: HostnameGen }) }, { additionalProperties: true })
          ),
          sysprep_xml: Type.Optional(Type.String()),
        })
      ),
      cloud_config: Type.Optional(Type.Object({})),
    }),
    global_DNS_settings: Type.Object({
      dns_servers: Type.Optional(Type.Array(Type.String())),
      dns_suffix_list: Type.Optional(Type.Array(Type.String())),
    }),
    interfaces: Type.Array(
      Type.Object({
        mac_address: Type.Optional(Type.String()),
        adapter: Type.Object(
          {
            ipv4: Type.Optional(
              Type.Object({
                type: StringEnum(['DHCP', 'STATIC', 'USER_INPUT_REQUIRED'] as const),
                ip_address: Type.Optional(Type.String()),
                prefix: Type.Optional(Type.Integer()),
                gateways: Type.Optional(Type.Array(Type.String())),
              })
            ),
          },
          { additionalProperties: true }
        ),
      })
    ),
  });
  app.put(
    '/vcenter/vm/:vm/guest/customization',
    {
      schema: {
        params: Type.Object({ vm: Type.String() }),
        body: Type.Object({ name: Type.Optional(Type.String()), spec: Type.Optional(InlineSpecSchema) }),
      },
    },
    async (req, reply) => {
      const vm = getVm(state, req.params.vm);
      const { name, spec } = req.body;
      if (!name && !spec) return reply.code(204).send(); // neither = clear a pending customization
      if (name && spec)
        throw vapiError(
          'INVALID_ARGUMENT',
          'com.vmware.vapi.std.errors.invalid_argument',
          'Give either name or spec, not both.'
        );
      const windows = GUEST_OS_BY_ID.get(vm.guestOS)?.family === 'WINDOWS';
      const stored = name ? checkCustomization(state.inventory, name, vm.guestOS) : undefined;
      let applied: { hostName: string; ipv4?: string } = { hostName: vm.name };
      if (spec) {
        const r = checkInlineSpec(spec as InlineSpec, { name: vm.name, id: vm.id, windows, nicCount: vm.nics.length });
        if ('error' in r)
          throw vapiError('INVALID_ARGUMENT', 'com.vmware.api.vcenter.vm.guest.customization.invalid_spec', r.error);
        applied = r;
      } else if (stored?.ip.mode === 'STATIC') {
        applied.ipv4 = stored.ip.address;
      }
      if (vm.powerState !== 'POWERED_OFF')
        throw vapiError(
          'NOT_ALLOWED_IN_CURRENT_STATE',
          'com.vmware.api.vcenter.vm.guest.customization.not_powered_off',
          `Virtual machine '${vm.name}' must be powered off to be customized.`,
          [],
          [invalidState(vm.powerState)]
        );
      // The guest applies it on its next boot; the simulated guest takes it at once.
      vm.guestHostName = applied.hostName;
      if (applied.ipv4) vm.ipAddress = applied.ipv4;
      return reply.code(204).send();
    }
  );
};
