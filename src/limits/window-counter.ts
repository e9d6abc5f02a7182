/**
 * Fixed one-minute windows (aligned to the clock minute), counted exactly. A fixed window lets a client
 * spend a whole window's quota at the end of one minute and again at the start of the next; the
 * `RateLimit` header tells clients exactly when the window resets, which a sliding window could not.
 */
export const WINDOW_MS = 60_000;

/** One limit to check: `key` names the counter (`rest`, `rest:user:<id>`, …), `cost` what this use adds. */
export interface RateCheck {
  /** The policy name clients see in the headers (`org`, `credential`). */
  policy: string;
  key: string;
  limit: number;
  cost: number;
}

export interface RateState {
  policy: string;
  limit: number;
  used: number;
  remaining: number;
  /** Seconds until the window resets. */
  resetSeconds: number;
}

export interface RateDecision {
  allowed: boolean;
  states: RateState[];
  /** The policies that had no room for this use. */
  refused: string[];
  /** When refused: seconds until the first refusing counter has room again. */
  retryAfter: number;
}

interface Counter {
  window: number;
  used: number;
}

/** Counters keyed by name, each holding its current window's count. */
export function windowCounts() {
  const counters = new Map<string, Counter>();
  let lastSweep = 0;

  const usedNow = (key: string, window: number) => {
    const counter = counters.get(key);
    return counter && counter.window === window ? counter.used : 0;
  };

  const decide = (checks: RateCheck[], now: number, count: boolean): RateDecision => {
    const window = Math.floor(now / WINDOW_MS);
    const resetSeconds = Math.max(1, Math.ceil(((window + 1) * WINDOW_MS - now) / 1000));
    const refused = checks.filter((c) => usedNow(c.key, window) + c.cost > c.limit).map((c) => c.policy);
    const allowed = refused.length === 0;
    if (allowed && count) {
      for (const c of checks) counters.set(c.key, { window, used: usedNow(c.key, window) + c.cost });
    }
    // Old windows are dropped once a minute, so the map holds only the keys used lately.
    if (now - lastSweep > WINDOW_MS) {
      lastSweep = now;
      for (const [key, counter] of counters) if (counter.window < window) counters.delete(key);
    }
    return {
      allowed,
      refused,
      retryAfter: allowed ? 0 : resetSeconds,
      states: checks.map((c) => {
        const used = usedNow(c.key, window);
        return { policy: c.policy, limit: c.limit, used, remaining: Math.max(0, c.limit - used), resetSeconds };
      }),
    };
  };

  /**
   * Grants up to `max` uses of `checks` at once (each check's cost is one use), counted now: an eighth of
   * the smallest room left, at least one while there is room. Near a limit the grants shrink to one, so
   * every use is then decided here; refused when there is no room at all.
   */
  const lease = (checks: RateCheck[], now: number, max: number): RateDecision & { granted: number } => {
    const window = Math.floor(now / WINDOW_MS);
    const room = Math.min(...checks.map((c) => c.limit - usedNow(c.key, window)));
    const granted = room < 1 ? 0 : Math.max(1, Math.min(max, Math.floor(room / 8)));
    const decision = decide(
      checks.map((c) => ({ ...c, cost: Math.max(granted, 1) })),
      now,
      granted > 0,
    );
    return { ...decision, granted };
  };

  return {
    consume: (checks: RateCheck[], now: number) => decide(checks, now, true),
    peek: (checks: RateCheck[], now: number) => decide(checks, now, false),
    lease,
  };
}

/**
 * The IETF RateLimit header fields (draft-ietf-httpapi-ratelimit-headers): the policies in force and
 * what remains of each in the current window.
 */
export function rateLimitHeaders(decision: RateDecision): Record<string, string> {
  const policies = decision.states.map((s) => `"${s.policy}";q=${s.limit};w=${WINDOW_MS / 1000}`).join(', ');
  const remaining = decision.states.map((s) => `"${s.policy}";r=${s.remaining};t=${s.resetSeconds}`).join(', ');
  return { 'ratelimit-policy': policies, ratelimit: remaining };
}
