import { DurableObject } from 'cloudflare:workers';
import { type RateCheck, type RateDecision, windowCounts } from '../limits/window-counter';

/**
 * The exact rate counters of one organisation (one instance per tenant, addressed by its id): every
 * request, GraphQL operation and realtime connection of the tenant is counted here, so the limits hold
 * across all the Worker's isolates and locations (docs/security.md, Rate limits). The counts live in
 * memory: an instance that sits idle long enough to be evicted starts its current window over, which
 * only ever lets an idle tenant through.
 */
export class RateLimiter extends DurableObject<Env> {
  private readonly counts = windowCounts();

  /** Counts `checks` if every one of them has room, else nothing; answers each check's state. */
  consume(checks: RateCheck[], now: number = Date.now()): RateDecision {
    return this.counts.consume(checks, now);
  }

  /** Grants up to `max` uses at once, for an isolate to spend itself (src/limits/limiter.ts, REST leases). */
  lease(checks: RateCheck[], max: number, now: number = Date.now()): RateDecision & { granted: number } {
    return this.counts.lease(checks, now, max);
  }

  /** The checks' state without counting anything (GET /v1/usage). */
  peek(checks: RateCheck[], now: number = Date.now()): RateDecision {
    return this.counts.peek(checks, now);
  }
}
