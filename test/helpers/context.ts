import { env } from 'cloudflare:workers';
import { ROLE_PERMISSIONS } from '../../src/auth/permissions';
import type { Principal } from '../../src/auth/principal';
import { systemPrincipal } from '../../src/auth/principal';
import { createServiceContext, type ServiceContext } from '../../src/services/context';
import { testDb } from './db';
import type { TestTenant } from './factories';

/** Hand-offs to the tenant hub started by contexts made here; `settled()` waits for them. */
const pending = new Set<Promise<unknown>>();

/**
 * A service context built by the product's own factory, for tests that call a service directly: the
 * events it commits go to the tenant hub exactly as a request's would.
 */
export function contextFor(principal: Principal, atMs?: number): ServiceContext {
  return createServiceContext(
    {
      db: testDb(),
      hubs: env.TENANT_HUB,
      waitUntil: (promise) => {
        pending.add(promise);
        void promise.finally(() => pending.delete(promise));
      },
      ...(atMs === undefined ? {} : { now: new Date(atMs).toISOString() }),
    },
    principal,
  );
}

/** The platform acting for a tenant (as the cron jobs do), at `atMs` when given. */
export const systemContext = (tenantId: string, atMs?: number, component = 'test') =>
  contextFor(systemPrincipal(tenantId, component), atMs);

/** Waits until every hand-off to a hub started by these contexts has finished. */
export async function settled(): Promise<void> {
  while (pending.size > 0) await Promise.allSettled([...pending]);
}

/** The tenant owner as a verified principal (what the owner's access token stands for). */
export const ownerPrincipal = (t: TestTenant): Principal => ({
  tenantId: t.tenantId,
  kind: 'user',
  id: t.ownerId,
  role: 'owner',
  salesmanId: null,
  permissions: ROLE_PERMISSIONS.owner,
});
