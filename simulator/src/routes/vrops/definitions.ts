import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { SimState } from '../../state';
import { DEFINITIONS, type Definition } from './alerts';
import { PagingQuery, pageOf } from './paging';

const Strs = Type.Optional(Type.Array(Type.String()));
/** Alert type / sub-type numbers of VMware's alert definitions (Virtualization/Hypervisor; per sub type). */
const ALERT_TYPE = 16;
const SUB_TYPES: Record<string, number> = { Availability: 18, Performance: 19, Capacity: 20 };

function kindMatches(d: Definition, adapterKind?: string, resourceKind?: string): boolean {
  return (
    (!adapterKind || adapterKind.toUpperCase() === 'VMWARE') &&
    (!resourceKind || resourceKind.toLowerCase() === d.resourceKind.toLowerCase())
  );
}

/** alertDefinitionJson renders `AlertDefinition` (vROps model): one state with its symptom set, impact and recommendation. */
function alertDefinitionJson(d: Definition) {
  return {
    id: d.id,
    name: d.name,
    description: d.description,
    adapterKindKey: 'VMWARE',
    resourceKindKey: d.resourceKind,
    waitCycles: 1,
    cancelCycles: 1,
    type: ALERT_TYPE,
    subType: SUB_TYPES[d.subType] ?? 19,
    states: [
      {
        severity: d.level,
        'base-symptom-set': {
          type: 'SYMPTOM_SET',
          relation: 'SELF',
          aggregation: 'ALL',
          symptomSetOperator: 'AND',
          symptomDefinitionIds: [d.symptom.id],
        },
        impact: { impactType: 'BADGE', detail: d.impact },
        recommendationPriorityMap: { [d.recommendation.id]: 1 },
      },
    ],
  };
}

/** symptomDefinitionJson renders `SymptomDefinition` with its `state.condition`. */
function symptomDefinitionJson(d: Definition) {
  return {
    id: d.symptom.id,
    name: d.symptom.name,
    adapterKindKey: 'VMWARE',
    resourceKindKey: d.resourceKind,
    waitCycles: 1,
    cancelCycles: 1,
    realtimeMonitoringEnabled: false,
    state: { severity: d.level, condition: d.symptom.condition },
  };
}

/**
 * definitionRoutes: the content behind the simulated alerts, as VMware's Suite API serves it:
 * `GET /alertdefinitions`, `GET /symptomdefinitions`, `GET /recommendations`.
 */
export const definitionRoutes: FastifyPluginAsyncTypebox<{ state: SimState }> = async (app) => {
  app.get(
    '/alertdefinitions',
    {
      schema: {
        querystring: Type.Object({
          adapterKind: Type.Optional(Type.String()),
          resourceKind: Type.Optional(Type.String()),
          id: Strs,
          ...PagingQuery,
        }),
      },
    },
    async (req) => {
      const q = req.query;
      const list = DEFINITIONS.filter(
        (d) => kindMatches(d, q.adapterKind, q.resourceKind) && (!q.id || q.id.includes(d.id))
      );
      const p = pageOf(list, q.page, q.pageSize, '/suite-api/api/alertdefinitions');
      return { pageInfo: p.pageInfo, links: p.links, alertDefinitions: p.items.map(alertDefinitionJson) };
    }
  );

  app.get(
    '/symptomdefinitions',
    {
      schema: {
        querystring: Type.Object({
          adapterKind: Type.Optional(Type.String()),
          resourceKind: Type.Optional(Type.String()),
          id: Strs,
          name: Type.Optional(Type.String()),
          ...PagingQuery,
        }),
      },
    },
    async (req) => {
      const q = req.query;
      const list = DEFINITIONS.filter(
        (d) =>
          kindMatches(d, q.adapterKind, q.resourceKind) &&
          (!q.id || q.id.includes(d.symptom.id)) &&
          (!q.name || d.symptom.name.toLowerCase().includes(q.name.toLowerCase()))
      );
      const p = pageOf(list, q.page, q.pageSize, '/suite-api/api/symptomdefinitions');
      return { pageInfo: p.pageInfo, links: p.links, symptomDefinitions: p.items.map(symptomDefinitionJson) };
    }
  );

  app.get(
    '/recommendations',
    {
      schema: {
        querystring: Type.Object({
          id: Strs,
          targetAdapterKind: Type.Optional(Type.String()),
          targetResourceKind: Type.Optional(Type.String()),
        }),
      },
    },
    async (req) => {
      const q = req.query;
      return {
        recommendations: DEFINITIONS.filter(
          (d) =>
            kindMatches(d, q.targetAdapterKind, q.targetResourceKind) && (!q.id || q.id.includes(d.recommendation.id))
        ).map((d) => ({ id: d.recommendation.id, description: d.recommendation.description })),
      };
    }
  );
};
