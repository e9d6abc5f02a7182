import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../src/durable/token-bucket';

const T0 = 1_700_000_000_000;

const takeMany = (b: TokenBucket, n: number, now: number) => Array.from({ length: n }, () => b.take(now));

describe('token bucket', () => {
  it('allows a burst of `capacity` messages, then refuses', () => {
    const b = new TokenBucket(30, 10, T0);
    expect(takeMany(b, 30, T0).every(Boolean)).toBe(true);
    expect(b.take(T0)).toBe(false);
    expect(b.strikes).toBe(1);
  });

  it('refills at `refillPerSecond`', () => {
    const b = new TokenBucket(5, 10, T0);
    takeMany(b, 5, T0);
    expect(b.take(T0 + 50)).toBe(false); // half a token
    expect(b.take(T0 + 100)).toBe(true); // 0.5 + 0.5 = one token
    expect(b.take(T0 + 100)).toBe(false);
    // After a long pause the bucket is full again, never more.
    expect(takeMany(b, 5, T0 + 60_000).every(Boolean)).toBe(true);
    expect(b.take(T0 + 60_000)).toBe(false);
  });

  it('counts refusals as strikes until the client slows down enough to refill the bucket', () => {
    const b = new TokenBucket(2, 1, T0);
    takeMany(b, 2, T0);
    takeMany(b, 25, T0);
    expect(b.strikes).toBe(25);
    // One token back is not enough to forgive: the bucket is not full.
    expect(b.take(T0 + 1000)).toBe(true);
    expect(b.strikes).toBe(25);
    // Quiet long enough to refill completely: a clean record.
    expect(b.take(T0 + 5000)).toBe(true);
    expect(b.strikes).toBe(0);
  });

  it('ignores a clock going backwards', () => {
    const b = new TokenBucket(2, 1, T0);
    takeMany(b, 2, T0);
    expect(b.take(T0 - 10_000)).toBe(false);
    expect(b.take(T0 + 999)).toBe(false); // no token was credited for the backwards step
    expect(b.take(T0 + 2000)).toBe(true);
  });

  it('supports fractional rates', () => {
    const b = new TokenBucket(1, 0.5, T0);
    expect(b.take(T0)).toBe(true);
    expect(b.take(T0 + 1000)).toBe(false);
    expect(b.take(T0 + 2000)).toBe(true);
  });
});
