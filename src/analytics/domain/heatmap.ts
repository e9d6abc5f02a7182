import { quantileScores } from './quintiles';

/**
 * Geohash grid for the territory heatmap. A geohash of p characters is a cell of a regular grid with
 * ⌈5p/2⌉ longitude bits and ⌊5p/2⌋ latitude bits, so a point's cell is (x, y) = its grid column and
 * row — which SQL can compute and GROUP BY (../queries/activity-sql.ts) — and the geohash string is those
 * bits interleaved (longitude first) and read 5 at a time in base 32.
 */
const BASE32 = '0123456789bcdefghjkmnpqrstuvwxyz';

export const MIN_PRECISION = 1;
export const MAX_PRECISION = 12;

export interface GridSpec {
  precision: number;
  lngBits: number;
  latBits: number;
  /** Columns and rows of the grid: x = ⌊(lng + 180) · columns / 360⌋ (multiplied first: exact at cell edges). */
  columns: number;
  rows: number;
}

export function gridSpec(precision: number): GridSpec {
  if (!Number.isInteger(precision) || precision < MIN_PRECISION || precision > MAX_PRECISION) {
    throw new RangeError(`geohash precision must be an integer in ${MIN_PRECISION}..${MAX_PRECISION}`);
  }
  const lngBits = Math.ceil((5 * precision) / 2);
  const latBits = Math.floor((5 * precision) / 2);
  return { precision, lngBits, latBits, columns: 2 ** lngBits, rows: 2 ** latBits };
}

export function cellIndex(lat: number, lng: number, precision: number): { x: number; y: number } {
  const g = gridSpec(precision);
  const clamp = (v: number, bits: number) => Math.min(Math.max(Math.floor(v), 0), 2 ** bits - 1);
  return { x: clamp(((lng + 180) * g.columns) / 360, g.lngBits), y: clamp(((lat + 90) * g.rows) / 180, g.latBits) };
}

/** The geohash of grid cell (x, y). */
export function geohashOfCell(x: number, y: number, precision: number): string {
  const g = gridSpec(precision);
  let hash = '';
  let lngBit = g.lngBits - 1;
  let latBit = g.latBits - 1;
  let chunk = 0;
  for (let i = 0; i < 5 * precision; i++) {
    const bit = i % 2 === 0 ? Math.floor(x / 2 ** lngBit--) % 2 : Math.floor(y / 2 ** latBit--) % 2;
    chunk = chunk * 2 + bit;
    if (i % 5 === 4) {
      hash += BASE32[chunk];
      chunk = 0;
    }
  }
  return hash;
}

export const encodeGeohash = (lat: number, lng: number, precision: number): string => {
  const { x, y } = cellIndex(lat, lng, precision);
  return geohashOfCell(x, y, precision);
};

/** [west, south, east, north] of a geohash cell. */
export function geohashBounds(hash: string): [number, number, number, number] {
  const g = gridSpec(hash.length);
  let x = 0;
  let y = 0;
  let i = 0;
  for (const ch of hash) {
    const value = BASE32.indexOf(ch);
    if (value < 0) throw new RangeError(`invalid geohash character ${ch}`);
    for (let b = 4; b >= 0; b--, i++) {
      const bit = (value >> b) & 1;
      if (i % 2 === 0) x = x * 2 + bit;
      else y = y * 2 + bit;
    }
  }
  return [
    (x * 360) / g.columns - 180,
    (y * 180) / g.rows - 90,
    ((x + 1) * 360) / g.columns - 180,
    ((y + 1) * 180) / g.rows - 90,
  ];
}

// ------------------------------------------------------------------ bands and GeoJSON

export type Band = 'high' | 'medium' | 'low';
const BANDS: Band[] = ['low', 'medium', 'high'];

/** Terciles by mid-rank (as the RFM quintiles) among the non-zero values; zero is always low. */
export function bands(values: readonly number[]): Band[] {
  const positive = values.filter((v) => v > 0);
  const scores = quantileScores(positive, 3);
  const bandOf = new Map<number, Band>();
  positive.forEach((v, i) => {
    bandOf.set(v, BANDS[(scores[i] as number) - 1] as Band);
  });
  return values.map((v) => (v > 0 ? (bandOf.get(v) as Band) : 'low'));
}

export interface CellAggregate {
  x: number;
  y: number;
  visits: number;
  orders: number;
  revenueMinor: number;
}

export interface CellFeature {
  type: 'Feature';
  id: string;
  geometry: { type: 'Polygon'; coordinates: number[][][] };
  properties: {
    geohash: string;
    visits: number;
    orders: number;
    revenueMinor: number;
    revenueBand: Band;
    visitBand: Band;
  };
}

const round6 = (v: number) => Math.round(v * 1e6) / 1e6;

/** Merges per-cell visit and revenue counts into GeoJSON features, busiest revenue first. */
export function cellFeatures(cells: readonly CellAggregate[], precision: number): CellFeature[] {
  const merged = new Map<string, CellAggregate>();
  for (const c of cells) {
    const key = `${c.x}:${c.y}`;
    const m = merged.get(key) ?? { x: c.x, y: c.y, visits: 0, orders: 0, revenueMinor: 0 };
    m.visits += c.visits;
    m.orders += c.orders;
    m.revenueMinor += c.revenueMinor;
    merged.set(key, m);
  }
  const list = [...merged.values()];
  const revenueBands = bands(list.map((c) => c.revenueMinor));
  const visitBands = bands(list.map((c) => c.visits));
  return list
    .map((c, i) => {
      const geohash = geohashOfCell(c.x, c.y, precision);
      const [w, s, e, n] = geohashBounds(geohash).map(round6) as [number, number, number, number];
      return {
        type: 'Feature' as const,
        id: geohash,
        geometry: {
          type: 'Polygon' as const,
          coordinates: [
            [
              [w, s],
              [e, s],
              [e, n],
              [w, n],
              [w, s],
            ],
          ],
        },
        properties: {
          geohash,
          visits: c.visits,
          orders: c.orders,
          revenueMinor: c.revenueMinor,
          revenueBand: revenueBands[i] as Band,
          visitBand: visitBands[i] as Band,
        },
      };
    })
    .sort((a, b) => b.properties.revenueMinor - a.properties.revenueMinor || a.id.localeCompare(b.id));
}
