import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { SimState } from '../../state';
import { unauthenticated } from './errors';
import { guestRoutes } from './guest';
import { inventoryRoutes } from './inventory';
import { sessionRoutes } from './session';
import { vmRoutes } from './vm';

/** VcenterRouteOptions carry the shared simulator state into the vCenter routes. */
export interface VcenterRouteOptions {
  state: SimState;
}

/**
 * vcenterRoutes serves the vSphere Automation REST API under `/api`. Every call except
 * `POST /api/session` needs a live `vmware-api-session-id`, and using it bumps its idle clock.
 */
export const vcenterRoutes: FastifyPluginAsyncTypebox<VcenterRouteOptions> = async (app, { state }) => {
  app.addHook('onRequest', async (req) => {
    if (req.method === 'POST' && req.routeOptions.url === '/api/session') return;
    if (!req.routeOptions.url) return; // unknown route: let the 404 handler answer
    const header = req.headers['vmware-api-session-id'];
    const token = Array.isArray(header) ? header[0] : header;
    if (!state.touchSession(token)) throw unauthenticated();
  });
  await app.register(sessionRoutes, { state });
  await app.register(inventoryRoutes, { state });
  await app.register(vmRoutes, { state });
  await app.register(guestRoutes, { state });
};
