import { StringEnum } from '../schemas';
import { Type, type FastifyPluginAsyncTypebox, type TSchema } from '@fastify/type-provider-typebox';
import type { Host, Vm } from '../../inventory/model';
import type { VcenterState } from '../../state';
import { objectNotFound, vapiError } from './errors';

const Ids = Type.Optional(Type.Array(Type.String()));
const lits = StringEnum;
const Enum = <T extends string>(vals: readonly T[]) => Type.Optional(Type.Array(lits(vals)));

/** List caps of the real `/api` list calls: over the cap the call fails, it never truncates. */
export const LIST_CAPS = {
  vm: 4000,
  host: 2500,
  datastore: 2500,
  cluster: 1000,
  network: 1000,
  folder: 1000,
  resourcePool: 1000,
  datacenter: 1000,
};

/** `set` undefined means "no filter"; otherwise the value must be one of the set. */
function inSet(set: string[] | undefined, v: string | null | undefined): boolean {
  return set === undefined || (v != null && set.includes(v));
}

function capped<T>(items: T[], cap: number, what: string, idPart: string): T[] {
  if (items.length > cap) {
    throw vapiError(
      'UNABLE_TO_ALLOCATE_RESOURCE',
      `com.vmware.api.vcenter.${idPart}.too_many_matches`,
      `Too many ${what}. Add more filter criteria to reduce the number.`
    );
  }
  return items;
}

/** notFound is vCenter's 404 NOT_FOUND, naming the object as `<moref>:<vCenter uuid>` like the real one. */
export function notFound(kind: string, idPart: string, id: string, state: { inventory: { vcenterUuid: string } }) {
  return objectNotFound(state.inventory.vcenterUuid, kind, idPart, id);
}

const list = (item: TSchema) => ({ 200: Type.Array(item) });

/** VM_SUMMARY is the `/api/vcenter/vm` list item. */
export const VM_SUMMARY = Type.Object({
  vm: Type.String(),
  name: Type.String(),
  power_state: Type.String(),
  cpu_count: Type.Optional(Type.Integer()),
  memory_size_MiB: Type.Optional(Type.Integer()),
});

/** vmSummary renders a VM as a list item. */
export function vmSummary(vm: Vm) {
  return {
    vm: vm.id,
    name: vm.name,
    power_state: vm.powerState,
    cpu_count: vm.cpuCount,
    memory_size_MiB: vm.memoryMiB,
  };
}

function hostSummary(h: Host) {
  return h.connectionState === 'CONNECTED'
    ? { host: h.id, name: h.name, connection_state: h.connectionState, power_state: 'POWERED_ON' }
    : { host: h.id, name: h.name, connection_state: h.connectionState };
}

/** inventoryRoutes: the eight inventory lists with their real filters, and the single-object GETs. */
export const inventoryRoutes: FastifyPluginAsyncTypebox<{ state: VcenterState }> = async (app, { state }) => {
  app.get(
    '/vcenter/vm',
    {
      schema: {
        querystring: Type.Object({
          vms: Ids,
          names: Ids,
          folders: Ids,
          datacenters: Ids,
          hosts: Ids,
          clusters: Ids,
          resource_pools: Ids,
          power_states: Enum(['POWERED_ON', 'POWERED_OFF', 'SUSPENDED'] as const),
        }),
        response: list(VM_SUMMARY),
      },
    },
    async (req) => {
      const q = req.query;
      const inv = state.inventory;
      // Host filters touch only those hosts' VMs, so per-host partitioning stays cheap at 10k VMs.
      const candidates: Iterable<Vm> = q.hosts ? q.hosts.flatMap((h) => inv.vmsOnHost(h)) : inv.vms.values();
      const out = [];
      for (const vm of candidates) {
        if (
          inSet(q.vms, vm.id) &&
          inSet(q.names, vm.name) &&
          inSet(q.folders, vm.folder) &&
          inSet(q.datacenters, vm.datacenter) &&
          inSet(q.clusters, vm.cluster) &&
          inSet(q.resource_pools, vm.resourcePool) &&
          inSet(q.power_states, vm.powerState)
        ) {
          out.push(vmSummary(vm));
        }
      }
      return capped(out, LIST_CAPS.vm, 'virtual machines', 'vm');
    }
  );

  app.get(
    '/vcenter/host',
    {
      schema: {
        querystring: Type.Object({
          hosts: Ids,
          names: Ids,
          folders: Ids,
          datacenters: Ids,
          standalone: Type.Optional(Type.Boolean()),
          clusters: Ids,
          connection_states: Enum(['CONNECTED', 'DISCONNECTED', 'NOT_RESPONDING'] as const),
        }),
        response: list(
          Type.Object({
            host: Type.String(),
            name: Type.String(),
            connection_state: Type.String(),
            power_state: Type.Optional(Type.String()),
          })
        ),
      },
    },
    async (req) => {
      const q = req.query;
      const out = [...state.inventory.hosts.values()]
        .filter(
          (h) =>
            inSet(q.hosts, h.id) &&
            inSet(q.names, h.name) &&
            // Clustered hosts live under their cluster, not directly in a host folder.
            inSet(q.folders, null) &&
            inSet(q.datacenters, h.datacenter) &&
            q.standalone !== true &&
            inSet(q.clusters, h.cluster) &&
            inSet(q.connection_states, h.connectionState)
        )
        .map(hostSummary);
      return capped(out, LIST_CAPS.host, 'hosts', 'host');
    }
  );

  app.get(
    '/vcenter/cluster',
    {
      schema: {
        querystring: Type.Object({ clusters: Ids, names: Ids, folders: Ids, datacenters: Ids }),
        response: list(
          Type.Object({
            cluster: Type.String(),
            name: Type.String(),
            ha_enabled: Type.Boolean(),
            drs_enabled: Type.Boolean(),
          })
        ),
      },
    },
    async (req) => {
      const q = req.query;
      const out = [...state.inventory.clusters.values()]
        .filter(
          (c) =>
            inSet(q.clusters, c.id) &&
            inSet(q.names, c.name) &&
            inSet(q.folders, c.folder) &&
            inSet(q.datacenters, c.datacenter)
        )
        .map((c) => ({ cluster: c.id, name: c.name, ha_enabled: c.haEnabled, drs_enabled: c.drsEnabled }));
      return capped(out, LIST_CAPS.cluster, 'clusters', 'cluster');
    }
  );

  app.get(
    '/vcenter/cluster/:cluster',
    {
      schema: {
        params: Type.Object({ cluster: Type.String() }),
        response: { 200: Type.Object({ name: Type.String(), resource_pool: Type.String() }) },
      },
    },
    async (req) => {
      const c = state.inventory.clusters.get(req.params.cluster);
      if (!c) throw notFound('Cluster', 'cluster', req.params.cluster, state);
      return { name: c.name, resource_pool: c.rootPool };
    }
  );

  app.get(
    '/vcenter/datastore',
    {
      schema: {
        querystring: Type.Object({
          datastores: Ids,
          names: Ids,
          types: Enum(['VMFS', 'NFS', 'NFS41', 'CIFS', 'VSAN', 'VFFS', 'VVOL'] as const),
          folders: Ids,
          datacenters: Ids,
        }),
        response: list(
          Type.Object({
            datastore: Type.String(),
            name: Type.String(),
            type: Type.String(),
            free_space: Type.Optional(Type.Number()),
            capacity: Type.Optional(Type.Number()),
          })
        ),
      },
    },
    async (req) => {
      const q = req.query;
      const inv = state.inventory;
      const out = [...inv.datastores.values()]
        .filter(
          (d) =>
            inSet(q.datastores, d.id) &&
            inSet(q.names, d.name) &&
            inSet(q.types, d.type) &&
            inSet(q.folders, d.folder) &&
            inSet(q.datacenters, d.datacenter)
        )
        .map((d) => ({
          datastore: d.id,
          name: d.name,
          type: d.type,
          free_space: inv.datastoreFree(d),
          capacity: d.capacity,
        }));
      return capped(out, LIST_CAPS.datastore, 'datastores', 'datastore');
    }
  );

  app.get(
    '/vcenter/datastore/:datastore',
    {
      schema: {
        params: Type.Object({ datastore: Type.String() }),
        response: {
          200: Type.Object({
            name: Type.String(),
            type: Type.String(),
            accessible: Type.Boolean(),
            free_space: Type.Number(),
            multiple_host_access: Type.Boolean(),
            thin_provisioning_supported: Type.Boolean(),
          }),
        },
      },
    },
    async (req) => {
      const inv = state.inventory;
      const d = inv.datastores.get(req.params.datastore);
      if (!d) throw notFound('Datastore', 'datastore', req.params.datastore, state);
      return {
        name: d.name,
        type: d.type,
        accessible: true,
        free_space: inv.datastoreFree(d),
        multiple_host_access: d.hosts.length > 1,
        thin_provisioning_supported: true,
      };
    }
  );

  app.get(
    '/vcenter/network',
    {
      schema: {
        querystring: Type.Object({
          networks: Ids,
          names: Ids,
          types: Enum(['STANDARD_PORTGROUP', 'DISTRIBUTED_PORTGROUP', 'OPAQUE_NETWORK'] as const),
          folders: Ids,
          datacenters: Ids,
        }),
        response: list(Type.Object({ network: Type.String(), name: Type.String(), type: Type.String() })),
      },
    },
    async (req) => {
      const q = req.query;
      const out = [...state.inventory.networks.values()]
        .filter(
          (n) =>
            inSet(q.networks, n.id) &&
            inSet(q.names, n.name) &&
            inSet(q.types, n.type) &&
            inSet(q.folders, n.folder) &&
            inSet(q.datacenters, n.datacenter)
        )
        .map((n) => ({ network: n.id, name: n.name, type: n.type }));
      return capped(out, LIST_CAPS.network, 'networks', 'network');
    }
  );

  app.get(
    '/vcenter/folder',
    {
      schema: {
        querystring: Type.Object({
          folders: Ids,
          names: Ids,
          // `type` takes a single value on the real API.
          type: Type.Optional(lits(['DATACENTER', 'DATASTORE', 'HOST', 'NETWORK', 'VIRTUAL_MACHINE'] as const)),
          parent_folders: Ids,
          datacenters: Ids,
        }),
        response: list(Type.Object({ folder: Type.String(), name: Type.String(), type: Type.String() })),
      },
    },
    async (req) => {
      const q = req.query;
      const out = [...state.inventory.folders.values()]
        .filter(
          (f) =>
            inSet(q.folders, f.id) &&
            inSet(q.names, f.name) &&
            (q.type === undefined || f.type === q.type) &&
            inSet(q.parent_folders, f.parent ?? (f.datacenter ? 'group-d1' : null)) &&
            inSet(q.datacenters, f.datacenter)
        )
        .map((f) => ({ folder: f.id, name: f.name, type: f.type }));
      return capped(out, LIST_CAPS.folder, 'folders', 'folder');
    }
  );

  app.get(
    '/vcenter/resource-pool',
    {
      schema: {
        querystring: Type.Object({
          resource_pools: Ids,
          names: Ids,
          parent_resource_pools: Ids,
          datacenters: Ids,
          hosts: Ids,
          clusters: Ids,
        }),
        response: list(Type.Object({ resource_pool: Type.String(), name: Type.String() })),
      },
    },
    async (req) => {
      const q = req.query;
      const inv = state.inventory;
      const hostClusters = q.hosts?.map((h) => inv.hosts.get(h)?.cluster).filter((c): c is string => !!c);
      const out = [...inv.resourcePools.values()]
        .filter(
          (p) =>
            inSet(q.resource_pools, p.id) &&
            inSet(q.names, p.name) &&
            inSet(q.parent_resource_pools, p.parent) &&
            inSet(q.datacenters, p.datacenter) &&
            inSet(hostClusters, p.cluster) &&
            inSet(q.clusters, p.cluster)
        )
        .map((p) => ({ resource_pool: p.id, name: p.name }));
      return capped(out, LIST_CAPS.resourcePool, 'resource pools', 'resource_pool');
    }
  );

  app.get(
    '/vcenter/resource-pool/:pool',
    {
      schema: {
        params: Type.Object({ pool: Type.String() }),
        response: { 200: Type.Object({ name: Type.String(), resource_pools: Type.Array(Type.String()) }) },
      },
    },
    async (req) => {
      const inv = state.inventory;
      const p = inv.resourcePools.get(req.params.pool);
      if (!p) throw notFound('Resource pool', 'resource_pool', req.params.pool, state);
      return {
        name: p.name,
        resource_pools: [...inv.resourcePools.values()].filter((c) => c.parent === p.id).map((c) => c.id),
      };
    }
  );

  app.get(
    '/vcenter/datacenter',
    {
      schema: {
        querystring: Type.Object({ datacenters: Ids, names: Ids, folders: Ids }),
        response: list(Type.Object({ datacenter: Type.String(), name: Type.String() })),
      },
    },
    async (req) => {
      const q = req.query;
      const out = [...state.inventory.datacenters.values()]
        .filter((d) => inSet(q.datacenters, d.id) && inSet(q.names, d.name) && inSet(q.folders, 'group-d1'))
        .map((d) => ({ datacenter: d.id, name: d.name }));
      return capped(out, LIST_CAPS.datacenter, 'datacenters', 'datacenter');
    }
  );

  app.get(
    '/vcenter/datacenter/:datacenter',
    {
      schema: {
        params: Type.Object({ datacenter: Type.String() }),
        response: {
          200: Type.Object({
            name: Type.String(),
            datastore_folder: Type.String(),
            host_folder: Type.String(),
            network_folder: Type.String(),
            vm_folder: Type.String(),
          }),
        },
      },
    },
    async (req) => {
      const d = state.inventory.datacenters.get(req.params.datacenter);
      if (!d) throw notFound('Datacenter', 'datacenter', req.params.datacenter, state);
      return {
        name: d.name,
        datastore_folder: d.datastoreFolder,
        host_folder: d.hostFolder,
        network_folder: d.networkFolder,
        vm_folder: d.vmFolder,
      };
    }
  );
};
