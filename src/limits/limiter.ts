import { eq } from 'drizzle-orm';
import type { Principal } from '../auth/principal';
import type { Db } from '../db/client';
import type { PlanLimits, PlanTier } from '../db/schema/enums';
import { tenants } from '../db/tables';
import { planLimits } from './plans';
import { type RateCheck, type RateDecision, WINDOW_MS } from './window-counter';

/** What is counted: REST requests, GraphQL complexity, realtime connections. */
export type RateKind = 'rest' | 'graphql' | 'connect';

/** How long an isolate trusts what it read of a tenant's plan (an operator's change shows within this). */
const PLAN_TTL_MS = 60_000;
const known = new Map<string, { at: number; plan: PlanTier; limits: PlanLimits }>();

/** The tenant's plan and effective limits, read at most once a minute per isolate. */
export async function tenantLimits(
  db: Db,
  tenantId: string,
  now = Date.now(),
): Promise<{ plan: PlanTier; limits: PlanLimits }> {
  const cached = known.get(tenantId);
  if (cached && now - cached.at < PLAN_TTL_MS) return cached;
  const [row] = await db
    .select({ plan: tenants.plan, limits: tenants.limits })
    .from(tenants)
    .where(eq(tenants.id, tenantId));
  const entry = { at: now, plan: row?.plan ?? 'free', limits: planLimits(row?.plan ?? 'free', row?.limits ?? null) };
  if (known.size > 10_000) known.clear();
  known.set(tenantId, entry);
  return entry;
}

/** Forgets what this isolate read of a tenant's plan, and the uses it holds (tests). */
export function forgetTenantLimits(tenantId?: string): void {
  if (tenantId) known.delete(tenantId);
  else known.clear();
  for (const key of leases.keys()) if (!tenantId || key.startsWith(`${tenantId}|`)) leases.delete(key);
}

/** A user's sessions count together; each API key counts alone. */
export const credentialKey = (principal: Principal) => `${principal.kind}:${principal.id}`;

/** The counters a use of `kind` by `principal` is checked against, costing `cost`. */
export function rateChecks(kind: RateKind, principal: Principal, limits: PlanLimits, cost = 1): RateCheck[] {
  const credential = credentialKey(principal);
  switch (kind) {
    case 'rest':
      return [
        { policy: 'org', key: 'rest', limit: limits.requestsPerMinute, cost },
        { policy: 'credential', key: `rest:${credential}`, limit: limits.credentialRequestsPerMinute, cost },
      ];
    case 'graphql':
      return [
        { policy: 'org-cost', key: 'graphql', limit: limits.graphqlCostPerMinute, cost },
        {
          policy: 'credential-cost',
          key: `graphql:${credential}`,
          limit: limits.credentialGraphqlCostPerMinute,
          cost,
        },
      ];
    case 'connect':
      return [{ policy: 'connect', key: `connect:${credential}`, limit: limits.realtimeConnectsPerMinute, cost }];
  }
}

/** The tenant's counters (one RateLimiter Durable Object per tenant). */
export interface RateCounter {
  consume(checks: RateCheck[]): Promise<RateDecision>;
  peek(checks: RateCheck[]): Promise<RateDecision>;
  lease(checks: RateCheck[], max: number): Promise<RateDecision & { granted: number }>;
}

/**
 * REST requests are counted in leases: an isolate takes several uses of a credential at once from the
 * tenant's counter (counted there when granted) and spends them itself, so most requests cost no call to
 * the Durable Object. A limit is never exceeded (a use is spent only if the counter granted it); a use
 * leased and not spent by the end of its minute is lost, so an organisation whose requests land on many
 * isolates may be refused slightly before its limit. Grants shrink as the room does (an eighth of it), so
 * near a limit every request is decided by the counter itself. The headers count the lease's unspent uses
 * as remaining, which is exact for the requests this isolate serves.
 */
interface Lease {
  window: number;
  /** Uses granted and not spent yet. */
  left: number;
  /** The counter's answer when granted (its remaining already net of the whole grant). */
  decision: RateDecision;
  /** The limits the lease was granted under: a change of plan drops it. */
  limits: PlanLimits;
}
const leases = new Map<string, Lease>();
/** The most uses one grant may hold. */
const MAX_LEASE = 50;

/** Spends one REST use of `principal` from this isolate's lease, taking a new lease when it is spent. */
export async function spendRest(
  counter: RateCounter,
  principal: Principal,
  limits: PlanLimits,
  now = Date.now(),
): Promise<RateDecision> {
  const key = `${principal.tenantId}|${credentialKey(principal)}`;
  const window = Math.floor(now / WINDOW_MS);
  let lease = leases.get(key);
  if (!lease || lease.window !== window || lease.left < 1 || lease.limits !== limits) {
    const granted = await counter.lease(rateChecks('rest', principal, limits), MAX_LEASE);
    if (!granted.allowed) {
      leases.delete(key);
      return granted;
    }
    lease = { window, left: granted.granted, decision: granted, limits };
    if (leases.size > 10_000) leases.clear();
    leases.set(key, lease);
  }
  lease.left -= 1;
  const resetSeconds = Math.max(1, Math.ceil(((window + 1) * WINDOW_MS - now) / 1000));
  return {
    allowed: true,
    refused: [],
    retryAfter: 0,
    states: lease.decision.states.map((s) => ({
      ...s,
      used: s.used - (lease?.left ?? 0),
      remaining: s.remaining + (lease?.left ?? 0),
      resetSeconds,
    })),
  };
}

/** Uses this isolate holds unspent for the credential (GET /v1/usage reports them as not used). */
export function unspentRest(principal: Principal, now = Date.now()): number {
  const lease = leases.get(`${principal.tenantId}|${credentialKey(principal)}`);
  return lease && lease.window === Math.floor(now / WINDOW_MS) ? lease.left : 0;
}

/** The Durable Object namespace of the counters, as far as this module needs it (the binding `RATE_LIMITER`). */
export interface RateCounterNamespace {
  idFromName(name: string): DurableObjectId;
  get(id: DurableObjectId): {
    consume(checks: RateCheck[]): Promise<RateDecision>;
    peek(checks: RateCheck[]): Promise<RateDecision>;
    lease(checks: RateCheck[], max: number): Promise<RateDecision & { granted: number }>;
  };
}

export function rateCounter(namespace: RateCounterNamespace, tenantId: string): RateCounter {
  const stub = namespace.get(namespace.idFromName(tenantId));
  return {
    consume: (checks) => stub.consume(checks),
    peek: (checks) => stub.peek(checks),
    lease: (checks, max) => stub.lease(checks, max),
  };
}
