import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { timingSafeEqual } from 'node:crypto';
import type { VcenterState } from '../../state';
import { unauthenticated } from './errors';

/** credentialsMatch compares user (case-insensitively, like SSO) and password in constant time. */
export function credentialsMatch(
  state: { options: { user: string; password: string } },
  user: string,
  password: string
): boolean {
  const a = Buffer.from(password);
  const b = Buffer.from(state.options.password);
  const pwOk = a.length === b.length && timingSafeEqual(a, b);
  return pwOk && user.toLowerCase() === state.options.user.toLowerCase();
}

/** displayUser renders a login the way vCenter reports it (`Administrator@VSPHERE.LOCAL`). */
function displayUser(user: string): string {
  const [name, domain] = user.split('@');
  const n = name.charAt(0).toUpperCase() + name.slice(1);
  return domain ? `${n}@${domain.toUpperCase()}` : n;
}

/** sessionUser names the caller of a task (the session's user). */
export function sessionUser(state: VcenterState, header: string | string[] | undefined): string {
  const token = Array.isArray(header) ? header[0] : header;
  return (token && state.sessions.get(token)?.user) || 'unknown';
}

/** sessionRoutes: `POST/GET/DELETE /api/session` (CIS session service). */
export const sessionRoutes: FastifyPluginAsyncTypebox<{ state: VcenterState }> = async (app, { state }) => {
  app.post('/session', { schema: { response: { 201: Type.String() } } }, async (req, reply) => {
    const auth = req.headers.authorization ?? '';
    const m = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(auth);
    if (!m) throw unauthenticated();
    const decoded = Buffer.from(m[1], 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    if (i < 0 || !credentialsMatch(state, decoded.slice(0, i), decoded.slice(i + 1))) throw unauthenticated();
    // The body is a JSON string ("…"), so serialise explicitly: Fastify sends raw strings as text.
    return reply
      .code(201)
      .type('application/json')
      .send(JSON.stringify(state.createSession(displayUser(decoded.slice(0, i)))));
  });

  app.get(
    '/session',
    {
      schema: {
        response: {
          200: Type.Object({ user: Type.String(), created_time: Type.String(), last_accessed_time: Type.String() }),
        },
      },
    },
    async (req) => {
      const s = state.sessions.get(String(req.headers['vmware-api-session-id']));
      // Expired between the auth hook and here (e.g. /__sim/expire-sessions): same 401.
      if (!s) throw unauthenticated();
      return {
        user: s.user,
        created_time: new Date(s.created).toISOString(),
        last_accessed_time: new Date(s.lastAccessed).toISOString(),
      };
    }
  );

  app.delete('/session', async (req, reply) => {
    state.sessions.delete(String(req.headers['vmware-api-session-id']));
    return reply.code(204).send();
  });
};
