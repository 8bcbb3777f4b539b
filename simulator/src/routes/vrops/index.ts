import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { SimState } from '../../state';
import { credentialsMatch } from '../vcenter/session';
import { adapterRoutes } from './adapters';
import { alertRoutes } from './alerts';
import { definitionRoutes } from './definitions';
import { OpsError, tokenInvalid } from './errors';
import { propertyRoutes } from './properties';
import { relationshipRoutes } from './relationships';
import { resourceRoutes } from './resources';
import { statsRoutes } from './stats';

/** TOKEN_SCHEMES are the Authorization schemes vROps accepts for acquired tokens. */
export const TOKEN_SCHEMES = ['vRealizeOpsToken', 'OpsToken'] as const;

function readToken(header: string | undefined): { scheme: string; token: string } | undefined {
  const m = /^(\S+)\s+(\S+)$/.exec(header ?? '');
  if (!m) return undefined;
  const scheme = TOKEN_SCHEMES.find((s) => s.toLowerCase() === m[1].toLowerCase());
  return scheme ? { scheme, token: m[2] } : undefined;
}

/**
 * vropsRoutes serves the Suite API under `/suite-api/api`: token acquire/release, resources,
 * relationships, stats, properties and alerts. Every call except acquire needs a live token;
 * using it slides its validity forward (vROps extends tokens to 6 h after the last call).
 */
export const vropsRoutes: FastifyPluginAsyncTypebox<{ state: SimState }> = async (app, { state }) => {
  app.addHook('onRequest', async (req) => {
    if (!req.routeOptions.url || req.routeOptions.url.endsWith('/auth/token/acquire')) return;
    const t = readToken(req.headers.authorization);
    if (!t)
      throw new OpsError(
        401,
        'Authentication required: send "Authorization: vRealizeOpsToken <token>" (or OpsToken).',
        1512
      );
    if (!state.touchToken(t.token)) throw tokenInvalid(t.scheme);
  });

  app.post(
    '/auth/token/acquire',
    {
      schema: {
        body: Type.Object({
          username: Type.String(),
          password: Type.String(),
          authSource: Type.Optional(Type.String()),
        }),
        response: {
          200: Type.Object({
            token: Type.String(),
            validity: Type.Number(),
            expiresAt: Type.String(),
            roles: Type.Array(Type.String()),
          }),
        },
      },
    },
    async (req) => {
      const { username, password, authSource } = req.body;
      // Local users only: an explicit non-local source has no such user.
      const local = !authSource || /^local(users)?$/i.test(authSource) || /^vsphere\.local$/i.test(authSource);
      if (!local || !credentialsMatch(state, username, password))
        throw new OpsError(401, 'Authentication failed', 1513);
      const { token, validity } = state.createToken(username);
      return { token, validity, expiresAt: new Date(validity).toUTCString(), roles: [] };
    }
  );

  app.post('/auth/token/release', async (req, reply) => {
    const t = readToken(req.headers.authorization);
    if (t) state.tokens.delete(t.token);
    return reply.code(200).send();
  });

  await app.register(resourceRoutes, { state });
  await app.register(relationshipRoutes, { state });
  await app.register(statsRoutes, { state });
  await app.register(propertyRoutes, { state });
  await app.register(alertRoutes, { state });
  await app.register(definitionRoutes, { state });
  await app.register(adapterRoutes, { state });
};
