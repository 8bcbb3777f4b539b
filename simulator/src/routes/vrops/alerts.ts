import { StringEnum } from '../schemas';
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { hashString, uuidFor } from '../../inventory/prng';
import { SAMPLE_MS, type MetricResource } from '../../metrics/series';
import type { SimState } from '../../state';
import { OpsError } from './errors';
import { LinksSchema, PageInfoSchema, PagingQuery, pageOf } from './paging';
import { ResourceQueryBody, filterResources } from './resources';
import { allResources, resourceIdOf } from './views';

const LEVELS = ['CRITICAL', 'IMMEDIATE', 'WARNING', 'INFORMATION'] as const;

/** Alert is the Suite API `alert` structure. */
export interface Alert {
  alertId: string;
  resourceId: string;
  alertLevel: (typeof LEVELS)[number];
  type: string;
  subType: string;
  status: 'ACTIVE';
  startTimeUTC: number;
  cancelTimeUTC: number;
  updateTimeUTC: number;
  suspendUntilTimeUTC: number;
  controlState: 'OPEN';
  statKey?: string;
  ownerId: string;
  ownerName: string;
  alertDefinitionId: string;
  alertDefinitionName: string;
  alertImpact: 'HEALTH' | 'RISK' | 'EFFICIENCY';
}

/** Definition is one alert definition with its single symptom and recommendation. */
export interface Definition {
  id: string;
  name: string;
  description: string;
  level: Alert['alertLevel'];
  impact: Alert['alertImpact'];
  subType: string;
  resourceKind: MetricResource['kind'];
  statKey?: string;
  /** The symptom: a static threshold on `statKey` (`CONDITION_HT`) or a property condition. */
  symptom: { id: string; name: string; condition: Record<string, unknown> };
  recommendation: { id: string; description: string };
  fires: (state: SimState, r: MetricResource, now: number) => boolean;
}

const ht = (key: string, value: number) => ({
  type: 'CONDITION_HT',
  key,
  operator: 'GT',
  value: String(value),
  valueType: 'NUMERIC',
  instanced: false,
  thresholdType: 'STATIC',
});

const latestValue = (_state: SimState, r: MetricResource, key: string, now: number) =>
  r.vc.metrics.latest(r, key, now, 1)[0]?.v ?? 0;

/** DEFINITIONS are the symptom-based alerts the simulator raises from live metrics and state. */
export const DEFINITIONS: Definition[] = [
  {
    id: 'AlertDefinition-VMWARE-VMCpuCritical',
    name: 'Virtual machine CPU usage is critically high',
    description: 'The virtual machine uses more than 90 % of its configured CPU.',
    level: 'CRITICAL',
    impact: 'HEALTH',
    subType: 'Performance',
    resourceKind: 'VirtualMachine',
    statKey: 'cpu|usage_average',
    symptom: {
      id: 'SymptomDefinition-VMWARE-VMCpuUsageAbove90',
      name: 'VM CPU usage above 90 %',
      condition: ht('cpu|usage_average', 90),
    },
    recommendation: {
      id: 'Recommendation-VMWARE-AddVcpu',
      description: 'Add vCPUs to the virtual machine or move load off it.',
    },
    fires: (s, r, now) => r.kind === 'VirtualMachine' && latestValue(s, r, 'cpu|usage_average', now) > 90,
  },
  {
    id: 'AlertDefinition-VMWARE-VMMemoryHigh',
    name: 'Virtual machine memory usage is high',
    description: 'The virtual machine uses more than 85 % of its configured memory.',
    level: 'WARNING',
    impact: 'HEALTH',
    subType: 'Performance',
    resourceKind: 'VirtualMachine',
    statKey: 'mem|usage_average',
    symptom: {
      id: 'SymptomDefinition-VMWARE-VMMemUsageAbove85',
      name: 'VM memory usage above 85 %',
      condition: ht('mem|usage_average', 85),
    },
    recommendation: { id: 'Recommendation-VMWARE-AddMemory', description: 'Add memory to the virtual machine.' },
    fires: (s, r, now) => r.kind === 'VirtualMachine' && latestValue(s, r, 'mem|usage_average', now) > 85,
  },
  {
    id: 'AlertDefinition-VMWARE-HostDisconnected',
    name: 'Host has lost connection to vCenter Server',
    description: 'vCenter Server cannot reach the host; its virtual machines are not managed.',
    level: 'CRITICAL',
    impact: 'HEALTH',
    subType: 'Availability',
    resourceKind: 'HostSystem',
    symptom: {
      id: 'SymptomDefinition-VMWARE-HostDisconnected',
      name: 'Host is disconnected from vCenter Server',
      condition: {
        type: 'CONDITION_PROPERTY_STRING',
        key: 'runtime|connectionState',
        operator: 'NOT_EQ',
        stringValue: 'connected',
      },
    },
    recommendation: {
      id: 'Recommendation-VMWARE-ReconnectHost',
      description: 'Check the host management network and reconnect the host in vCenter Server.',
    },
    fires: (_s, r) => r.kind === 'HostSystem' && r.obj.connectionState !== 'CONNECTED',
  },
  {
    id: 'AlertDefinition-VMWARE-DatastoreSpaceLow',
    name: 'Datastore is running out of disk space',
    description: 'More than 85 % of the datastore is used.',
    level: 'WARNING',
    impact: 'RISK',
    subType: 'Capacity',
    resourceKind: 'Datastore',
    statKey: 'capacity|usedSpacePct',
    symptom: {
      id: 'SymptomDefinition-VMWARE-DatastoreUsedAbove85',
      name: 'Datastore space used above 85 %',
      condition: ht('capacity|usedSpacePct', 85),
    },
    recommendation: {
      id: 'Recommendation-VMWARE-FreeDatastoreSpace',
      description: 'Free space (old snapshots, unused disks) or move virtual machines to another datastore.',
    },
    fires: (s, r, now) => r.kind === 'Datastore' && latestValue(s, r, 'capacity|usedSpacePct', now) > 85,
  },
];

/** activeAlerts evaluates every definition over the given resources. */
export function activeAlerts(state: SimState, resources: MetricResource[], now = Date.now()): Alert[] {
  const out: Alert[] = [];
  for (const r of resources) {
    const inv = r.vc.inventory;
    for (const d of DEFINITIONS) {
      if (!d.fires(state, r, now)) continue;
      const h = hashString(`${d.id}:${r.moref}`);
      const updated = Math.floor(now / SAMPLE_MS) * SAMPLE_MS;
      out.push({
        alertId: uuidFor(inv.seed, `alert:${d.id}:${r.moref}`),
        resourceId: resourceIdOf(r),
        alertLevel: d.level,
        type: 'Virtualization/Hypervisor',
        subType: d.subType,
        status: 'ACTIVE',
        startTimeUTC: updated - (1 + (h % 72)) * SAMPLE_MS,
        cancelTimeUTC: 0,
        updateTimeUTC: updated,
        suspendUntilTimeUTC: 0,
        controlState: 'OPEN',
        ...(d.statKey ? { statKey: d.statKey } : {}),
        ownerId: '',
        ownerName: '',
        alertDefinitionId: d.id,
        alertDefinitionName: d.name,
        alertImpact: d.impact,
      });
    }
  }
  return out;
}

const AlertSchema = Type.Object({
  alertId: Type.String(),
  resourceId: Type.String(),
  alertLevel: Type.String(),
  type: Type.String(),
  subType: Type.String(),
  status: Type.String(),
  startTimeUTC: Type.Number(),
  cancelTimeUTC: Type.Number(),
  updateTimeUTC: Type.Number(),
  suspendUntilTimeUTC: Type.Number(),
  controlState: Type.String(),
  statKey: Type.Optional(Type.String()),
  ownerId: Type.String(),
  ownerName: Type.String(),
  alertDefinitionId: Type.String(),
  alertDefinitionName: Type.String(),
  alertImpact: Type.String(),
});
const AlertsReply = {
  200: Type.Object({ pageInfo: PageInfoSchema, links: LinksSchema, alerts: Type.Array(AlertSchema) }),
};

function alertsPage(alerts: Alert[], page?: number, pageSize?: number) {
  const p = pageOf(alerts, page, pageSize, '/suite-api/api/alerts');
  return { pageInfo: p.pageInfo, links: p.links, alerts: p.items };
}

/** alertRoutes: `GET /alerts` and `POST /alerts/query` over the live alert set. */
export const alertRoutes: FastifyPluginAsyncTypebox<{ state: SimState }> = async (app, { state }) => {
  app.get(
    '/alerts',
    {
      schema: {
        querystring: Type.Object({
          resourceId: Type.Optional(Type.Array(Type.String())),
          id: Type.Optional(Type.Array(Type.String())),
          ...PagingQuery,
        }),
        response: AlertsReply,
      },
    },
    async (req) => {
      const q = req.query;
      const resources = q.resourceId ? filterResources(state, { resourceId: q.resourceId }) : allResources(state);
      const alerts = activeAlerts(state, resources).filter((a) => !q.id || q.id.includes(a.alertId));
      return alertsPage(alerts, q.page, q.pageSize);
    }
  );

  app.get(
    '/alerts/:id',
    { schema: { params: Type.Object({ id: Type.String() }), response: { 200: AlertSchema } } },
    async (req) => {
      const alert = activeAlerts(state, allResources(state)).find((a) => a.alertId === req.params.id);
      if (!alert) throw new OpsError(404, `Alert with id '${req.params.id}' does not exist.`);
      return alert;
    }
  );

  app.post(
    '/alerts/query',
    {
      schema: {
        querystring: Type.Object(PagingQuery),
        body: Type.Object({
          'resource-query': Type.Optional(ResourceQueryBody),
          resourceId: Type.Optional(Type.Array(Type.String())),
          activeOnly: Type.Optional(Type.Boolean()),
          alertCriticality: Type.Optional(Type.Array(StringEnum(LEVELS))),
          compositeOperator: Type.Optional(StringEnum(['AND', 'OR'] as const)),
          alertId: Type.Optional(Type.Array(Type.String())),
        }),
        response: AlertsReply,
      },
    },
    async (req) => {
      const b = req.body;
      const rq = { ...(b['resource-query'] ?? {}), ...(b.resourceId ? { resourceId: b.resourceId } : {}) };
      const resources = Object.keys(rq).length ? filterResources(state, rq) : allResources(state);
      const alerts = activeAlerts(state, resources).filter(
        (a) =>
          (!b.alertCriticality || b.alertCriticality.includes(a.alertLevel)) &&
          (!b.alertId || b.alertId.includes(a.alertId))
      );
      return alertsPage(alerts, req.query.page, req.query.pageSize);
    }
  );
};
