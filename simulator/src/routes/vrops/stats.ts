import { StringEnum } from '../schemas';
import { Type, type FastifyPluginAsyncTypebox, type Static } from '@fastify/type-provider-typebox';
import { SAMPLE_MS, type MetricResource, type Sample } from '../../metrics/series';
import type { SimState } from '../../state';
import { OpsError } from './errors';
import { resolveResource, resourceIdOf } from './views';

const ROLLUPS = ['SUM', 'AVG', 'MIN', 'MAX', 'NONE', 'LATEST', 'COUNT'] as const;
const INTERVALS = ['SECONDS', 'MINUTES', 'HOURS', 'DAYS', 'WEEKS', 'MONTHS', 'YEARS'] as const;
const UNIT_MS: Record<(typeof INTERVALS)[number], number> = {
  SECONDS: 1000,
  MINUTES: 60_000,
  HOURS: 3_600_000,
  DAYS: 86_400_000,
  WEEKS: 7 * 86_400_000,
  MONTHS: 30 * 86_400_000,
  YEARS: 365 * 86_400_000,
};
/** Refuse requests that would compute more than this many raw samples (protects the process). */
const MAX_SAMPLES_PER_CALL = 20_000_000;

const lits = StringEnum;
const Strs = Type.Optional(Type.Array(Type.String()));

/** StatQueryFields are the `stat-query` fields shared by the GET params and POST bodies. */
const StatQueryFields = {
  statKey: Strs,
  begin: Type.Optional(Type.Integer({ minimum: 0 })),
  end: Type.Optional(Type.Integer({ minimum: 0 })),
  rollUpType: Type.Optional(lits(ROLLUPS)),
  intervalType: Type.Optional(lits(INTERVALS)),
  intervalQuantifier: Type.Optional(Type.Integer({ minimum: 1 })),
  latestMaxSamples: Type.Optional(Type.Integer({ minimum: 1 })),
  currentOnly: Type.Optional(Type.Boolean()),
  dt: Type.Optional(Type.Boolean()),
  metrics: Type.Optional(Type.Boolean()),
};
const StatQuery = Type.Object(StatQueryFields);
type StatQueryT = Static<typeof StatQuery>;
const BulkStatQuery = Type.Object({
  resourceId: Type.Array(Type.String(), { minItems: 1, maxItems: 10000 }),
  ...StatQueryFields,
});
const LatestFields = {
  statKey: Strs,
  maxSamples: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  currentOnly: Type.Optional(Type.Boolean()),
  metrics: Type.Optional(Type.Boolean()),
};
const IdParams = Type.Object({ id: Type.String() });

/** StatsOfResources is the `stats-of-resources` response (single, bulk and latest share it). */
const StatsOfResources = Type.Object({
  values: Type.Array(
    Type.Object({
      resourceId: Type.String(),
      'stat-list': Type.Object({
        stat: Type.Array(
          Type.Object({
            timestamps: Type.Array(Type.Number()),
            statKey: Type.Object({ key: Type.String() }),
            intervalUnit: Type.Object({ intervalType: Type.Optional(Type.String()), quantifier: Type.Integer() }),
            rollUpType: Type.Optional(Type.String()),
            data: Type.Array(Type.Number()),
          })
        ),
      }),
    })
  ),
});
const StatsReply = { 200: StatsOfResources };
const StatKeysReply = { 200: Type.Object({ 'stat-key': Type.Array(Type.Object({ key: Type.String() })) }) };

interface StatEntry {
  timestamps: number[];
  statKey: { key: string };
  intervalUnit: { intervalType?: string; quantifier: number };
  rollUpType?: string;
  data: number[];
}

function keysFor(r: MetricResource, requested: string[] | undefined): string[] {
  const all = r.vc.metrics.keysOf(r);
  // Keys that do not apply to the resource kind are skipped, not refused.
  return requested ? requested.filter((k) => all.includes(k)) : all;
}

function rollUp(samples: Sample[], type: string, bucketMs: number, float32: boolean): Sample[] {
  const buckets = new Map<number, number[]>();
  for (const s of samples) {
    const b = Math.floor(s.t / bucketMs) * bucketMs;
    let arr = buckets.get(b);
    if (!arr) buckets.set(b, (arr = []));
    arr.push(s.v);
  }
  const out: Sample[] = [];
  for (const [t, vs] of buckets) {
    let v: number;
    switch (type) {
      case 'SUM':
        v = vs.reduce((a, b) => a + b, 0);
        break;
      case 'MIN':
        v = Math.min(...vs);
        break;
      case 'MAX':
        v = Math.max(...vs);
        break;
      case 'COUNT':
        v = vs.length;
        break;
      case 'LATEST':
        v = vs[vs.length - 1];
        break;
      default:
        v = vs.reduce((a, b) => a + b, 0) / vs.length;
    }
    const rounded = Math.round(v * 1000) / 1000;
    out.push({ t, v: float32 ? Math.fround(rounded) : rounded });
  }
  return out;
}

/** statsOf computes one resource's `stat-list` for a stat query. */
function statsOf(
  state: SimState,
  r: MetricResource,
  q: StatQueryT,
  begin: number,
  end: number,
  now: number
): StatEntry[] {
  const bucketMs = q.intervalType ? UNIT_MS[q.intervalType] * (q.intervalQuantifier ?? 1) : 0;
  const raw = !q.intervalType || q.rollUpType === 'NONE' || bucketMs <= SAMPLE_MS;
  const rollUpType = q.rollUpType ?? 'AVG';
  const out: StatEntry[] = [];
  for (const key of keysFor(r, q.statKey)) {
    let samples = r.vc.metrics.samples(r, key, begin, end, now);
    if (!raw) samples = rollUp(samples, rollUpType, bucketMs, r.vc.metrics.shape === 'production');
    if (q.latestMaxSamples) samples = samples.slice(-q.latestMaxSamples);
    if (samples.length === 0) continue;
    const entry: StatEntry = {
      timestamps: samples.map((s) => s.t),
      statKey: { key },
      intervalUnit: raw ? { quantifier: 1 } : { intervalType: q.intervalType, quantifier: q.intervalQuantifier ?? 1 },
      data: samples.map((s) => s.v),
    };
    if (!raw) entry.rollUpType = rollUpType;
    out.push(entry);
  }
  return out;
}

function window(q: StatQueryT, now: number): { begin: number; end: number } {
  const end = q.end ?? now;
  const begin = q.begin ?? end - 86_400_000;
  if (begin > end) {
    throw new OpsError(400, 'Invalid input', 400, [
      { failureMessage: 'end must not be before begin', violationPath: 'end' },
    ]);
  }
  return { begin, end };
}

function guardSize(resources: number, q: StatQueryT, begin: number, end: number, now: number): void {
  const keys = q.statKey?.length ?? 10;
  const samples = resources * keys * Math.max(1, (Math.min(end, now) - begin) / SAMPLE_MS);
  if (samples > MAX_SAMPLES_PER_CALL) {
    throw new OpsError(
      422,
      `The query asks for about ${Math.round(samples)} samples; narrow the time range, resources or stat keys.`,
      422
    );
  }
}

function single(state: SimState, id: string): MetricResource {
  const r = resolveResource(state, id);
  if (!r) throw new OpsError(404, `Resource with id '${id}' does not exist.`);
  return r;
}

function statsResponse(state: SimState, resources: MetricResource[], q: StatQueryT) {
  const now = Date.now();
  const { begin, end } = window(q, now);
  guardSize(resources.length, q, begin, end, now);
  return {
    values: resources.map((r) => ({
      resourceId: resourceIdOf(r),
      'stat-list': { stat: statsOf(state, r, q, begin, end, now) },
    })),
  };
}

function latestResponse(state: SimState, resources: MetricResource[], statKey: string[] | undefined, maxSamples = 1) {
  const now = Date.now();
  return {
    values: resources.map((r) => ({
      resourceId: resourceIdOf(r),
      'stat-list': {
        stat: keysFor(r, statKey)
          .map((key) => ({ key, samples: r.vc.metrics.latest(r, key, now, maxSamples) }))
          .filter((x) => x.samples.length > 0)
          .map((x) => ({
            timestamps: x.samples.map((s) => s.t),
            statKey: { key: x.key },
            intervalUnit: { quantifier: 1 },
            data: x.samples.map((s) => s.v),
          })),
      },
    })),
  };
}

/** bulk resolves many ids, dropping unknown ones (they are simply missing from `values`). */
function bulk(state: SimState, ids: string[]): MetricResource[] {
  return ids.map((id) => resolveResource(state, id)).filter((r): r is MetricResource => !!r);
}

/** statsRoutes: single and bulk stats, latest stats, and stat-key discovery. */
export const statsRoutes: FastifyPluginAsyncTypebox<{ state: SimState }> = async (app, { state }) => {
  app.get(
    '/resources/:id/stats',
    { schema: { params: IdParams, querystring: StatQuery, response: StatsReply } },
    async (req) => statsResponse(state, [single(state, req.params.id)], req.query)
  );
  app.post(
    '/resources/:id/stats/query',
    { schema: { params: IdParams, body: StatQuery, response: StatsReply } },
    async (req) => statsResponse(state, [single(state, req.params.id)], req.body ?? {})
  );
  app.get('/resources/stats', { schema: { querystring: BulkStatQuery, response: StatsReply } }, async (req) =>
    statsResponse(state, bulk(state, req.query.resourceId), req.query)
  );
  app.post('/resources/stats/query', { schema: { body: BulkStatQuery, response: StatsReply } }, async (req) =>
    statsResponse(state, bulk(state, req.body.resourceId), req.body)
  );

  app.get(
    '/resources/:id/stats/latest',
    { schema: { params: IdParams, querystring: Type.Object(LatestFields), response: StatsReply } },
    async (req) => latestResponse(state, [single(state, req.params.id)], req.query.statKey, req.query.maxSamples)
  );
  app.get(
    '/resources/stats/latest',
    {
      schema: {
        querystring: Type.Object({
          resourceId: Type.Array(Type.String(), { minItems: 1, maxItems: 1000 }),
          ...LatestFields,
        }),
        response: StatsReply,
      },
    },
    async (req) => latestResponse(state, bulk(state, req.query.resourceId), req.query.statKey, req.query.maxSamples)
  );
  app.post(
    '/resources/stats/latest/query',
    {
      schema: {
        body: Type.Object({ resourceId: Type.Array(Type.String(), { minItems: 1, maxItems: 10000 }), ...LatestFields }),
        response: StatsReply,
      },
    },
    async (req) => latestResponse(state, bulk(state, req.body.resourceId), req.body.statKey, req.body.maxSamples)
  );

  app.get('/resources/:id/statkeys', { schema: { params: IdParams, response: StatKeysReply } }, async (req) => ({
    'stat-key': (() => {
      const r = single(state, req.params.id);
      return r.vc.metrics.keysOf(r).map((key) => ({ key }));
    })(),
  }));
  app.get(
    '/resources/statkeys',
    {
      schema: {
        querystring: Type.Object({
          resourceId: Type.Array(Type.String(), { minItems: 1 }),
          searchstring: Type.Optional(Type.String()),
        }),
        response: StatKeysReply,
      },
    },
    async (req) => {
      const keys = new Set<string>();
      for (const r of bulk(state, req.query.resourceId)) for (const k of r.vc.metrics.keysOf(r)) keys.add(k);
      const s = req.query.searchstring?.toLowerCase();
      return { 'stat-key': [...keys].filter((k) => !s || k.toLowerCase().includes(s)).map((key) => ({ key })) };
    }
  );
};
