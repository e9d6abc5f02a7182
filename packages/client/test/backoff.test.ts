import { describe, expect, it } from 'vitest';
import { DEFAULT_BACKOFF, fullJitterDelay, planReconnect, ReconnectBackoff } from '../src/backoff.js';

const fixed = (x: number) => () => x;

describe('backoff', () => {
  it('draws full jitter below an exponentially growing window, capped', () => {
    expect(fullJitterDelay(0, 500, 30_000, fixed(0))).toBe(0);
    expect(fullJitterDelay(0, 500, 30_000, fixed(0.999))).toBe(499);
    expect(fullJitterDelay(3, 500, 30_000, fixed(0.5))).toBe(2000);
    expect(fullJitterDelay(10, 500, 30_000, fixed(0.999))).toBe(29_970);
    expect(fullJitterDelay(1000, 500, 30_000, fixed(0.999))).toBe(29_970);
  });

  it('plans by close code: revoked stops, expired retries at once with a fresh token, 1008 waits long', () => {
    expect(planReconnect(4003, 0, DEFAULT_BACKOFF, fixed(0.5)).retry).toBe(false);
    expect(planReconnect(4001, 0, DEFAULT_BACKOFF, fixed(0.5))).toEqual({ retry: true, delayMs: 0, freshToken: true });
    expect(planReconnect(4001, 2, DEFAULT_BACKOFF, fixed(0.5)).delayMs).toBe(1000);
    const policy = planReconnect(1008, 0, DEFAULT_BACKOFF, fixed(0));
    expect(policy.delayMs).toBe(DEFAULT_BACKOFF.policyMinMs);
    expect(planReconnect(1008, 50, DEFAULT_BACKOFF, fixed(0.999)).delayMs).toBeLessThanOrEqual(
      DEFAULT_BACKOFF.policyCapMs,
    );
    expect(planReconnect(1006, 1, DEFAULT_BACKOFF, fixed(0.999))).toEqual({
      retry: true,
      delayMs: 999,
      freshToken: false,
    });
  });

  it('grows with failures in a row and starts over after a stable connection', () => {
    const b = new ReconnectBackoff(DEFAULT_BACKOFF, fixed(0.999));
    const delays = [0, 1, 2, 3].map(() => b.next(1006, 0).delayMs);
    expect(delays).toEqual([499, 999, 1998, 3996]);
    b.connected(1000);
    expect(b.next(1006, 1000 + DEFAULT_BACKOFF.stableAfterMs - 1).delayMs).toBe(7992);
    b.connected(20_000);
    expect(b.next(1006, 20_000 + DEFAULT_BACKOFF.stableAfterMs).delayMs).toBe(499);
  });
});
