import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Inventory } from '../../inventory/inventory';
import type { MetricResource } from '../../metrics/series';
import type { SimState } from '../../state';
import { StringEnum } from '../schemas';
import { OpsError } from './errors';
import { LinksSchema, PageInfoSchema, PagingQuery, ResourceSchema, pageOf } from './paging';
import { ResourceQueryBody, filterResources } from './resources';
import { allResources, resolveMoref, resolveResource, resourceJson } from './views';

/** Relationship types of the bulk call (`RelationshipType.representation`); GET takes the first three. */
export const RELATIONSHIP_TYPES = ['PARENT', 'CHILD', 'ALL', 'ANCESTOR', 'DESCENDANT'] as const;
const GET_TYPES = ['PARENT', 'CHILD', 'ALL'] as const;
type RelationshipType = (typeof RELATIONSHIP_TYPES)[number];

/** vROps' documented default depth for ANCESTOR / DESCENDANT / ALL in the bulk call. */
const DEFAULT_DEPTH = 10;

/**
 * Graph is the vROps relationship graph of the simulated estate, by MoRef. Direct parents:
 * a VM's host and the datastores its files live on; a host's cluster; a datastore's mounting
 * hosts (every host of the cluster for a shared one, its own host for a local one). Clusters have
 * no served parent (datacenters and folders are not vROps resources here). Children are the inverse.
 */
export interface Graph {
  parents: Map<string, string[]>;
  children: Map<string, string[]>;
}

/** buildGraph derives the relationship graph from the current inventory. */
export function buildGraph(inv: Inventory): Graph {
  const parents = new Map<string, string[]>();
  const children = new Map<string, string[]>();
  const link = (child: string, parent: string) => {
    const p = parents.get(child) ?? [];
    if (p.includes(parent)) return;
    p.push(parent);
    parents.set(child, p);
    const c = children.get(parent) ?? [];
    c.push(child);
    children.set(parent, c);
  };
  for (const cl of inv.clusters.values()) parents.set(cl.id, []);
  for (const h of inv.hosts.values()) if (inv.clusters.has(h.cluster)) link(h.id, h.cluster);
  for (const ds of inv.datastores.values()) {
    parents.set(ds.id, parents.get(ds.id) ?? []);
    for (const h of ds.hosts) if (inv.hosts.has(h)) link(ds.id, h);
  }
  for (const vm of inv.vms.values()) {
    if (inv.hosts.has(vm.host)) link(vm.id, vm.host);
    for (const ds of [vm.datastore, ...vm.disks.map((d) => d.datastore)]) if (inv.datastores.has(ds)) link(vm.id, ds);
  }
  return { parents, children };
}

/**
 * relatedMorefs lists what is related to one resource, nearest first, without the resource itself.
 * `depth` bounds ANCESTOR, DESCENDANT and ALL (ALL = both directions); PARENT and CHILD are one step.
 */
export function relatedMorefs(g: Graph, moref: string, type: RelationshipType, depth = DEFAULT_DEPTH): string[] {
  const step = (dir: 'parents' | 'children', maxDepth: number): string[] => {
    const out: string[] = [];
    const seen = new Set([moref]);
    let frontier = [moref];
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
      const inv = state.inventory;
      const r = resolveResource(inv, req.params.id);
      if (!r) throw new OpsError(404, `Resource with id '${req.params.id}' does not exist.`);
      const type = req.query.relationshipType ?? 'ALL';
      // The single-resource call answers direct relations only (ALL = parents and children).
      const list = relatedMorefs(buildGraph(inv), r.moref, type, 1)
        .map((m) => resolveMoref(inv, m))
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
      const inv = state.inventory;
      const { relationshipType, resourceIds, resourceQuery, hierarchyDepth } = req.body;
      const allowed = resourceQuery ? new Set(filterResources(state, resourceQuery).map((r) => r.moref)) : undefined;
      const g = buildGraph(inv);
      // related MoRef -> ids of the requested resources it relates to (unknown ids are skipped, as in bulk stats).
      const byRelated = new Map<string, string[]>();
      for (const id of new Set(resourceIds)) {
        const r = resolveResource(inv, id);
        if (!r) continue;
        for (const m of relatedMorefs(g, r.moref, relationshipType, hierarchyDepth ?? DEFAULT_DEPTH)) {
          if (allowed && !allowed.has(m)) continue;
          const ids = byRelated.get(m) ?? [];
          ids.push(id);
          byRelated.set(m, ids);
        }
      }
      // Stable order: the order of the resource list (VMs, hosts, clusters, datastores).
      const order = new Map(allResources(inv).map((r, i) => [r.moref, i]));
      const entries = [...byRelated.entries()]
        .sort((a, b) => (order.get(a[0]) ?? 0) - (order.get(b[0]) ?? 0))
        .map(([m, ids]) => ({ res: resolveMoref(inv, m)!, ids }));
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
