import type { LimitOverrides, PlanLimits, PlanTier } from '../db/schema/enums';

/**
 * What each plan allows (docs/security.md, Rate limits). The operator may override any value for one
 * organisation (`tenants.limits`, set with `npm run operator -- limits …`); the plan itself is the
 * operator's (or a billing hook's) to set, never a signup's.
 */
export const PLAN_LIMITS: Record<PlanTier, PlanLimits> = {
  free: {
    requestsPerMinute: 600,
    credentialRequestsPerMinute: 300,
    graphqlCostPerMinute: 50_000,
    credentialGraphqlCostPerMinute: 25_000,
    realtimeConnectsPerMinute: 30,
    auditRetentionDays: 30,
  },
  pro: {
    requestsPerMinute: 3_000,
    credentialRequestsPerMinute: 1_200,
    graphqlCostPerMinute: 250_000,
    credentialGraphqlCostPerMinute: 100_000,
    realtimeConnectsPerMinute: 60,
    auditRetentionDays: 365,
  },
  enterprise: {
    requestsPerMinute: 12_000,
    credentialRequestsPerMinute: 3_000,
    graphqlCostPerMinute: 1_000_000,
    credentialGraphqlCostPerMinute: 250_000,
    realtimeConnectsPerMinute: 120,
    auditRetentionDays: 730,
  },
};

export const LIMIT_NAMES = Object.keys(PLAN_LIMITS.free) as (keyof PlanLimits)[];

/** The plan's limits with the organisation's overrides applied (unknown or invalid overrides are ignored). */
export function planLimits(plan: PlanTier, overrides: LimitOverrides | null): PlanLimits {
  const limits = { ...(PLAN_LIMITS[plan] ?? PLAN_LIMITS.free) };
  if (overrides) {
    for (const name of LIMIT_NAMES) {
      const value = overrides[name];
      if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) limits[name] = value;
    }
  }
  return limits;
}
