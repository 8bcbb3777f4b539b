import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { MetricResource } from '../../metrics/series';
import { ADAPTER_INSTANCE_KIND, RESOURCE_KINDS, statKeysFor, type ResourceKind } from '../../metrics/statkeys';
import type { SimState } from '../../state';
import { OpsError } from './errors';
import { PagingQuery, ResourceSchema, ResourcesPageSchema, pageOf } from './paging';
import { PROPERTY_KEYS, allResources, identifiersOf, parentIdsOf, resolveResource, resourceJson } from './views';

const Strs = Type.Optional(Type.Array(Type.String()));

/** ResourceFilter is the subset of `resource-query` the simulator honours. */
export interface ResourceFilter {
  name?: string[];
  regex?: string[];
  adapterKind?: string[];
  resourceKind?: string[];
  resourceId?: string[];
  parentId?: string[];
  identifiers?: Record<string, string>;
  resourceStatus?: string[];
  resourceHealth?: string[];
  resourceState?: string[];
}

/** nonEmpty treats an empty list like an absent one (clients such as vrops-exporter send `[]` for "any"). */
function nonEmpty(l: string[] | undefined): string[] | undefined {
  return l && l.length ? l.map((x) => x.toUpperCase()) : undefined;
}

/** The filters that `GET /resources` takes as query parameters and `resource-query` in its body. */
const ResourceFilterFields = {
  name: Strs,
  regex: Strs,
  adapterKind: Strs,
  resourceKind: Strs,
  resourceId: Strs,
  parentId: Strs,
};

/** ResourceQueryBody is the `resource-query` POST body. */
export const ResourceQueryBody = Type.Object({
  ...ResourceFilterFields,
  resourceStatus: Strs,
  resourceHealth: Strs,
  resourceState: Strs,
});

function compileRegex(patterns: string[] | undefined): RegExp[] | undefined {
  if (!patterns) return undefined;
  try {
    // Java's String.matches semantics: the pattern must match the whole name.
    return patterns.map((p) => new RegExp(`^(?:${p})$`));
  } catch (e) {
    throw new OpsError(400, `Invalid regex: ${(e as Error).message}`, 400, [
      { failureMessage: 'not a valid regular expression', violationPath: 'regex' },
    ]);
  }
}

/** filterResources applies a resource filter (name: case-insensitive substring; kinds: case-insensitive). */
export function filterResources(state: SimState, f: ResourceFilter): MetricResource[] {
  const regexes = compileRegex(f.regex);
  const kinds = f.resourceKind?.map((k) => k.toLowerCase());
  const adapterOk = !f.adapterKind || f.adapterKind.some((a) => a.toUpperCase() === 'VMWARE');
  if (!adapterOk) return [];
  // vROps honours only the first `name` value.
  const name = f.name?.[0]?.toLowerCase();
  const parents = f.parentId;
  const statuses = nonEmpty(f.resourceStatus);
  const healths = nonEmpty(f.resourceHealth);
  const states = nonEmpty(f.resourceState);
  const base = f.resourceId
    ? f.resourceId.map((id) => resolveResource(state, id)).filter((r): r is MetricResource => !!r)
    : allResources(state);
  return base.filter((r) => {
    if (kinds && !kinds.includes(r.kind.toLowerCase())) return false;
    if (name !== undefined && !r.obj.name.toLowerCase().includes(name)) return false;
    if (name === undefined && regexes && !regexes.some((re) => re.test(r.obj.name))) return false;
    if (parents && !parentIdsOf(r).some((p) => parents.includes(p))) return false;
    // Every served resource is collecting (DATA_RECEIVING, STARTED); health follows resourceJson.
    if (statuses && !statuses.includes('DATA_RECEIVING')) return false;
    if (states && !states.includes('STARTED')) return false;
    if (healths && !healths.includes(resourceJson(state, r).resourceHealth)) return false;
    if (f.identifiers) {
      const ids = identifiersOf(state, r);
      for (const [k, v] of Object.entries(f.identifiers)) if (ids[k] !== v) return false;
    }
    return true;
  });
}

function resourcesPage(state: SimState, list: MetricResource[], page?: number, pageSize?: number) {
  const p = pageOf(list, page, pageSize, '/suite-api/api/resources');
  return { pageInfo: p.pageInfo, links: p.links, resourceList: p.items.map((r) => resourceJson(state, r)) };
}

function kindOf(rk: string): ResourceKind {
  const k = RESOURCE_KINDS.find((x) => x.toLowerCase() === rk.toLowerCase());
  if (!k) throw new OpsError(404, `Resource kind '${rk}' of adapter kind 'VMWARE' does not exist.`);
  return k;
}

function checkAdapter(ak: string): void {
  if (ak.toUpperCase() !== 'VMWARE') throw new OpsError(404, `Adapter kind '${ak}' does not exist.`);
}

/** resourceRoutes: resource lists, queries, lookups by identifier, adapter/resource kinds. */
export const resourceRoutes: FastifyPluginAsyncTypebox<{ state: SimState }> = async (app, { state }) => {
  app.get(
    '/resources',
    {
      schema: {
        querystring: Type.Object({ ...ResourceFilterFields, ...PagingQuery }),
        response: { 200: ResourcesPageSchema },
      },
    },
    async (req) => {
      const { page, pageSize, ...f } = req.query;
      return resourcesPage(state, filterResources(state, f), page, pageSize);
    }
  );

  app.post(
    '/resources/query',
    {
      schema: {
        querystring: Type.Object(PagingQuery),
        body: ResourceQueryBody,
        response: { 200: ResourcesPageSchema },
      },
    },
    async (req) => resourcesPage(state, filterResources(state, req.body ?? {}), req.query.page, req.query.pageSize)
  );

  app.get(
    '/resources/:id',
    { schema: { params: Type.Object({ id: Type.String() }), response: { 200: ResourceSchema } } },
    async (req) => {
      const r = resolveResource(state, req.params.id);
      if (!r) throw new OpsError(404, `Resource with id '${req.params.id}' does not exist.`);
      return resourceJson(state, r);
    }
  );

  app.get('/adapterkinds', async () => ({
    'adapter-kind': [
      {
        key: 'VMWARE',
        name: 'vCenter',
        description: 'VMware vCenter Server adapter',
        adapterKindType: 'GENERAL',
        describeVersion: 1,
        identifiers: [],
        resourceKinds: [...RESOURCE_KINDS],
      },
    ],
  }));

  app.get(
    '/adapterkinds/:ak/resourcekinds',
    { schema: { params: Type.Object({ ak: Type.String() }) } },
    async (req) => {
      checkAdapter(req.params.ak);
      return {
        adapterKind: 'VMWARE',
        'resource-kind': RESOURCE_KINDS.map((k) => ({
          key: k,
          name: k,
          adapterKind: 'VMWARE',
          resourceKindType: 'GENERAL',
          resourceIdentifierTypes: (k === ADAPTER_INSTANCE_KIND
            ? ['VCURL', 'VMEntityVCID']
            : ['VMEntityName', 'VMEntityObjectID', 'VMEntityVCID']
          ).map((n) => ({
            name: n,
            dataType: 'STRING',
            isPartOfUniqueness: n !== 'VMEntityName',
          })),
        })),
        pageInfo: { totalCount: RESOURCE_KINDS.length, page: 0, pageSize: 1000 },
      };
    }
  );

  app.get(
    '/adapterkinds/:ak/resourcekinds/:rk/resources',
    {
      schema: {
        params: Type.Object({ ak: Type.String(), rk: Type.String() }),
        querystring: Type.Object({ name: Strs, ...PagingQuery }),
        response: { 200: ResourcesPageSchema },
      },
    },
    async (req) => {
      checkAdapter(req.params.ak);
      const kind = kindOf(req.params.rk);
      // `identifiers[VMEntityObjectID]=vm-1001` arrives as a literal key; collect those.
      const identifiers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.query as Record<string, unknown>)) {
        const m = /^identifiers\[(.+)\]$/.exec(k);
        if (m) identifiers[m[1]] = String(Array.isArray(v) ? v[0] : v);
      }
      const list = filterResources(state, { resourceKind: [kind], name: req.query.name, identifiers });
      return resourcesPage(state, list, req.query.page, req.query.pageSize);
    }
  );

  app.get(
    '/adapterkinds/:ak/resourcekinds/:rk/statkeys',
    { schema: { params: Type.Object({ ak: Type.String(), rk: Type.String() }) } },
    async (req) => {
      checkAdapter(req.params.ak);
      return {
        resourceTypeAttributes: statKeysFor(kindOf(req.params.rk)).map((k) => ({
          key: k.key,
          name: k.name,
          description: k.description,
          unit: k.unit,
          rollupType: 'AVG',
          defaultMonitored: true,
          instanceType: 'Metric',
          dataType2: 'FLOAT',
          property: false,
          isRate: false,
        })),
      };
    }
  );

  app.get(
    '/adapterkinds/:ak/resourcekinds/:rk/properties',
    { schema: { params: Type.Object({ ak: Type.String(), rk: Type.String() }) } },
    async (req) => {
      checkAdapter(req.params.ak);
      return {
        resourceTypeAttributes: PROPERTY_KEYS[kindOf(req.params.rk)].map((key) => ({
          key,
          name: key.split('|').join(' | '),
          description: key,
          unit: '',
          defaultMonitored: true,
          instanceType: 'Property',
          dataType2: 'STRING',
          property: true,
        })),
      };
    }
  );
};
