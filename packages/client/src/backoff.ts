import { CloseCode } from './protocol.js';

/**
 * Reconnect timing for the realtime client, pure so it is unit-tested without sockets or clocks.
 * Exponential backoff with full jitter: a fleet of phones that lost the hub at the same moment spreads
 * its reconnects over the whole window instead of arriving in waves.
 */

export interface BackoffOptions {
  /** First retry window, ms; doubles per failed attempt. */
  baseMs: number;
  /** Largest retry window, ms. */
  capMs: number;
  /** A connection that lasted this long counts as stable: the next failure starts from attempt 0 again. */
  stableAfterMs: number;
  /** After a 1008 (the hub refused our behaviour) wait at least this long, so a bad client does not hammer. */
  policyMinMs: number;
  /** Largest wait after repeated 1008 closes, ms. */
  policyCapMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = {
  baseMs: 500,
  capMs: 30_000,
  stableAfterMs: 10_000,
  policyMinMs: 30_000,
  policyCapMs: 300_000,
};

/** Full jitter: uniform in [0, min(cap, base · 2^attempt)). */
export function fullJitterDelay(attempt: number, baseMs: number, capMs: number, random: () => number): number {
  const window = Math.min(capMs, baseMs * 2 ** Math.min(Math.max(attempt, 0), 30));
  return Math.floor(random() * window);
}

export interface ReconnectPlan {
  /** False: the close is final (access revoked); the app must act before connecting again. */
  retry: boolean;
  delayMs: number;
  /** The token was refused: ask the token provider for a new one rather than a cached one. */
  freshToken: boolean;
}

/** What to do after a close with `code`, at retry `attempt` (0 = first failure in a row). */
export function planReconnect(
  code: number,
  attempt: number,
  options: BackoffOptions,
  random: () => number,
): ReconnectPlan {
  switch (code) {
    case CloseCode.ACCESS_REVOKED:
      return { retry: false, delayMs: 0, freshToken: false };
    case CloseCode.TOKEN_EXPIRED:
      // An expiry is routine: reconnect at once with a new token, backing off only if it keeps happening.
      return {
        retry: true,
        delayMs: attempt === 0 ? 0 : fullJitterDelay(attempt, options.baseMs, options.capMs, random),
        freshToken: true,
      };
    case CloseCode.POLICY_VIOLATION:
      return {
        retry: true,
        delayMs:
          options.policyMinMs +
          fullJitterDelay(attempt, options.policyMinMs, options.policyCapMs - options.policyMinMs, random),
        freshToken: false,
      };
    default:
      return {
        retry: true,
        delayMs: fullJitterDelay(attempt, options.baseMs, options.capMs, random),
        freshToken: false,
      };
  }
}

/** Counts failures in a row, forgetting them once a connection has stayed up for `stableAfterMs`. */
export class ReconnectBackoff {
  private attempt = 0;
  private connectedAt: number | null = null;

  constructor(
    private readonly options: BackoffOptions = DEFAULT_BACKOFF,
    private readonly random: () => number = Math.random,
  ) {}

  get attempts(): number {
    return this.attempt;
  }

  connected(now: number): void {
    this.connectedAt = now;
  }

  /** Call when a connection closed or could not be opened; returns what to do next. */
  next(code: number, now: number): ReconnectPlan {
    if (this.connectedAt !== null && now - this.connectedAt >= this.options.stableAfterMs) this.attempt = 0;
    this.connectedAt = null;
    const plan = planReconnect(code, this.attempt, this.options, this.random);
    this.attempt += 1;
    return plan;
  }
}
