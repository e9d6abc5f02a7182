import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env';
import { nudgeHub } from '../services/realtime.service';

/**
 * After a successful write, tell the tenant's hub to pull the new events from the log. The hand-off runs
 * after the response (waitUntil) and may fail harmlessly: the hub also catches up on a timer, so an
 * event is delivered late at worst, never lost.
 */
export const publishEvents = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  const method = c.req.method;
  const principal = c.var.principal;
  if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS' || !principal || c.res.status >= 400) return;
  c.executionCtx.waitUntil(nudgeHub(c.env, principal.tenantId));
});
