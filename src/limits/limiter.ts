import { eq } from 'drizzle-orm';
import type { Principal } from '../auth/principal';
import type { Db } from '../db/client';
import type { PlanLimits, PlanTier } from '../db/schema/enums';
import { tenants } from '../db/tables';
import { planLimits } from './plans';
import type { RateCheck, RateDecision } from './window-counter';

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

/** Forgets what this isolate read of a tenant's plan (tests, and the operator script's own isolate). */
export const forgetTenantLimits = (tenantId?: string) => (tenantId ? known.delete(tenantId) : known.clear());

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
}

/** The Durable Object namespace of the counters, as far as this module needs it (the binding `RATE_LIMITER`). */
export interface RateCounterNamespace {
  idFromName(name: string): DurableObjectId;
  get(id: DurableObjectId): {
    consume(checks: RateCheck[]): Promise<RateDecision>;
    peek(checks: RateCheck[]): Promise<RateDecision>;
  };
}

export function rateCounter(namespace: RateCounterNamespace, tenantId: string): RateCounter {
  const stub = namespace.get(namespace.idFromName(tenantId));
  return { consume: (checks) => stub.consume(checks), peek: (checks) => stub.peek(checks) };
}
