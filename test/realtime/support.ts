import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import type { TenantHub } from '../../src/durable/tenant-hub';
import type { TestTenant } from '../helpers/factories';
import { answered, rest } from '../helpers/rest';
import type { TestSocket } from '../helpers/ws';

/** Shared plumbing for the realtime tests: the tenant's hub stub, its alarm, its SQLite. */

export const hubOf = (tenantId: string) => env.TENANT_HUB.getByName(tenantId);

/** Runs the hub's scheduled alarm now (catch-up, trail flush, presence deadlines, token expiry). */
export const runAlarm = (tenantId: string) => runDurableObjectAlarm(hubOf(tenantId));

/** Reads the hub's own SQLite. */
export const hubSql = <T extends Record<string, SqlStorageValue>>(
  tenantId: string,
  query: string,
  ...args: unknown[]
) =>
  runInDurableObject(hubOf(tenantId), (_hub: TenantHub, state) => state.storage.sql.exec<T>(query, ...args).toArray());

/** The hub's in-memory instance, for the few tests that must move time forward (presence grace). */
export const inHub = <R>(tenantId: string, fn: (hub: any, state: DurableObjectState) => R | Promise<R>) =>
  runInDurableObject(hubOf(tenantId), (hub: TenantHub, state) => fn(hub, state));

/**
 * Waits for a frame; if it has not come in `patienceMs`, runs the alarm (the hub's own catch-up) and waits
 * again. Delivery after a write normally comes from the write pipeline's hand-off; the alarm is the fallback.
 */
export async function nextOrAlarm(socket: TestSocket, tenantId: string, predicate: (f: any) => boolean) {
  try {
    return await socket.next(predicate, 1500);
  } catch {
    await runAlarm(tenantId);
    return socket.next(predicate, 5000);
  }
}

/** The tenant's last event seq according to the REST log. */
export async function logSeq(t: TestTenant): Promise<number> {
  let since = 0;
  for (;;) {
    const res = await answered(rest(t.token).GET('/v1/events', { params: { query: { since, limit: 1000 } } }));
    const data = res.body.data;
    if (data.length === 0) return since;
    since = data.at(-1)?.seq ?? since;
    if (!res.body.nextCursor) return since;
  }
}

export const fix = (overrides: Record<string, unknown> = {}) => ({
  type: 'location',
  lat: 52.52,
  lng: 13.405,
  accuracy: 8,
  ts: Date.now(),
  ...overrides,
});

export const isEvent = (type: string, entityId?: string) => (f: any) =>
  f.type === 'event' && f.event.type === type && (entityId === undefined || f.event.entityId === entityId);

export const isError = (code: string) => (f: any) => f.type === 'error' && f.code === code;

export const presenceOf = (salesmanId: string, status: string) => (f: any) =>
  f.type === 'presence' && f.changes.some((c: any) => c.salesmanId === salesmanId && c.status === status);
