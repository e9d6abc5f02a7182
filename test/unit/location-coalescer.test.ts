import { describe, expect, it } from 'vitest';
import { LocationCoalescer } from '../../src/durable/location-coalescer';
import type { LiveLocation } from '../../src/durable/protocol';

const T0 = 1_700_000_000_000;
const at = (salesmanId: string, ts: number): LiveLocation => ({ salesmanId, lat: 1, lng: 2, accuracy: 5, ts });

describe('location coalescer', () => {
  it('has nothing due when nothing is pending', () => {
    const c = new LocationCoalescer(1000);
    expect(c.nextDueAt()).toBeNull();
    expect(c.takeDue(T0)).toEqual([]);
    expect(c.size).toBe(0);
  });

  it('sends a salesman’s first fix at once', () => {
    const c = new LocationCoalescer(1000);
    c.offer(at('a', 1));
    expect(c.nextDueAt()).toBeLessThanOrEqual(T0);
    expect(c.takeDue(T0)).toEqual([at('a', 1)]);
    expect(c.size).toBe(0);
  });

  it('keeps only the newest fix per salesman', () => {
    const c = new LocationCoalescer(1000);
    for (let i = 1; i <= 10; i++) c.offer(at('a', i));
    expect(c.size).toBe(1);
    expect(c.takeDue(T0)).toEqual([at('a', 10)]);
  });

  it('sends at most one update per salesman per interval', () => {
    const c = new LocationCoalescer(1000);
    c.offer(at('a', 1));
    expect(c.takeDue(T0)).toHaveLength(1);
    c.offer(at('a', 2));
    c.offer(at('a', 3));
    expect(c.nextDueAt()).toBe(T0 + 1000);
    expect(c.takeDue(T0 + 999)).toEqual([]);
    expect(c.takeDue(T0 + 1000)).toEqual([at('a', 3)]);
    expect(c.nextDueAt()).toBeNull();
  });

  it('puts every salesman due at the same moment in one batch', () => {
    const c = new LocationCoalescer(1000);
    c.offer(at('a', 1));
    c.offer(at('b', 1));
    c.offer(at('c', 1));
    const batch = c.takeDue(T0);
    expect(batch.map((l) => l.salesmanId).sort()).toEqual(['a', 'b', 'c']);
  });

  it('throttles each salesman independently', () => {
    const c = new LocationCoalescer(1000);
    c.offer(at('a', 1));
    c.takeDue(T0);
    c.offer(at('a', 2));
    c.offer(at('b', 2));
    // b was never sent, so it leaves now; a waits for its interval.
    expect(c.takeDue(T0 + 10)).toEqual([at('b', 2)]);
    expect(c.nextDueAt()).toBe(T0 + 1000);
    expect(c.takeDue(T0 + 1000)).toEqual([at('a', 2)]);
  });

  it('does not charge an interval when nothing was sent', () => {
    const c = new LocationCoalescer(1000);
    c.offer(at('a', 1));
    c.takeDue(T0);
    // Quiet for a while: the next fix leaves immediately.
    c.offer(at('a', 2));
    expect(c.takeDue(T0 + 5000)).toEqual([at('a', 2)]);
  });
});
