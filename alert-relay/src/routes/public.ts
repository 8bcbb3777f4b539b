import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { parseUnsubscribeToken, verifyUnsubscribeToken } from '../mail/tokens';
import type { Config } from '../config';
import type { UsersRepository } from '../store/users-repo';

/** PublicDeps: what the e-mail link pages use. */
export interface PublicDeps {
  config: Config;
  users: Pick<UsersRepository, 'userRow' | 'unsubscribe' | 'confirmByToken'>;
}

const page = (title: string, body: string) =>
  `<!DOCTYPE html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${title}</title></head>` +
  `<body style="font-family:Arial,Helvetica,sans-serif;max-width:560px;margin:40px auto;color:#222"><h1 style="font-size:20px">${title}</h1>${body}</body></html>`;

const TokenQuery = Type.Object({ token: Type.String({ minLength: 1, maxLength: 600 }) });

/**
 * publicRoutes are the links inside e-mails. GET only shows a page with a button, because mail
 * scanners fetch links; the change happens on POST (which is also RFC 8058's one-click request).
 */
const publicRoutes: FastifyPluginAsyncTypebox<PublicDeps> = async (app, { config: cfg, users }) => {
  // RFC 8058 one-click posts `List-Unsubscribe=One-Click` form-encoded; the token is in the URL.
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 1024 },
    (_req, body, done) => done(null, body)
  );

  const checkUnsub = async (token: string) => {
    const t = parseUnsubscribeToken(token);
    if (!t) {
      return undefined;
    }
    const u = await users.userRow(t.login);
    if (!u || !verifyUnsubscribeToken(cfg.RELAY_UNSUBSCRIBE_SECRET, t.sig, u.login, u.email)) {
      return undefined;
    }
    return u.login;
  };
  // Per client address: the pages are cheap, but a flood of token guesses must not be.
  const config = { rateLimit: { max: cfg.RELAY_PUBLIC_RATE_LIMIT_PER_MINUTE, timeWindow: '1 minute' } };
  const escAttr = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

  app.get('/unsubscribe', { config, schema: { tags: ['public'], querystring: TokenQuery } }, async (req, reply) => {
    reply.type('text/html; charset=utf-8');
    if (!(await checkUnsub(req.query.token))) {
      return reply
        .code(400)
        .send(page('Link not valid', '<p>This unsubscribe link is not valid (it may be for an older address).</p>'));
    }
    return page(
      'Stop alert e-mails?',
      `<form method="post" action="unsubscribe?token=${escAttr(encodeURIComponent(req.query.token))}"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit" style="padding:8px 14px">Unsubscribe</button></form>`
    );
  });

  app.post('/unsubscribe', { config, schema: { tags: ['public'], querystring: TokenQuery } }, async (req, reply) => {
    const login = await checkUnsub(req.query.token);
    reply.type('text/html; charset=utf-8');
    if (!login) {
      return reply.code(400).send(page('Link not valid', '<p>This unsubscribe link is not valid.</p>'));
    }
    await users.unsubscribe(login, Date.now());
    req.log.info({ login }, 'unsubscribed');
    return page(
      'Unsubscribed',
      '<p>You will not receive alert e-mails any more. You can subscribe again from the app in Grafana.</p>'
    );
  });

  app.get('/confirm', { config, schema: { tags: ['public'], querystring: TokenQuery } }, async (req, reply) => {
    reply.type('text/html; charset=utf-8');
    return page(
      'Confirm your address',
      `<form method="post" action="confirm?token=${escAttr(encodeURIComponent(req.query.token))}"><button type="submit" style="padding:8px 14px">Confirm and receive alert e-mails</button></form>`
    );
  });

  app.post('/confirm', { config, schema: { tags: ['public'], querystring: TokenQuery } }, async (req, reply) => {
    reply.type('text/html; charset=utf-8');
    const login = await users.confirmByToken(req.query.token, Date.now());
    if (!login) {
      return reply
        .code(400)
        .send(page('Link not valid', '<p>This confirmation link is not valid or was already used.</p>'));
    }
    req.log.info({ login }, 'address confirmed');
    return page('Address confirmed', '<p>You will now receive the alert e-mails you registered for.</p>');
  });
};

export default publicRoutes;
