import type { PlanLimits, PlanTier } from '../db/schema/enums';
import { type RateCounter, rateChecks, tenantLimits, unspentRest } from '../limits/limiter';
import type { RateState } from '../limits/window-counter';
import type { ServiceContext } from './context';

export interface Usage {
  plan: PlanTier;
  limits: PlanLimits;
  enforced: boolean;
  current: { rest: RateState[]; graphql: RateState[]; realtime: RateState[] };
}

/**
 * The caller's organisation's plan, its limits and this minute's counts, for the organisation and for
 * the calling credential (GET /v1/usage). Reading counts nothing (the request that asks was counted
 * already, like every request).
 */
export async function getUsage(ctx: ServiceContext, counter: RateCounter, enforced: boolean): Promise<Usage> {
  const { plan, limits } = await tenantLimits(ctx.db, ctx.principal.tenantId);
  const [rest, graphql, realtime] = await Promise.all(
    (['rest', 'graphql', 'connect'] as const).map(async (kind) =>
      enforced ? (await counter.peek(rateChecks(kind, ctx.principal, limits, 0))).states : [],
    ),
  );
  // REST uses this isolate leased and has not spent yet are not used (src/limits/limiter.ts).
  const unspent = unspentRest(ctx.principal);
  for (const state of rest ?? []) {
    state.used -= unspent;
    state.remaining += unspent;
  }
  return { plan, limits, enforced, current: { rest: rest ?? [], graphql: graphql ?? [], realtime: realtime ?? [] } };
}
