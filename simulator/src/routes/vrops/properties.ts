import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { MetricResource } from '../../metrics/series';
import type { SimState } from '../../state';
import { OpsError } from './errors';
import { propertiesOf, resolveResource, resourceIdOf } from './views';

const PropertyList = Type.Object({
  resourceId: Type.String(),
  property: Type.Array(Type.Object({ name: Type.String(), value: Type.String() })),
});

function propertyList(state: SimState, r: MetricResource) {
  return {
    resourceId: resourceIdOf(r),
    property: Object.entries(propertiesOf(r)).map(([name, value]) => ({ name, value })),
  };
}

/** propertyRoutes: current property values per resource, and the latest-properties bulk query. */
export const propertyRoutes: FastifyPluginAsyncTypebox<{ state: SimState }> = async (app, { state }) => {
  app.get(
    '/resources/:id/properties',
    { schema: { params: Type.Object({ id: Type.String() }), response: { 200: PropertyList } } },
    async (req) => {
      const r = resolveResource(state, req.params.id);
      if (!r) throw new OpsError(404, `Resource with id '${req.params.id}' does not exist.`);
      return propertyList(state, r);
    }
  );

  app.get(
    '/resources/properties',
    {
      schema: {
        querystring: Type.Object({ resourceId: Type.Array(Type.String(), { minItems: 1 }) }),
        response: { 200: Type.Object({ resourcePropertiesList: Type.Array(PropertyList) }) },
      },
    },
    async (req) => ({
      resourcePropertiesList: req.query.resourceId
        .map((id) => resolveResource(state, id))
        .filter((r): r is MetricResource => !!r)
        .map((r) => propertyList(state, r)),
    })
  );

  app.post(
    '/resources/properties/latest/query',
    {
      schema: {
        body: Type.Object({
          resourceIds: Type.Array(Type.String(), { minItems: 1, maxItems: 10000 }),
          propertyKeys: Type.Optional(Type.Array(Type.String())),
          instanced: Type.Optional(Type.Boolean()),
        }),
      },
    },
    async (req) => {
      const now = Date.now();
      return {
        values: req.body.resourceIds
          .map((id) => resolveResource(state, id))
          .filter((r): r is MetricResource => !!r)
          .map((r) => {
            const props = propertiesOf(r);
            const keys = req.body.propertyKeys ?? Object.keys(props);
            return {
              resourceId: resourceIdOf(r),
              'property-contents': {
                'property-content': keys
                  .filter((k) => k in props)
                  .map((k) => {
                    const v = props[k];
                    // Numeric properties come back in `data`, text ones in `values`.
                    return v !== '' && /^-?\d+(\.\d+)?$/.test(v)
                      ? { statKey: k, timestamps: [now], data: [Number(v)] }
                      : { statKey: k, timestamps: [now], values: [v] };
                  }),
              },
            };
          }),
      };
    }
  );
};
