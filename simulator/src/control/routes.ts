import { StringEnum } from '../routes/schemas';
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { SimState } from '../state';
import { ScenarioError, runDrs, runHaFailure } from './scenarios';

const Faults = Type.Object(
  {
    latencyMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 60000 })),
    jitterMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 60000 })),
    errorRate: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
    outage: Type.Optional(
      Type.Union([
        Type.Null(),
        Type.Object({
          api: StringEnum(['vcenter', 'vrops', 'all'] as const),
          seconds: Type.Number({ exclusiveMinimum: 0, maximum: 86400 }),
        }),
      ])
    ),
  },
  { additionalProperties: false }
);

/** VcQuery selects a vCenter (1-based; default 1) for the per-vCenter control calls. */
const VcQuery = Type.Object({ vcenter: Type.Optional(Type.Integer({ minimum: 1 })) });

/** tokenMatches compares a presented control token with the configured one in constant time. */
export function tokenMatches(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false;
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/**
 * controlRoutes is the `/__sim` surface for tests and benchmarks (outside VMware paths): call
 * counters, reset, faults, forced expiry, DRS / HA scenarios, host-change events, hot VMs, the
 * vCenter list. With a control token configured (required off loopback) every call needs
 * `Authorization: Bearer <token>`.
 */
export const controlRoutes: FastifyPluginAsyncTypebox<{ state: SimState }> = async (app, { state }) => {
  const token = state.options.controlToken;
  if (token) {
    app.addHook('onRequest', async (req, reply) => {
      const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
      if (!tokenMatches(m?.[1], token)) {
        return reply.code(401).header('www-authenticate', 'Bearer realm="privatecloud-sim control"').send({
          error: 'unauthorized',
          message: 'The /__sim control surface needs "Authorization: Bearer <control token>".',
        });
      }
    });
  }
  const vcOf = (index: number | undefined) => {
    const vc = state.vcenter(index ?? 1);
    if (!vc) throw new ScenarioError(404, `No vCenter ${index}: the simulator runs ${state.vcenters.length}.`);
    return vc;
  };

  app.setErrorHandler((err, _req, reply) => {
    if (err instanceof ScenarioError)
      return reply
        .code(err.status)
        .send({ error: err.status === 404 ? 'not_found' : 'conflict', message: err.message });
    const e = err as { validation?: unknown; statusCode?: number; message: string };
    if (e.validation || (e.statusCode && e.statusCode < 500))
      return reply.code(e.statusCode ?? 400).send({ error: 'bad_request', message: e.message });
    return reply.code(500).send({ error: 'internal', message: 'An internal error occurred.' });
  });

  app.get('/calls', async () => {
    const routes = Object.fromEntries([...state.calls.entries()].sort(([a], [b]) => a.localeCompare(b)));
    return { total: [...state.calls.values()].reduce((a, b) => a + b, 0), routes };
  });
  app.post('/calls/reset', async () => {
    state.calls.clear();
    return { total: 0, routes: {} };
  });
  app.post('/reset', async () => {
    state.reset();
    return { ok: true, vms: state.inventory.vms.size };
  });
  app.get('/vcenters', async () =>
    state.vcenters.map((vc) => ({
      index: vc.index,
      basePath: vc.basePath,
      instanceUuid: vc.inventory.vcenterUuid,
      name: vc.name,
    }))
  );

  const faultsView = () => ({
    latencyMs: state.faults.latencyMs,
    jitterMs: state.faults.jitterMs,
    errorRate: state.faults.errorRate,
    outage:
      state.faults.outage && state.faults.outage.until > Date.now()
        ? { api: state.faults.outage.api, until: new Date(state.faults.outage.until).toISOString() }
        : null,
  });
  app.get('/faults', async () => faultsView());
  app.put('/faults', { schema: { body: Faults } }, async (req) => {
    const b = req.body;
    if (b.latencyMs !== undefined) state.faults.latencyMs = b.latencyMs;
    if (b.jitterMs !== undefined) state.faults.jitterMs = b.jitterMs;
    if (b.errorRate !== undefined) state.faults.errorRate = b.errorRate;
    if (b.outage !== undefined)
      state.faults.outage = b.outage ? { api: b.outage.api, until: Date.now() + b.outage.seconds * 1000 } : null;
    return faultsView();
  });
  app.delete('/faults', async (_req, reply) => {
    state.faults = { latencyMs: 0, jitterMs: 0, errorRate: 0, outage: null };
    return reply.code(204).send();
  });

  app.post('/expire-sessions', async () => {
    let n = 0;
    for (const vc of state.vcenters) {
      n += vc.sessions.size;
      vc.sessions.clear();
    }
    return { expired: n };
  });
  app.post('/expire-tokens', async () => {
    const n = state.tokens.size;
    state.tokens.clear();
    return { expired: n };
  });

  app.post(
    '/scenarios/drs',
    {
      schema: {
        querystring: VcQuery,
        body: Type.Optional(
          Type.Object({
            cluster: Type.Optional(Type.String()),
            moves: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
          })
        ),
      },
    },
    async (req) => ({ events: runDrs(vcOf(req.query.vcenter).inventory, req.body ?? {}) })
  );
  app.post(
    '/scenarios/ha-failure',
    { schema: { querystring: VcQuery, body: Type.Optional(Type.Object({ host: Type.Optional(Type.String()) })) } },
    async (req) => runHaFailure(vcOf(req.query.vcenter).inventory, req.body?.host)
  );

  app.get(
    '/events',
    { schema: { querystring: Type.Object({ vm: Type.Optional(Type.String()), vcenter: VcQuery.properties.vcenter }) } },
    async (req) => vcOf(req.query.vcenter).inventory.events.filter((e) => !req.query.vm || e.vm === req.query.vm)
  );

  app.get('/hot', { schema: { querystring: VcQuery } }, async (req) => {
    const vms = [...vcOf(req.query.vcenter).inventory.vms.values()].filter((v) => v.powerState === 'POWERED_ON');
    return {
      hot: vms.filter((v) => v.profile === 'hot').map((v) => v.id),
      idle: vms.filter((v) => v.profile === 'idle').map((v) => v.id),
    };
  });
};
