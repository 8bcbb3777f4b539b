import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ADAPTER_INSTANCE_KIND } from '../../metrics/statkeys';
import type { SimState, VcenterState } from '../../state';
import { adapterInstanceId, adapterResource, identifiersOf } from './views';

/** VERSION is what `GET /api/versions/current` reports (a vROps 8.18 build). */
export const VERSION = {
  releaseName: 'VMware Aria Operations 8.18.2',
  major: 8,
  minor: 18,
  minorMinor: 2,
  buildNumber: 24227542,
  releasedDate: 1_724_716_800_000,
  humanlyReadableReleaseDate: 'Tue Aug 27 00:00:00 UTC 2024',
  description: 'VMware Aria Operations 8.18.2 (privatecloud-sim)',
};

/** adapterInstanceJson renders one vCenter's adapter instance (`AdapterInstance` of VMware's model). */
function adapterInstanceJson(state: SimState, vc: VcenterState, now: number) {
  const r = adapterResource(vc);
  const ids = identifiersOf(state, r);
  const resources =
    vc.inventory.vms.size + vc.inventory.hosts.size + vc.inventory.clusters.size + vc.inventory.datastores.size;
  const collected = Math.floor(now / 300_000) * 300_000;
  return {
    id: adapterInstanceId(vc),
    resourceKey: {
      name: vc.name,
      adapterKindKey: 'VMWARE',
      resourceKindKey: ADAPTER_INSTANCE_KIND,
      resourceIdentifiers: Object.entries(ids).map(([name, value]) => ({
        identifierType: { name, dataType: 'STRING', isPartOfUniqueness: name === 'VCURL' },
        value,
      })),
    },
    description: `vCenter adapter for ${vc.name}`,
    collectorId: 1,
    collectorGroupId: '',
    credentialInstanceId: '',
    monitoringInterval: 5,
    monitoringIntervalSeconds: 300,
    numberOfResourcesCollected: resources,
    numberOfMetricsCollected: resources * 12,
    lastCollected: collected,
    lastHeartbeat: collected,
    messageFromAdapterInstance: '',
    links: [{ href: `/suite-api/api/adapters/${adapterInstanceId(vc)}`, rel: 'SELF', name: 'linkToSelf' }],
  };
}

/** adapterRoutes: `GET /versions/current`, `GET /adapters?adapterKindKey=` (one VMWARE instance per vCenter). */
export const adapterRoutes: FastifyPluginAsyncTypebox<{ state: SimState }> = async (app, { state }) => {
  app.get('/versions/current', async () => VERSION);

  app.get(
    '/adapters',
    { schema: { querystring: Type.Object({ adapterKindKey: Type.Optional(Type.String()) }) } },
    async (req) => {
      const kind = req.query.adapterKindKey;
      const now = Date.now();
      // Only the vCenter adapter kind exists here; another kind has no instances.
      const vcs = !kind || kind.toUpperCase() === 'VMWARE' ? state.vcenters : [];
      return { adapterInstancesInfoDto: vcs.map((vc) => adapterInstanceJson(state, vc, now)) };
    }
  );
};
