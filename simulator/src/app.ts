import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { controlRoutes } from './control/routes';
import { apiFamilyOf, delayFor, outageActive } from './faults/faults';
import { VapiError, vapiError } from './routes/vcenter/errors';
import { vcenterRoutes } from './routes/vcenter';
import { OpsError } from './routes/vrops/errors';
import { vropsRoutes } from './routes/vrops';
import type { SimState } from './state';

/** BuildAppOptions are what the process layer passes to the app. */
export interface BuildAppOptions {
  /** A pino logger (the CLI's, writing to stderr); absent = silent. */
  logger?: FastifyBaseLogger | false;
  https?: { key: string; cert: string } | null;
  /** Advertised idle keep-alive seconds (see keepAliveTiming). */
  keepAliveSeconds?: number;
}

/** KEEP_ALIVE_GRACE_MS is how much longer than advertised an idle socket stays open (at most). */
export const KEEP_ALIVE_GRACE_MS = 5_000;

/**
 * keepAliveTiming: the server advertises `Keep-Alive: timeout=N` but keeps an idle socket open
 * N s + grace (5 s, or N s when N < 5), so a client that reuses a connection right at the advertised boundary (or whose
 * request is delayed by a busy event loop) never has it closed under it, and a client that does
 * not read the header (Go's net/http: 90 s idle by default) closes first with N = 120.
 * `headersTimeout` and `requestTimeout` are ordered above it, as Node requires.
 */
export function keepAliveTiming(advertisedSeconds: number) {
  const keepAliveTimeout = advertisedSeconds * 1000 + Math.min(KEEP_ALIVE_GRACE_MS, advertisedSeconds * 1000);
  return { keepAliveTimeout, headersTimeout: keepAliveTimeout + 1_000, requestTimeout: keepAliveTimeout + 2_000 };
}

/**
 * buildApp assembles the simulator: fault injection and call counting first, then the vCenter
 * (`/api`) and vROps (`/suite-api/api`) routes and the `/__sim` control surface.
 */
export function buildApp(state: SimState, opts: BuildAppOptions = {}): FastifyInstance {
  const timing = keepAliveTiming(opts.keepAliveSeconds ?? 120);
  const app = Fastify({
    ...(opts.logger ? { loggerInstance: opts.logger } : { logger: false }),
    keepAliveTimeout: timing.keepAliveTimeout,
    requestTimeout: timing.requestTimeout,
    // Per-request log lines would dominate a 10,000-VM benchmark; errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 4 * 1024 * 1024,
    ...(opts.https ? { https: opts.https } : {}),
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.server.headersTimeout = timing.headersTimeout;
  // Advertise the keep-alive window without the grace (Node would announce the full timeout).
  app.addHook('onSend', async (_req, reply, payload) => {
    if (reply.raw.shouldKeepAlive) {
      reply.header('connection', 'keep-alive');
      reply.header('keep-alive', `timeout=${opts.keepAliveSeconds ?? 120}`);
    }
    return payload;
  });

  // Real vCenter and vROps accept `Content-Type: application/json` with an empty body (power
  // actions, token release); Fastify's default parser would refuse it, so empty means "no body".
  const jsonParser = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, undefined);
    return jsonParser(req, text, done);
  });

  // A POST/PUT/PATCH without a body means "no options": validate it as an empty object.
  app.addHook('preValidation', async (req) => {
    if (
      (req.method === 'POST' || req.method === 'PUT' || req.method === 'PATCH') &&
      (req.body === undefined || req.body === null)
    ) {
      req.body = {};
    }
  });

  // Count every call a client makes (faulted ones too), keyed by method and route pattern.
  app.addHook('onRequest', async (req, reply) => {
    const family = apiFamilyOf(req.url);
    if (family === 'control' || family === 'other') return;
    const pattern = req.routeOptions.url;
    state.countCall(`${req.method} ${pattern ?? '(unknown route)'}`);
    const f = state.faults;
    if (outageActive(f, family, Date.now()) || (f.errorRate > 0 && Math.random() < f.errorRate)) {
      const e = serviceUnavailable(family);
      return reply.code(e.status).send(e.body());
    }
    const delay = delayFor(f, Math.random);
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
  });

  app.setErrorHandler((err: FastifyError, req, reply) => {
    const family = apiFamilyOf(req.url);
    if (err instanceof VapiError || err instanceof OpsError) return reply.code(err.status).send(err.body());
    if (err.validation) {
      const v = err.validation[0];
      const allowed = (v?.params as { allowedValues?: unknown[] } | undefined)?.allowedValues;
      const detail = `${err.validationContext ?? 'request'}${v?.instancePath ?? ''} ${v?.message ?? 'is invalid'}${allowed ? ` (${allowed.join(', ')})` : ''}`;
      if (family === 'vcenter') {
        return reply
          .code(400)
          .send(
            vapiError('INVALID_ARGUMENT', 'com.vmware.vapi.rest.invalid_argument', `Invalid argument: ${detail}.`, [
              detail,
            ]).body()
          );
      }
      return reply.code(400).send(
        new OpsError(
          400,
          'Invalid input',
          400,
          err.validation.map((v) => ({
            failureMessage: v.message ?? 'invalid',
            violationPath: `${err.validationContext}${v.instancePath}`,
          }))
        ).body()
      );
    }
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) req.log.error({ err }, 'unhandled error');
    // Client mistakes (bad JSON, wrong content type, body too large) keep their status; internals stay hidden.
    const message = status === 500 ? 'An internal error occurred.' : err.message;
    if (family === 'vcenter') {
      const type = status === 500 ? 'ERROR' : 'INVALID_REQUEST';
      return reply.code(status).send({
        error_type: type,
        messages: [
          {
            id: status === 500 ? 'com.vmware.vapi.std.errors.error' : 'com.vmware.vapi.rest.badRequest',
            default_message: message,
            args: [],
          },
        ],
      });
    }
    return reply.code(status).send(new OpsError(status, message).body());
  });

  app.setNotFoundHandler((req, reply) => {
    const family = apiFamilyOf(req.url);
    if (family === 'vcenter') {
      return reply.code(404).send(vapiError('NOT_FOUND', 'com.vmware.vapi.rest.httpNotFound', 'Not found.').body());
    }
    if (family === 'vrops')
      return reply.code(404).send(new OpsError(404, `No such resource: ${req.method} ${req.url.split('?')[0]}`).body());
    return reply.code(404).send({ error: 'not_found', message: `No route ${req.method} ${req.url.split('?')[0]}` });
  });

  // vCenter 1 answers at the root `/api` (existing clients) and at `/vc/1/api`; vCenter k at `/vc/<k>/api`.
  app.register(vcenterRoutes, { prefix: '/api', state: state.vcenters[0] });
  for (const vc of state.vcenters) app.register(vcenterRoutes, { prefix: `${vc.basePath}/api`, state: vc });
  app.register(vropsRoutes, { prefix: '/suite-api/api', state });
  app.register(controlRoutes, { prefix: '/__sim', state });
  return app;
}

function serviceUnavailable(family: 'vcenter' | 'vrops'): VapiError | OpsError {
  if (family === 'vcenter') {
    return vapiError(
      'SERVICE_UNAVAILABLE',
      'com.vmware.vapi.endpoint.service_unavailable',
      'The service is temporarily unavailable.'
    );
  }
  return new OpsError(503, 'Service Unavailable', 503);
}
