import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { VcenterState } from '../../state';
import { unauthenticated } from './errors';
import { contentRoutes } from './content';
import { guestRoutes } from './guest';
import { inventoryRoutes } from './inventory';
import { migrateRoutes } from './migrate';
import { sessionRoutes } from './session';
import { vmRoutes } from './vm';

/** VcenterRouteOptions carry the shared simulator state into the vCenter routes. */
export interface VcenterRouteOptions {
  state: VcenterState;
}

/**
 * vcenterRoutes serves one vCenter's vSphere Automation REST API (under `/api` for vCenter 1 and
 * `/vc/<k>/api` for vCenter k). Every call except
 * `POST /api/session` needs a live `vmware-api-session-id`, and using it bumps its idle clock.
 */
export const vcenterRoutes: FastifyPluginAsyncTypebox<VcenterRouteOptions> = async (app, { state }) => {
  app.addHook('onRequest', async (req) => {
    if (req.method === 'POST' && req.routeOptions.url?.endsWith('/api/session')) return;
    if (!req.routeOptions.url) return; // unknown route: let the 404 handler answer
    const header = req.headers['vmware-api-session-id'];
    const token = Array.isArray(header) ? header[0] : header;
    if (!state.touchSession(token)) throw unauthenticated();
  });
  await app.register(sessionRoutes, { state });
  await app.register(inventoryRoutes, { state });
  await app.register(vmRoutes, { state });
  await app.register(guestRoutes, { state });
  await app.register(migrateRoutes, { state });
  await app.register(contentRoutes, { state });
};
