import { Type } from '@fastify/type-provider-typebox';

/** PagingQuery is the `page` (0-based) / `pageSize` pair of Suite API list calls. */
export const PagingQuery = {
  page: Type.Optional(Type.Integer({ minimum: 0 })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000 })),
};

/** pageOf slices a list and returns it with `pageInfo` and first/last links. */
export function pageOf<T>(items: T[], page = 0, pageSize = 1000, href = '') {
  const last = Math.max(0, Math.ceil(items.length / pageSize) - 1);
  const link = (p: number, name: string, rel = 'RELATED') => ({
    href: `${href}?page=${p}&pageSize=${pageSize}`,
    rel,
    name,
  });
  return {
    pageInfo: { totalCount: items.length, page, pageSize },
    links: [link(page, 'current', 'SELF'), link(0, 'first'), link(last, 'last')],
    items: items.slice(page * pageSize, (page + 1) * pageSize),
  };
}

const Link = Type.Object({ href: Type.String(), rel: Type.String(), name: Type.String() });

/** PageInfoSchema and LinksSchema describe the paging envelope of list responses. */
export const PageInfoSchema = Type.Object({
  totalCount: Type.Integer(),
  page: Type.Integer(),
  pageSize: Type.Integer(),
});
/** LinksSchema is the `links` array of list responses. */
export const LinksSchema = Type.Array(Link);

/** ResourceSchema is the Suite API `resource` structure as the simulator fills it. */
export const ResourceSchema = Type.Object({
  creationTime: Type.Number(),
  resourceKey: Type.Object({
    name: Type.String(),
    adapterKindKey: Type.String(),
    resourceKindKey: Type.String(),
    resourceIdentifiers: Type.Array(
      Type.Object({
        identifierType: Type.Object({
          name: Type.String(),
          dataType: Type.String(),
          isPartOfUniqueness: Type.Boolean(),
        }),
        value: Type.String(),
      })
    ),
  }),
  resourceStatusStates: Type.Array(
    Type.Object({
      adapterInstanceId: Type.String(),
      resourceStatus: Type.String(),
      resourceState: Type.String(),
      statusMessage: Type.String(),
    })
  ),
  resourceHealth: Type.String(),
  resourceHealthValue: Type.Number(),
  dtEnabled: Type.Boolean(),
  badges: Type.Array(Type.Object({ type: Type.String(), color: Type.String(), score: Type.Number() })),
  relatedResources: Type.Array(Type.String()),
  links: LinksSchema,
  identifier: Type.String(),
});

/** ResourcesPageSchema is the `resources` list response. */
export const ResourcesPageSchema = Type.Object({
  pageInfo: PageInfoSchema,
  links: LinksSchema,
  resourceList: Type.Array(ResourceSchema),
});
