import { describe, expect, it } from 'vitest';
import { nearest } from '../src/live/hit-test';

describe('hit testing the dots of a map canvas', () => {
  it('finds the dot under a click: the nearest within reach, the one drawn on top on a tie', () => {
    const points = [
      { x: 100, y: 100 },
      { x: 104, y: 100 },
      { x: 200, y: 200 },
      { x: 104, y: 100 },
    ];
    expect(nearest(points, 101, 100, 7)).toBe(0);
    expect(nearest(points, 103, 100, 7)).toBe(3);
    expect(nearest(points, 150, 150, 7)).toBe(-1);
    expect(nearest(points, 205, 205, 7)).toBe(-1);
    expect(nearest(points, 204, 204, 7)).toBe(2);
    expect(nearest([], 0, 0, 7)).toBe(-1);
  });
});
