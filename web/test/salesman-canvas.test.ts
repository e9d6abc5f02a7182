import { describe, expect, it } from 'vitest';
import { nearest } from '../src/live/hit-test';
import {
  DOT_HIT_PX,
  DOT_RADIUS,
  extendTrail,
  type Pen,
  paintSalesmen,
  segmentAlpha,
  segmentsByAge,
  TRAIL_LENGTH,
} from '../src/live/salesman-canvas';

const fix = (n: number) => ({ lat: 52 + n / 100, lng: 13 + n / 100, ts: 1_000 * n });

describe("a salesman's trail on the Live map", () => {
  it('keeps his last fixes in order, the oldest dropped first', () => {
    const trail = [fix(0)];
    for (let n = 1; n < 30; n++) expect(extendTrail(trail, fix(n))).toBe(true);
    expect(trail).toHaveLength(TRAIL_LENGTH);
    expect(trail[0]).toEqual(fix(30 - TRAIL_LENGTH));
    expect(trail.at(-1)).toEqual(fix(29));
  });

  it('adds nothing for an older fix, or for the same place again (the team read again over REST)', () => {
    const trail = [fix(1), fix(2)];
    expect(extendTrail(trail, fix(1))).toBe(false);
    expect(extendTrail(trail, { ...fix(2), ts: 9_000 })).toBe(false);
    expect(trail).toEqual([fix(1), fix(2)]);
    // Back where he was before is a move.
    expect(extendTrail(trail, { ...fix(1), ts: 9_000 })).toBe(true);
    expect(trail).toHaveLength(3);
  });

  it('fades: each older segment more transparent, the newest clearly drawn, none beyond the trail', () => {
    const alphas = Array.from({ length: TRAIL_LENGTH - 1 }, (_, age) => segmentAlpha(age));
    expect(alphas[0]).toBeGreaterThanOrEqual(0.7);
    for (let age = 1; age < alphas.length; age++) expect(alphas[age]).toBeLessThan(alphas[age - 1] as number);
    expect(alphas.at(-1)).toBeGreaterThan(0);
    expect(alphas.at(-1)).toBeLessThan(0.1);
    expect(segmentAlpha(TRAIL_LENGTH - 1)).toBe(0);
    expect(segmentAlpha(-1)).toBe(0);
    expect(segmentAlpha(2, 3)).toBe(0);
    expect(segmentAlpha(0, 2)).toBe(alphas[0]);
  });

  it('groups the segments of every trail by age, newest first, for one stroke per opacity', () => {
    const long = [
      { x: 0, y: 0 },
      { x: 1, y: 0 },
      { x: 2, y: 0 },
    ];
    const short = [
      { x: 10, y: 10 },
      { x: 10, y: 11 },
    ];
    const single = [{ x: 5, y: 5 }];
    const groups = segmentsByAge([long, short, single], 4);
    expect(groups).toEqual([[1, 0, 2, 0, 10, 10, 10, 11], [0, 0, 1, 0], []]);
    expect(segmentsByAge([], 4)).toEqual([[], [], []]);
  });

  it("takes his dot's white ring as his, not the map beyond it", () => {
    const dots = [{ x: 50.5, y: 80.25 }];
    expect(nearest(dots, 50.5 + 8, 80.25, DOT_HIT_PX)).toBe(0);
    expect(nearest(dots, 50.5 + 6, 80.25 + 6, DOT_HIT_PX)).toBe(0);
    expect(nearest(dots, 50.5 + 7, 80.25 + 7, DOT_HIT_PX)).toBe(-1);
  });

  it('paints the trails fading, one stroke per colour and age, then the dots with their white ring on top', () => {
    const pen = recordingPen();
    const walk = (x0: number, n: number) => Array.from({ length: n }, (_, i) => ({ x: x0 + 10 * i, y: 100 }));
    paintSalesmen(
      pen,
      [
        { colour: '#1a7f37', points: walk(100, 4) },
        { colour: '#1a7f37', points: walk(300, 3) },
        { colour: '#0a58ca', points: walk(500, 1) },
      ],
      100,
      50,
    );
    const strokes = pen.calls.filter((c) => c.op === 'stroke');
    const trails = strokes.filter((c) => c.strokeStyle !== '#ffffff');
    // Green: ages 0 and 1 from both trails, age 2 from the longer one; blue has no segment yet.
    expect(trails.map((c) => [c.strokeStyle, c.segments])).toEqual([
      ['#1a7f37', 2],
      ['#1a7f37', 2],
      ['#1a7f37', 1],
    ]);
    expect(trails.map((c) => c.globalAlpha)).toEqual([segmentAlpha(0), segmentAlpha(1), segmentAlpha(2)]);
    const dots = pen.calls.filter((c) => c.op === 'arc');
    expect(dots).toEqual([
      { op: 'arc', x: 30, y: 50, r: DOT_RADIUS, fillStyle: '#1a7f37' },
      { op: 'arc', x: 220, y: 50, r: DOT_RADIUS, fillStyle: '#1a7f37' },
      { op: 'arc', x: 400, y: 50, r: DOT_RADIUS, fillStyle: '#0a58ca' },
    ]);
    // The dots come after every trail, each filled and ringed in white at full opacity.
    const firstDot = pen.calls.findIndex((c) => c.op === 'arc');
    expect(pen.calls.slice(firstDot).filter((c) => c.op === 'stroke')).toHaveLength(3);
    expect(strokes.slice(-3).every((c) => c.strokeStyle === '#ffffff' && c.globalAlpha === 1)).toBe(true);
    expect(pen.calls.slice(0, firstDot).some((c) => c.op === 'fill')).toBe(false);
  });
});

type Call =
  | { op: 'stroke'; strokeStyle: unknown; globalAlpha: number; segments: number }
  | { op: 'arc'; x: number; y: number; r: number; fillStyle: unknown }
  | { op: 'fill' };

/** A canvas context that records what is painted: strokes with their style and segment count, dots. */
function recordingPen(): Pen & { calls: Call[] } {
  const calls: Call[] = [];
  let segments = 0;
  let arc: { x: number; y: number; r: number } | null = null;
  return {
    calls,
    globalAlpha: 1,
    lineWidth: 1,
    lineCap: 'butt',
    lineJoin: 'miter',
    strokeStyle: '#000000',
    fillStyle: '#000000',
    beginPath() {
      segments = 0;
      arc = null;
    },
    moveTo() {},
    lineTo() {
      segments++;
    },
    arc(x, y, r) {
      arc = { x, y, r };
    },
    fill() {
      if (arc) calls.push({ op: 'arc', ...arc, fillStyle: this.fillStyle });
      else calls.push({ op: 'fill' });
    },
    stroke() {
      calls.push({ op: 'stroke', strokeStyle: this.strokeStyle, globalAlpha: this.globalAlpha, segments });
    },
  };
}
