import type { LiveLocation } from '@fieldline/client/protocol';
import { describe, expect, it } from 'vitest';
import { LocationCoalescer } from '../../src/durable/location-coalescer';

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
    c.offer(at('a', 1), T0);
    expect(c.nextDueAt()).toBeLessThanOrEqual(T0);
    expect(c.takeDue(T0)).toEqual([at('a', 1)]);
    expect(c.size).toBe(0);
  });

  it('keeps only the newest fix per salesman', () => {
    const c = new LocationCoalescer(1000);
    for (let i = 1; i <= 10; i++) c.offer(at('a', i), T0);
    expect(c.size).toBe(1);
    expect(c.takeDue(T0)).toEqual([at('a', 10)]);
  });

  it('sends about one update per salesman per interval', () => {
    const c = new LocationCoalescer(1000, 100);
    c.offer(at('a', 1), T0);
    expect(c.takeDue(T0)).toHaveLength(1);
    c.offer(at('a', 2), T0 + 200);
    c.offer(at('a', 3), T0 + 400);
    // The interval counts from the arrival of the fix that was sent, less the slack.
    expect(c.nextDueAt()).toBe(T0 + 900);
    expect(c.takeDue(T0 + 899)).toEqual([]);
    expect(c.takeDue(T0 + 900)).toEqual([at('a', 3)]);
    expect(c.nextDueAt()).toBeNull();
  });

  it('forwards every fix of a phone reporting once a second at once, with no growing delay', () => {
    const c = new LocationCoalescer(1000, 100);
    const batchWindow = 20;
    let arrival = T0;
    for (let i = 0; i < 100; i++) {
      // Network jitter of up to ±40 ms around a steady 1 Hz.
      arrival = T0 + i * 1000 + ((i * 37) % 81) - 40;
      c.offer(at('a', i), arrival);
      const sendAt = c.nextFrameAt(arrival, batchWindow);
      expect(sendAt).toBe(arrival);
      expect(c.takeDue(arrival)).toEqual([at('a', i)]);
    }
  });

  it('sends a fix due after a quiet spell at once, and spaces frames by the window under load', () => {
    const c = new LocationCoalescer(1000);
    const window = 20;
    expect(c.nextFrameAt(T0, window)).toBeNull();
    c.offer(at('a', 1), T0);
    expect(c.nextFrameAt(T0, window)).toBe(T0);
    expect(c.takeDue(T0)).toEqual([at('a', 1)]);
    // Two more salesmen right after that frame: they wait for the window, then leave together.
    c.offer(at('b', 1), T0 + 3);
    c.offer(at('c', 1), T0 + 11);
    expect(c.nextFrameAt(T0 + 11, window)).toBe(T0 + window);
    expect(c.takeDue(T0 + window).map((l) => l.salesmanId)).toEqual(['b', 'c']);
    // Quiet again for longer than a window: the next one leaves as it arrives.
    c.offer(at('d', 1), T0 + 100);
    expect(c.nextFrameAt(T0 + 100, window)).toBe(T0 + 100);
  });

  it('does not start a window when nothing was due', () => {
    const c = new LocationCoalescer(1000);
    c.offer(at('a', 1), T0);
    c.takeDue(T0);
    c.offer(at('a', 2), T0 + 10);
    expect(c.takeDue(T0 + 30)).toEqual([]);
    c.offer(at('b', 1), T0 + 40);
    // The empty take at +30 sent no frame, so b is not held back by it.
    expect(c.nextFrameAt(T0 + 40, 20)).toBe(T0 + 40);
  });

  it('puts every salesman due at the same moment in one batch', () => {
    const c = new LocationCoalescer(1000);
    c.offer(at('a', 1), T0);
    c.offer(at('b', 1), T0);
    c.offer(at('c', 1), T0);
    const batch = c.takeDue(T0);
    expect(batch.map((l) => l.salesmanId).sort()).toEqual(['a', 'b', 'c']);
  });

  it('throttles each salesman independently', () => {
    const c = new LocationCoalescer(1000, 100);
    c.offer(at('a', 1), T0);
    c.takeDue(T0);
    c.offer(at('a', 2), T0 + 5);
    c.offer(at('b', 2), T0 + 5);
    // b was never sent, so it leaves now; a waits for its interval.
    expect(c.takeDue(T0 + 10)).toEqual([at('b', 2)]);
    expect(c.nextDueAt()).toBe(T0 + 900);
    expect(c.takeDue(T0 + 900)).toEqual([at('a', 2)]);
  });

  it('does not charge an interval when nothing was sent', () => {
    const c = new LocationCoalescer(1000);
    c.offer(at('a', 1), T0);
    c.takeDue(T0);
    // Quiet for a while: the next fix leaves immediately.
    c.offer(at('a', 2), T0);
    expect(c.takeDue(T0 + 5000)).toEqual([at('a', 2)]);
  });
});
