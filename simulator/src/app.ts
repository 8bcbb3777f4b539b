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
}

/**
 * buildApp assembles the simulator: fault injection and call counting first, then the vCenter
 * (`/api`) and vROps (`/suite-api/api`) routes and the `/__sim` control surface.
 */
export function buildApp(state: SimState, opts: BuildAppOptions = {}): FastifyInstance {
  const app = Fastify({
    ...(opts.logger ? { loggerInstance: opts.logger } : { logger: false }),
    // Per-request log lines would dominate a 10,000-VM benchmark; errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 4 * 1024 * 1024,
    ...(opts.https ? { https: opts.https } : {}),
  }).withTypeProvider<TypeBoxTypeProvider>();

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
        return reply.code(400).send(vapiError('INVALID_ARGUMENT', 'com.vmware.vapi.rest.invalid_argument', `Invalid argument: ${detail}.`, [detail]).body());
      }
      return reply.code(400).send(
        new OpsError(400, 'Invalid input', 400, err.validation.map((v) => ({ failureMessage: v.message ?? 'invalid', violationPath: `${err.validationContext}${v.instancePath}` }))).body(),
      );
    }
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) req.log.error({ err }, 'unhandled error');
    // Client mistakes (bad JSON, wrong content type, body too large) keep their status; internals stay hidden.
    const message = status === 500 ? 'An internal error occurred.' : err.message;
    if (family === 'vcenter') {
      const type = status === 500 ? 'ERROR' : 'INVALID_REQUEST';
      return reply.code(status).send({ error_type: type, messages: [{ id: status === 500 ? 'com.vmware.vapi.std.errors.error' : 'com.vmware.vapi.rest.badRequest', default_message: message, args: [] }] });
    }
    return reply.code(status).send(new OpsError(status, message).body());
  });

  app.setNotFoundHandler((req, reply) => {
    const family = apiFamilyOf(req.url);
    if (family === 'vcenter') {
      return reply.code(404).send(vapiError('NOT_FOUND', 'com.vmware.vapi.rest.httpNotFound', 'Not found.').body());
    }
    if (family === 'vrops') return reply.code(404).send(new OpsError(404, `No such resource: ${req.method} ${req.url.split('?')[0]}`).body());
    return reply.code(404).send({ error: 'not_found', message: `No route ${req.method} ${req.url.split('?')[0]}` });
  });

  app.register(vcenterRoutes, { prefix: '/api', state });
  app.register(vropsRoutes, { prefix: '/suite-api/api', state });
  app.register(controlRoutes, { prefix: '/__sim', state });
  return app;
}

function serviceUnavailable(family: 'vcenter' | 'vrops'): VapiError | OpsError {
  if (family === 'vcenter') {
    return vapiError('SERVICE_UNAVAILABLE', 'com.vmware.vapi.endpoint.service_unavailable', 'The service is temporarily unavailable.');
  }
  return new OpsError(503, 'Service Unavailable', 503);
}
