import type { AreaGeometry } from '../api/types';

/**
 * The plain geometry behind drawing a territory: a ring of [lng, lat] vertices (GeoJSON order, not
 * closed: the last vertex joins the first implicitly) and the GeoJSON Polygon it becomes.
 */
export type Position = [lng: number, lat: number];
export type Ring = readonly Position[];

/** Six decimals are about 10 cm: plenty for a sales territory, and it keeps the row small. */
const round6 = (n: number) => Math.round(n * 1e6) / 1e6;
const same = (a: Position | undefined, b: Position | undefined) => !!a && !!b && a[0] === b[0] && a[1] === b[1];

/** The outer ring of a boundary to edit, and how many other parts (holes, polygons) editing would drop. */
export function ringOf(boundary: AreaGeometry | null): { ring: Position[]; dropped: number } {
  if (!boundary) return { ring: [], dropped: 0 };
  const polygons = boundary.type === 'Polygon' ? [boundary.coordinates] : boundary.coordinates;
  const first = polygons[0] ?? [];
  const outer = (first[0] ?? []).map(([lng = 0, lat = 0]) => [lng, lat] as Position);
  if (outer.length > 1 && same(outer[0], outer.at(-1))) outer.pop();
  const parts = polygons.reduce((n, p) => n + p.length, 0);
  return { ring: outer, dropped: Math.max(0, parts - 1) };
}

/** Why a ring cannot be a territory, or null when it can. */
export function ringProblem(ring: Ring): string | null {
  const distinct = new Set(ring.map(([x, y]) => `${round6(x)},${round6(y)}`));
  if (distinct.size < 3) return 'A territory needs at least 3 corners.';
  if (selfIntersects(ring)) return 'The outline crosses itself: move a corner or undo the last one.';
  if (Math.abs(signedArea(ring)) < 1e-12) return 'The corners are in a line: the area is empty.';
  return null;
}

/** The ring as a closed GeoJSON Polygon, as the API stores it. */
export function toPolygon(ring: Ring): AreaGeometry {
  const points = ring.map(([lng, lat]) => [round6(lng), round6(lat)]);
  const first = points[0];
  return { type: 'Polygon', coordinates: [first ? [...points, [...first]] : []] };
}

/**
 * Where a new corner goes once the outline is finished: on the edge it lengthens least (the closing
 * edge included), so a click near an edge splits that edge, whatever order the corners were drawn in.
 */
export function insertCorner(ring: Ring, p: Position): Position[] {
  if (ring.length < 3) return [...ring, p];
  let best = ring.length;
  let bestCost = Number.POSITIVE_INFINITY;
  for (let i = 0; i < ring.length; i++) {
    const a = ring[i] as Position;
    const b = ring[(i + 1) % ring.length] as Position;
    const cost = dist(a, p) + dist(p, b) - dist(a, b);
    if (cost < bestCost) {
      bestCost = cost;
      best = i + 1;
    }
  }
  return [...ring.slice(0, best), p, ...ring.slice(best)];
}

export function moveCorner(ring: Ring, index: number, p: Position): Position[] {
  return ring.map((q, i) => (i === index ? p : q));
}

export function removeCorner(ring: Ring, index: number): Position[] {
  return ring.filter((_, i) => i !== index);
}

/** Twice the signed area in degrees² (shoelace); only its sign and whether it is zero matter here. */
export function signedArea(ring: Ring): number {
  let sum = 0;
  for (let i = 0; i < ring.length; i++) {
    const [x1, y1] = ring[i] as Position;
    const [x2, y2] = ring[(i + 1) % ring.length] as Position;
    sum += x1 * y2 - x2 * y1;
  }
  return sum;
}

/** Whether two edges that share no corner cross (the ring is treated as closed). */
export function selfIntersects(ring: Ring): boolean {
  const n = ring.length;
  if (n < 4) return false;
  for (let i = 0; i < n; i++) {
    const a = ring[i] as Position;
    const b = ring[(i + 1) % n] as Position;
    for (let j = i + 2; j < n; j++) {
      // The first and last edges share the first corner.
      if (i === 0 && j === n - 1) continue;
      if (crosses(a, b, ring[j] as Position, ring[(j + 1) % n] as Position)) return true;
    }
  }
  return false;
}

function crosses(p1: Position, p2: Position, p3: Position, p4: Position): boolean {
  const d1 = turn(p3, p4, p1);
  const d2 = turn(p3, p4, p2);
  const d3 = turn(p1, p2, p3);
  const d4 = turn(p1, p2, p4);
  if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) return true;
  return (
    (d1 === 0 && onSegment(p3, p4, p1)) ||
    (d2 === 0 && onSegment(p3, p4, p2)) ||
    (d3 === 0 && onSegment(p1, p2, p3)) ||
    (d4 === 0 && onSegment(p1, p2, p4))
  );
}

const turn = (a: Position, b: Position, c: Position) => (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);

const onSegment = (a: Position, b: Position, p: Position) =>
  Math.min(a[0], b[0]) <= p[0] &&
  p[0] <= Math.max(a[0], b[0]) &&
  Math.min(a[1], b[1]) <= p[1] &&
  p[1] <= Math.max(a[1], b[1]);

// Planar distance is enough to choose an edge at territory scale; longitude is scaled by latitude.
function dist(a: Position, b: Position): number {
  const k = Math.cos((((a[1] + b[1]) / 2) * Math.PI) / 180);
  return Math.hypot((a[0] - b[0]) * k, a[1] - b[1]);
}

/**
 * A boundary typed or pasted as GeoJSON (a Polygon or MultiPolygon, or a Feature or FeatureCollection
 * holding one): the keyboard's way to set a territory, and a way to bring one from another tool.
 */
export function parseBoundary(text: string): { boundary: AreaGeometry } | { error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { error: 'This is not JSON.' };
  }
  let geometry = value as { type?: unknown; coordinates?: unknown; geometry?: unknown; features?: unknown };
  if (geometry?.type === 'FeatureCollection' && Array.isArray(geometry.features)) {
    geometry = (geometry.features[0] as typeof geometry | undefined)?.geometry as typeof geometry;
  } else if (geometry?.type === 'Feature') {
    geometry = geometry.geometry as typeof geometry;
  }
  if (geometry?.type !== 'Polygon' && geometry?.type !== 'MultiPolygon') {
    return { error: 'Expected a GeoJSON Polygon or MultiPolygon.' };
  }
  const depth = geometry.type === 'Polygon' ? 3 : 4;
  if (!isNested(geometry.coordinates, depth)) return { error: 'The coordinates are not [longitude, latitude] rings.' };
  const boundary = { type: geometry.type, coordinates: geometry.coordinates } as AreaGeometry;
  const polygons = boundary.type === 'Polygon' ? [boundary.coordinates] : boundary.coordinates;
  for (const polygon of polygons) {
    for (const ring of polygon) {
      if (ring.length < 4 || !same(ring[0] as Position, ring.at(-1) as Position)) {
        return { error: 'Each ring needs at least 4 positions, the last equal to the first.' };
      }
      if (ring.some(([lng = 0, lat = 0]) => Math.abs(lng) > 180 || Math.abs(lat) > 90)) {
        return { error: 'A position is off the globe: GeoJSON is [longitude, latitude].' };
      }
    }
  }
  return { boundary };
}

function isNested(value: unknown, depth: number): boolean {
  if (depth === 1) return Array.isArray(value) && value.length >= 2 && value.every((n) => typeof n === 'number');
  return Array.isArray(value) && value.length > 0 && value.every((v) => isNested(v, depth - 1));
}
