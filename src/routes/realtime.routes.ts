import type { Context } from 'hono';
import type { AppEnv } from '../env';
import { AppError, ErrorCode } from '../lib/errors';
import { credentialOf, resolvePrincipal } from '../middleware/auth';
import { chargeRate, rateLimitedError } from '../middleware/rate-limit';
import { connectRealtime, realtimeStats } from '../services/realtime.service';
import { createProtectedRouter, createRouter, jsonResponse, protectedRoute, serviceContext, z } from './openapi';

/**
 * `GET /v1/realtime` upgrades to a WebSocket to the tenant's hub (protocol: docs/realtime.md). The
 * credential is verified here, before the upgrade, read like every route's (`credentialOf`), plus
 * `access_token` in the query for browsers (which cannot set headers on WebSockets).
 */
export const realtimeSocketRouter = createRouter();
realtimeSocketRouter.get('/', async (c: Context<AppEnv>) => {
  if (c.req.header('upgrade')?.toLowerCase() !== 'websocket') {
    throw new AppError(ErrorCode.BAD_REQUEST, 'This endpoint speaks WebSocket: send an Upgrade: websocket request');
  }
  const principal = await resolvePrincipal(c, credentialOf(c, { allowQuery: true }));
  // Connections opened per minute count against the plan (a reconnect storm, a client in a loop).
  const decision = await chargeRate(c, 'connect', principal);
  if (decision && !decision.allowed) throw rateLimitedError(decision, 'realtime connections');
  return connectRealtime(c.get('platform').as(principal), c.req.raw, principal.expiresAt ?? null);
});

const StatsSchema = z
  .object({
    connections: z.object({ total: z.number().int(), byRole: z.record(z.string(), z.number().int()) }),
    rooms: z.record(z.string(), z.number().int()),
    lastSeq: z.number().int(),
    eventsDelivered: z.number().int(),
    eventsPerSecond: z.number(),
    trailPending: z.number().int(),
  })
  .openapi('RealtimeStats');

export const realtimeStatsRouter = createProtectedRouter().openapi(
  protectedRoute({
    method: 'get',
    path: '/stats',
    tags: ['Realtime'],
    summary: "Live connections by role, rooms and event throughput of the tenant's hub",
    responses: { 200: jsonResponse(StatsSchema, 'Hub statistics') },
  }),
  async (c) => c.json(await realtimeStats(serviceContext(c)), 200),
);
