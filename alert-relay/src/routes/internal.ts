import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import {
  ActorHeaders,
  AuditEventIn,
  AuditQuery,
  AuditEvent,
  LoginParams,
  PlacementsPut,
  Subscription,
  SubscriptionPut,
  SubscriptionSaved,
} from '../schemas/internal';
import type { Actor } from '../policy/subscription';
import { ErrorBody } from '../schemas/webhook';
import { HttpError, bearerMatches } from '../plugins/webhook-auth';
import type { Config } from '../config';
import type { UsersRepository } from '../store/users-repo';
import type { AuditRepository } from '../store/audit-repo';
import type { PlacementsRepository } from '../store/placements-repo';
import type { OutboxRepository } from '../store/outbox-repo';
import type { OutboxWorker } from '../outbox/worker';

/** InternalDeps: what the internal API uses. */
export interface InternalDeps {
  config: Config;
  users: UsersRepository;
  audit: AuditRepository;
  placements: Pick<PlacementsRepository, 'putPlacements'>;
  outbox: Pick<OutboxRepository, 'listOutbox'>;
  worker: Pick<OutboxWorker, 'wake'> | null;
}

/** internalRoutes is the API for the data source backend (docs/contracts.md §5), behind RELAY_INTERNAL_TOKEN. */
const internalRoutes: FastifyPluginAsyncTypebox<InternalDeps> = async (
  app,
  { config: cfg, users, audit, placements, outbox, worker }
) => {
  app.addHook('onRequest', async (req) => {
    if (!bearerMatches(req.headers.authorization, cfg.RELAY_INTERNAL_TOKEN)) {
      throw new HttpError(401, 'unauthenticated', 'missing or wrong internal token');
    }
  });
  const security = [{ internalToken: [] }];
  // Every internal route is rate limited per client address (the backend is usually one client).
  const config = { rateLimit: { max: cfg.RELAY_INTERNAL_RATE_LIMIT_PER_MINUTE, timeWindow: '1 minute' } };
  const actorOf = (h: { 'x-actor-login'?: string; 'x-actor-role'?: string }): Actor | undefined =>
    h['x-actor-login'] ? { login: h['x-actor-login'], role: h['x-actor-role'] ?? 'unknown' } : undefined;
  const confirmUrl = (t: string) => `${cfg.PUBLIC_URL.replace(/\/$/, '')}/confirm?token=${t}`;

  app.get(
    '/internal/users',
    { config, schema: { tags: ['internal'], security, response: { 200: Type.Array(Subscription) } } },
    async () => users.listUsers()
  );

  app.get(
    '/internal/users/:login',
    {
      config,
      schema: { tags: ['internal'], security, params: LoginParams, response: { 200: Subscription, 404: ErrorBody } },
    },
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
      config,
      schema: {
        tags: ['internal'],
        security,
        params: LoginParams,
        headers: ActorHeaders,
        body: SubscriptionPut,
        response: { 200: SubscriptionSaved, 400: ErrorBody, 403: ErrorBody, 404: ErrorBody },
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
        actor: actorOf(req.headers),
        limits: {
          perUser: cfg.RELAY_CONFIRM_MAX_PER_USER_PER_HOUR,
          perAddress: cfg.RELAY_CONFIRM_MAX_PER_ADDRESS_PER_HOUR,
        },
      });
      if (r.confirmation === 'sent') {
        worker?.wake();
      }
      return { ...r.subscription, confirmation: r.confirmation };
    }
  );

  app.post(
    '/internal/users/:login/test-mail',
    {
      config,
      schema: {
        tags: ['internal'],
        security,
        description: "Queues one test mail (marked TEST) to the user's confirmed address, through the outbox.",
        params: LoginParams,
        response: { 202: Type.Object({ sentTo: Type.String() }), 409: ErrorBody, 429: ErrorBody },
      },
    },
    async (req, reply) => {
      const sentTo = await users.queueTestMail(req.params.login, Date.now(), cfg.RELAY_CONFIRM_MAX_PER_USER_PER_HOUR);
      worker?.wake();
      return reply.code(202).send({ sentTo });
    }
  );

  app.delete(
    '/internal/users/:login',
    {
      config,
      schema: {
        tags: ['internal'],
        security,
        params: LoginParams,
        headers: ActorHeaders,
        response: { 204: Type.Null(), 404: ErrorBody },
      },
    },
    async (req, reply) => {
      if (!(await users.deleteUser(req.params.login, Date.now(), actorOf(req.headers)))) {
        return reply.code(404).send({ error: 'not_found', message: 'no registration for this login' });
      }
      return reply.code(204).send(null);
    }
  );

  app.post(
    '/internal/audit',
    {
      config,
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
      config,
      schema: {
        tags: ['internal'],
        security,
        querystring: AuditQuery,
        response: { 200: Type.Object({ items: Type.Array(AuditEvent), total: Type.Integer() }) },
      },
    },
    async (req) => audit.queryAudit(req.query)
  );

  app.put(
    '/internal/placements',
    {
      config,
      // 5,000 placements of names up to 256 characters fit; larger estates come in several calls.
      bodyLimit: 4 * 1024 * 1024,
      schema: {
        tags: ['internal'],
        security,
        description:
          'Where VMs run now (host, cluster), so alert mails can say it although series labels name the VM only.',
        body: PlacementsPut,
        response: { 200: Type.Object({ stored: Type.Integer() }), 400: ErrorBody },
      },
    },
    async (req) => ({ stored: await placements.putPlacements(req.body, Date.now()) })
  );

  app.get(
    '/internal/outbox/parked',
    {
      config,
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
