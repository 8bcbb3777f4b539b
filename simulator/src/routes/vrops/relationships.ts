import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { MetricResource } from '../../metrics/series';
import type { SimState } from '../../state';
import { StringEnum } from '../schemas';
import { OpsError } from './errors';
import { LinksSchema, PageInfoSchema, PagingQuery, ResourceSchema, pageOf } from './paging';
import { ResourceQueryBody, filterResources } from './resources';
import { adapterInstanceId, allResources, resolveResource, resourceIdOf, resourceJson } from './views';

/** Relationship types of the bulk call (`RelationshipType.representation`); GET takes the first three. */
export const RELATIONSHIP_TYPES = ['PARENT', 'CHILD', 'ALL', 'ANCESTOR', 'DESCENDANT'] as const;
const GET_TYPES = ['PARENT', 'CHILD', 'ALL'] as const;
type RelationshipType = (typeof RELATIONSHIP_TYPES)[number];

/** vROps' documented default depth for ANCESTOR / DESCENDANT / ALL in the bulk call. */
const DEFAULT_DEPTH = 10;

/**
 * Graph is the vROps relationship graph of the simulated estate, keyed by resource id (MoRefs
 * repeat across vCenters). Direct parents: a VM's host and the datastores its files live on; a
 * host's cluster; a datastore's mounting hosts (every host of the cluster for a shared one, its own
 * host for a local one); a cluster's datacenter; a datacenter's vCenter adapter instance.
 * Children are the inverse. `resources` resolves the ids.
 */
export interface Graph {
  parents: Map<string, string[]>;
  children: Map<string, string[]>;
  resources: Map<string, MetricResource>;
}

/** buildGraph derives the relationship graph from the current inventories of every vCenter. */
export function buildGraph(state: SimState): Graph {
  const parents = new Map<string, string[]>();
  const children = new Map<string, string[]>();
  const resources = new Map<string, MetricResource>();
  for (const r of allResources(state)) {
    resources.set(resourceIdOf(r), r);
    parents.set(resourceIdOf(r), []);
  }
  const link = (child: string, parent: string) => {
    const p = parents.get(child) ?? [];
    if (p.includes(parent)) return;
    p.push(parent);
    parents.set(child, p);
    const c = children.get(parent) ?? [];
    c.push(child);
    children.set(parent, c);
  };
  for (const vc of state.vcenters) {
    const inv = vc.inventory;
    const id = (moref: string) => inv.resourceIdOf(moref);
    const adapter = adapterInstanceId(vc);
    for (const dc of inv.datacenters.values()) link(id(dc.id), adapter);
    for (const cl of inv.clusters.values()) if (inv.datacenters.has(cl.datacenter)) link(id(cl.id), id(cl.datacenter));
    for (const h of inv.hosts.values()) if (inv.clusters.has(h.cluster)) link(id(h.id), id(h.cluster));
    for (const ds of inv.datastores.values()) for (const h of ds.hosts) if (inv.hosts.has(h)) link(id(ds.id), id(h));
    for (const vm of inv.vms.values()) {
      if (inv.hosts.has(vm.host)) link(id(vm.id), id(vm.host));
      for (const ds of [vm.datastore, ...vm.disks.map((d) => d.datastore)])
        if (inv.datastores.has(ds)) link(id(vm.id), id(ds));
    }
  }
  return { parents, children, resources };
}

/**
 * relatedIds lists what is related to one resource, nearest first, without the resource itself.
 * `depth` bounds ANCESTOR, DESCENDANT and ALL (ALL = both directions); PARENT and CHILD are one step.
 */
export function relatedIds(g: Graph, id: string, type: RelationshipType, depth = DEFAULT_DEPTH): string[] {
  const step = (dir: 'parents' | 'children', maxDepth: number): string[] => {
    const out: string[] = [];
    const seen = new Set([id]);
    let frontier = [id];
    for (let d = 0; d < maxDepth && frontier.length; d++) {
      const next: string[] = [];
      for (const m of frontier)
        for (const r of g[dir].get(m) ?? []) {
          if (seen.has(r)) continue;
          seen.add(r);
          out.push(r);
          next.push(r);
        }
      frontier = next;
    }
    return out;
  };
  switch (type) {
    case 'PARENT':
      return step('parents', 1);
    case 'CHILD':
      return step('children', 1);
    case 'ANCESTOR':
      return step('parents', depth);
    case 'DESCENDANT':
      return step('children', depth);
    case 'ALL':
      return [...new Set([...step('parents', depth), ...step('children', depth)])];
  }
}

/** ResourceRelationSchema is the GET answer (`resource-relation`). */
const ResourceRelationSchema = Type.Object({
  pageInfo: PageInfoSchema,
  links: LinksSchema,
  relationshipType: Type.String(),
  resourceList: Type.Array(ResourceSchema),
});

/** ResourcesRelationSchema is the bulk answer (`resources-relation`). */
const ResourcesRelationSchema = Type.Object({
  pageInfo: PageInfoSchema,
  links: LinksSchema,
  relationshipType: Type.String(),
  resourcesRelations: Type.Array(
    Type.Object({ resource: ResourceSchema, relatedResources: Type.Array(Type.String()) })
  ),
});

/**
 * relationshipRoutes: `GET /resources/{id}/relationships` (the related resources of one resource
 * as a resource page) and `POST /resources/bulk/relationships` (for many resources at once: one
 * entry per related resource, naming in `relatedResources` the ids of the requested resources it
 * is related to, as vROps' `resources-relation` does).
 */
export const relationshipRoutes: FastifyPluginAsyncTypebox<{ state: SimState }> = async (app, { state }) => {
  app.get(
    '/resources/:id/relationships',
    {
      schema: {
        params: Type.Object({ id: Type.String() }),
        querystring: Type.Object({ relationshipType: Type.Optional(StringEnum(GET_TYPES)), ...PagingQuery }),
        response: { 200: ResourceRelationSchema },
      },
    },
    async (req) => {
      const r = resolveResource(state, req.params.id);
      if (!r) throw new OpsError(404, `Resource with id '${req.params.id}' does not exist.`);
      const type = req.query.relationshipType ?? 'ALL';
      // The single-resource call answers direct relations only (ALL = parents and children).
      const g = buildGraph(state);
      const list = relatedIds(g, resourceIdOf(r), type, 1)
        .map((m) => g.resources.get(m))
        .filter((x): x is MetricResource => !!x);
      const p = pageOf(
        list,
        req.query.page,
        req.query.pageSize,
        `/suite-api/api/resources/${req.params.id}/relationships`
      );
      return {
        pageInfo: p.pageInfo,
        links: p.links,
        relationshipType: type,
        resourceList: p.items.map((x) => resourceJson(state, x)),
      };
    }
  );

  app.post(
    '/resources/bulk/relationships',
    {
      schema: {
        querystring: Type.Object(PagingQuery),
        body: Type.Object({
          relationshipType: StringEnum(RELATIONSHIP_TYPES),
          resourceIds: Type.Array(Type.String(), { minItems: 1, maxItems: 10000 }),
          resourceQuery: Type.Optional(ResourceQueryBody),
          hierarchyDepth: Type.Optional(Type.Integer({ minimum: 1 })),
        }),
        response: { 200: ResourcesRelationSchema },
      },
    },
    async (req) => {
      const { relationshipType, resourceIds, resourceQuery, hierarchyDepth } = req.body;
      const allowed = resourceQuery ? new Set(filterResources(state, resourceQuery).map(resourceIdOf)) : undefined;
      const g = buildGraph(state);
      // related MoRef -> ids of the requested resources it relates to (unknown ids are skipped, as in bulk stats).
      const byRelated = new Map<string, string[]>();
      for (const id of new Set(resourceIds)) {
        if (!g.resources.has(id)) continue;
        for (const m of relatedIds(g, id, relationshipType, hierarchyDepth ?? DEFAULT_DEPTH)) {
          if (allowed && !allowed.has(m)) continue;
          const ids = byRelated.get(m) ?? [];
          ids.push(id);
          byRelated.set(m, ids);
        }
      }
      // Stable order: the order of the resource list (VMs, hosts, clusters, datastores).
      const order = new Map([...g.resources.keys()].map((id, i) => [id, i]));
      const entries = [...byRelated.entries()]
        .sort((a, b) => (order.get(a[0]) ?? 0) - (order.get(b[0]) ?? 0))
        .map(([m, ids]) => ({ res: g.resources.get(m)!, ids }));
      const p = pageOf(entries, req.query.page, req.query.pageSize, '/suite-api/api/resources/bulk/relationships');
      return {
        pageInfo: p.pageInfo,
        links: p.links,
        relationshipType,
        resourcesRelations: p.items.map((e) => ({ resource: resourceJson(state, e.res), relatedResources: e.ids })),
      };
    }
  );
};
