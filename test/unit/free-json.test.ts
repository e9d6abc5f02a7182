import { describe, expect, it } from 'vitest';
import { jsonDeeperThan } from '../../src/lib/free-json';

describe('jsonDeeperThan', () => {
  it('counts objects and arrays as levels, scalars as none', () => {
    expect(jsonDeeperThan(1, 0)).toBe(false);
    expect(jsonDeeperThan(null, 0)).toBe(false);
    expect(jsonDeeperThan({}, 0)).toBe(true);
    expect(jsonDeeperThan({}, 1)).toBe(false);
    expect(jsonDeeperThan({ a: [1, { b: 'x' }] }, 3)).toBe(false);
    expect(jsonDeeperThan({ a: [1, { b: 'x' }] }, 2)).toBe(true);
    // A deep branch after shallow ones is found.
    expect(jsonDeeperThan({ a: 1, b: [], c: { d: { e: {} } } }, 3)).toBe(true);
  });

  it('walks a value nested far deeper than any stack without overflowing', () => {
    let deep: unknown = 0;
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(jsonDeeperThan(deep, 32)).toBe(true);
  });
});
