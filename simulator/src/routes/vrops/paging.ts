import { Type } from '@fastify/type-provider-typebox';

/** PagingQuery is the `page` (0-based) / `pageSize` pair of Suite API list calls. */
export const PagingQuery = {
  page: Type.Optional(Type.Integer({ minimum: 0 })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000 })),
};

/** pageOf slices a list and returns it with `pageInfo` and first/last links. */
export function pageOf<T>(items: T[], page = 0, pageSize = 1000, href = '') {
  const last = Math.max(0, Math.ceil(items.length / pageSize) - 1);
  const link = (p: number, name: string, rel = 'RELATED') => ({ href: `${href}?page=${p}&pageSize=${pageSize}`, rel, name });
  return {
    pageInfo: { totalCount: items.length, page, pageSize },
    links: [link(page, 'current', 'SELF'), link(0, 'first'), link(last, 'last')],
    items: items.slice(page * pageSize, (page + 1) * pageSize),
  };
}
