import { describe, expect, it } from 'vitest';
import { boundaryToSave, draftReducer, loadDraft } from '../src/team/draft';
import {
  insertCorner,
  type Position,
  parseBoundary,
  ringOf,
  ringProblem,
  selfIntersects,
  toPolygon,
} from '../src/team/polygon';

const square: Position[] = [
  [13, 52],
  [14, 52],
  [14, 53],
  [13, 53],
];

describe('territory outlines', () => {
  it('closes a drawn ring into the GeoJSON Polygon the API stores, rounded to 6 decimals', () => {
    expect(toPolygon([[13.1234567, 52], ...square.slice(1)])).toEqual({
      type: 'Polygon',
      coordinates: [
        [
          [13.123457, 52],
          [14, 52],
          [14, 53],
          [13, 53],
          [13.123457, 52],
        ],
      ],
    });
  });

  it('reads the outer ring back, without the closing position, and counts what editing would drop', () => {
    expect(ringOf(toPolygon(square))).toEqual({ ring: square, dropped: 0 });
    const hole = toPolygon(square.map(([x, y]) => [x + 0.2, y + 0.2] as Position)).coordinates[0] as number[][];
    const outer = toPolygon(square).coordinates[0] as number[][];
    expect(ringOf({ type: 'MultiPolygon', coordinates: [[outer, hole], [outer]] }).dropped).toBe(2);
    expect(ringOf(null)).toEqual({ ring: [], dropped: 0 });
  });

  it('refuses too few corners, a flat outline and one that crosses itself', () => {
    expect(ringProblem(square.slice(0, 2))).toMatch(/at least 3/);
    expect(
      ringProblem([
        [0, 0],
        [1, 1],
        [2, 2],
      ]),
    ).toMatch(/line/);
    const bowtie: Position[] = [
      [0, 0],
      [1, 1],
      [1, 0],
      [0, 1],
    ];
    expect(selfIntersects(bowtie)).toBe(true);
    expect(ringProblem(bowtie)).toMatch(/crosses itself/);
    expect(selfIntersects(square)).toBe(false);
    expect(ringProblem(square)).toBeNull();
  });

  it('puts a corner added to a finished outline on the edge it lengthens least', () => {
    // Just outside the right edge: it splits [14,52]→[14,53], not the edge it was drawn after.
    expect(insertCorner(square, [14.1, 52.5])).toEqual([
      [13, 52],
      [14, 52],
      [14.1, 52.5],
      [14, 53],
      [13, 53],
    ]);
    // Near the closing edge [13,53]→[13,52]: appended at the end of the ring.
    expect(insertCorner(square, [12.9, 52.5]).at(-1)).toEqual([12.9, 52.5]);
  });

  it('parses pasted GeoJSON: a geometry, a Feature or a FeatureCollection, and says what is wrong', () => {
    const polygon = toPolygon(square);
    expect(parseBoundary(JSON.stringify(polygon))).toEqual({ boundary: polygon });
    expect(parseBoundary(JSON.stringify({ type: 'Feature', properties: {}, geometry: polygon }))).toEqual({
      boundary: polygon,
    });
    expect(
      parseBoundary(JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', geometry: polygon }] })),
    ).toEqual({ boundary: polygon });
    expect(parseBoundary('{')).toEqual({ error: 'This is not JSON.' });
    expect(parseBoundary('{"type":"Point","coordinates":[1,2]}')).toHaveProperty('error');
    const open = { type: 'Polygon', coordinates: [square] };
    expect(parseBoundary(JSON.stringify(open))).toHaveProperty('error');
    const swapped = {
      type: 'Polygon',
      coordinates: [
        [
          [52, 130],
          [53, 131],
          [52, 131],
          [52, 130],
        ],
      ],
    };
    expect(parseBoundary(JSON.stringify(swapped))).toEqual({
      error: 'A position is off the globe: GeoJSON is [longitude, latitude].',
    });
  });
});

describe('drawing a territory', () => {
  it('extends the line until the outline is finished, then splits edges; Undo steps back', () => {
    let d = loadDraft(null);
    for (const p of square) d = draftReducer(d, { type: 'add', p });
    expect(d.ring).toEqual(square);
    expect(d.closed).toBe(false);
    d = draftReducer(d, { type: 'close' });
    expect(d.closed).toBe(true);
    d = draftReducer(d, { type: 'add', p: [14.1, 52.5] });
    expect(d.ring[2]).toEqual([14.1, 52.5]);
    d = draftReducer(d, { type: 'undo' });
    expect(d.ring).toEqual(square);
    expect(d.closed).toBe(true);
    d = draftReducer(d, { type: 'remove', index: 3 });
    expect(d.ring).toHaveLength(3);
    d = draftReducer(d, { type: 'clear' });
    expect(d).toMatchObject({ ring: [], closed: false, edited: true });
  });

  it('leaves an untouched boundary alone, removes a cleared one and refuses a broken one', () => {
    const loaded = loadDraft(toPolygon(square));
    expect(loaded.closed).toBe(true);
    expect(boundaryToSave(loaded, false)).toBeUndefined();
    const moved = draftReducer(loaded, { type: 'move', index: 0, p: [12.5, 51.5] });
    expect(boundaryToSave(moved, false)).toMatchObject({ type: 'Polygon' });
    expect(draftReducer(moved, { type: 'undo' }).edited).toBe(false);
    expect(boundaryToSave(draftReducer(loaded, { type: 'clear' }), false)).toBeNull();
    expect(boundaryToSave(loadDraft(null), true)).toBeNull();
    const crossed = draftReducer(loaded, { type: 'move', index: 1, p: [13, 54] });
    expect(boundaryToSave(crossed, false)).toMatch(/crosses itself/);
  });

  it('keeps a pasted multi-part boundary as given until the map edits it', () => {
    const outer = toPolygon(square).coordinates[0] as number[][];
    const multi = { type: 'MultiPolygon' as const, coordinates: [[outer], [outer]] };
    const pasted = draftReducer(loadDraft(null), { type: 'paste', boundary: multi });
    expect(boundaryToSave(pasted, true)).toBe(multi);
    const drawn = draftReducer(pasted, { type: 'add', p: [14.1, 52.5] });
    expect(drawn.pasted).toBeNull();
    expect(boundaryToSave(drawn, true)).toMatchObject({ type: 'Polygon' });
  });
});
