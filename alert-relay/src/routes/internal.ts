import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { AuditEventIn, AuditQuery, AuditEvent, LoginParams, Subscription, SubscriptionPut } from '../schemas/internal';
import { ErrorBody } from '../schemas/webhook';
import { HttpError, bearerMatches } from '../plugins/webhook-auth';
import type { Config } from '../config';
import type { UsersRepository } from '../store/users-repo';
import type { AuditRepository } from '../store/audit-repo';
import type { OutboxRepository } from '../store/outbox-repo';
import type { OutboxWorker } from '../outbox/worker';

/** InternalDeps: what the internal API uses. */
export interface InternalDeps {
  config: Config;
  users: UsersRepository;
  audit: AuditRepository;
  outbox: Pick<OutboxRepository, 'listOutbox'>;
  worker: Pick<OutboxWorker, 'wake'> | null;
}

/** internalRoutes is the API for the data source backend (docs/contracts.md §5), behind RELAY_INTERNAL_TOKEN. */
const internalRoutes: FastifyPluginAsyncTypebox<InternalDeps> = async (
  app,
  { config: cfg, users, audit, outbox, worker }
) => {
  app.addHook('onRequest', async (req) => {
    if (!bearerMatches(req.headers.authorization, cfg.RELAY_INTERNAL_TOKEN)) {
      throw new HttpError(401, 'unauthenticated', 'missing or wrong internal token');
    }
  });
  const security = [{ internalToken: [] }];
  const confirmUrl = (t: string) => `${cfg.PUBLIC_URL.replace(/\/$/, '')}/confirm?token=${t}`;

  app.get(
    '/internal/users',
    { schema: { tags: ['internal'], security, response: { 200: Type.Array(Subscription) } } },
    async () => users.listUsers()
  );

  app.get(
    '/internal/users/:login',
    { schema: { tags: ['internal'], security, params: LoginParams, response: { 200: Subscription, 404: ErrorBody } } },
    async (req, reply) => {
      const s = await users.getUser(req.params.login);
      if (!s) {
        return reply.code(404).send({ error: 'not_found', message: 'no registration for this login' });
      }
      return s;
    }
  );

  app.put(
    '/internal/users/:login',
    {
      schema: {
        tags: ['internal'],
        security,
        params: LoginParams,
        body: SubscriptionPut,
        response: { 200: Subscription, 400: ErrorBody },
      },
    },
    async (req, reply) => {
      if (req.body.login !== undefined && req.body.login !== req.params.login) {
        return reply.code(400).send({ error: 'bad_request', message: 'login in the body differs from the path' });
      }
      const r = await users.putUser(req.params.login, req.body, {
        now: Date.now(),
        defaultDigestMinutes: cfg.RELAY_DEFAULT_DIGEST_MINUTES,
        confirmUrl,
      });
      if (r.confirmationQueued) {
        worker?.wake();
      }
      return r.subscription;
    }
  );

  app.delete(
    '/internal/users/:login',
    { schema: { tags: ['internal'], security, params: LoginParams, response: { 204: Type.Null(), 404: ErrorBody } } },
    async (req, reply) => {
      if (!(await users.deleteUser(req.params.login))) {
        return reply.code(404).send({ error: 'not_found', message: 'no registration for this login' });
      }
      return reply.code(204).send(null);
    }
  );

  app.post(
    '/internal/audit',
    {
      schema: {
        tags: ['internal'],
        security,
        body: AuditEventIn,
        response: { 201: Type.Object({ id: Type.String() }), 400: ErrorBody },
      },
    },
    async (req, reply) => reply.code(201).send({ id: await audit.insertAudit(req.body) })
  );

  app.get(
    '/internal/audit',
    {
      schema: {
        tags: ['internal'],
        security,
        querystring: AuditQuery,
        response: { 200: Type.Object({ items: Type.Array(AuditEvent), total: Type.Integer() }) },
      },
    },
    async (req) => audit.queryAudit(req.query)
  );

  app.get(
    '/internal/outbox/parked',
    {
      schema: {
        tags: ['internal'],
        security,
        description: 'Mails that will not be retried, with the reason (addresses masked).',
        response: {
          200: Type.Array(
            Type.Object({
              id: Type.Integer(),
              kind: Type.String(),
              login: Type.String(),
              reason: Type.String(),
              attempts: Type.Integer(),
            })
          ),
        },
      },
    },
    async () =>
      (await outbox.listOutbox('parked')).map((r) => ({
        id: Number(r.id),
        kind: r.kind,
        login: r.login,
        reason: r.last_error ?? '',
        attempts: r.attempts,
      }))
  );
};

export default internalRoutes;
