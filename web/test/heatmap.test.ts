import { describe, expect, it } from 'vitest';
import { cellSize, classOf, colourOf, legendOf, RAMP, scaleOf } from '../src/reports/heatmap-scale';

describe('heat map scale', () => {
  it('splits the non-zero values into quantile classes', () => {
    const scale = scaleOf([0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(scale).toEqual({ uppers: [2, 4, 6, 8, 10], min: 1 });
    expect(classOf(0, scale)).toBe(-1);
    expect(classOf(1, scale)).toBe(0);
    expect(classOf(5, scale)).toBe(2);
    expect(classOf(10, scale)).toBe(4);
    // A value above the last bound (another measure's scale) takes the top class.
    expect(classOf(99, scale)).toBe(4);
  });

  it('keeps a few very busy cells from washing the rest out', () => {
    const scale = scaleOf([1, 1, 1, 2, 2, 3, 3, 4, 5, 500]);
    expect(scale.uppers.at(-2)).toBeLessThan(10);
    expect(classOf(500, scale)).toBe(scale.uppers.length - 1);
  });

  it('has fewer classes when the values have fewer steps, spread over the whole ramp', () => {
    const scale = scaleOf([3, 3, 3, 7]);
    expect(scale.uppers).toEqual([3, 7]);
    expect(colourOf(0, scale)).toBe(RAMP[0]);
    expect(colourOf(1, scale)).toBe(RAMP[RAMP.length - 1]);
    expect(scaleOf([0, 0])).toEqual({ uppers: [], min: 0 });
    expect(colourOf(-1, scale)).toBe('transparent');
  });

  it('labels each class with its range', () => {
    const legend = legendOf(scaleOf([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), (v) => String(v));
    expect(legend.map((l) => l.label)).toEqual(['1 – 2', '3 – 4', '5 – 6', '7 – 8', '9 – 10']);
    expect(legendOf(scaleOf([4, 4, 9]), (v) => `€${v}`).map((l) => l.label)).toEqual(['€4', '€5 – €9']);
  });
});

describe('heat map cells', () => {
  const box = (west: number, south: number, east: number, north: number) => ({
    coordinates: [
      [
        [west, south],
        [east, south],
        [east, north],
        [west, north],
        [west, south],
      ],
    ],
  });

  it('says how big a cell is where it lies', () => {
    // Geohash u33d (Berlin, precision 4): 0.3515625° × 0.17578125°.
    expect(cellSize(box(13.359375, 52.3828125, 13.7109375, 52.55859375))).toBe('24 × 19 km');
    // Precision 5 at the equator: 0.0439453125° square.
    expect(cellSize(box(0, 0, 0.0439453125, 0.0439453125))).toBe('4.9 × 4.9 km');
    expect(cellSize(box(0, 0, 0.005, 0.005))).toBe('557 × 553 m');
  });
});
