/** How the heat map colours its cells: a measure, its classes (quantiles of the non-zero cells) and a legend. */

export type Measure = 'visits' | 'orders' | 'revenueMinor';

export const MEASURES: { key: Measure; label: string }[] = [
  { key: 'visits', label: 'Visits' },
  { key: 'orders', label: 'Orders' },
  { key: 'revenueMinor', label: 'Revenue' },
];

/** ColorBrewer YlOrRd, 5 classes: light to dark reads as little to much, and survives greyscale. */
export const RAMP = ['#ffffb2', '#fecc5c', '#fd8d3c', '#f03b20', '#bd0026'] as const;

export interface Scale {
  /** The inclusive upper bound of each class, ascending; empty when every cell is zero. */
  uppers: number[];
  /** The smallest non-zero value (the first class's lower bound). */
  min: number;
}

/**
 * Classes by quantile of the non-zero values, so a few very busy cells do not wash the rest out; fewer
 * than `classes` when the values have fewer distinct steps (each class holds at least one value).
 */
export function scaleOf(values: readonly number[], classes = RAMP.length): Scale {
  const xs = values.filter((v) => v > 0).sort((a, b) => a - b);
  const uppers: number[] = [];
  if (xs.length === 0) return { uppers, min: 0 };
  for (let k = 1; k <= classes; k++) {
    const v = xs[Math.ceil((k * xs.length) / classes) - 1] as number;
    if (uppers.at(-1) !== v) uppers.push(v);
  }
  return { uppers, min: xs[0] as number };
}

/** The class of a value (0 = least), or -1 for zero: nothing happened there. */
export function classOf(value: number, scale: Scale): number {
  if (value <= 0) return -1;
  const i = scale.uppers.findIndex((u) => value <= u);
  return i === -1 ? scale.uppers.length - 1 : i;
}

/** The colour of a class, spread over the ramp when there are fewer classes than colours. */
export function colourOf(cls: number, scale: Scale): string {
  const n = scale.uppers.length;
  if (cls < 0 || n === 0) return 'transparent';
  const at = n === 1 ? RAMP.length - 1 : Math.round((cls * (RAMP.length - 1)) / (n - 1));
  return RAMP[at] as string;
}

/** The legend: each class's colour and range ("1–3", "4–9", "10"), values formatted by `format`. */
export function legendOf(scale: Scale, format: (v: number) => string): { colour: string; label: string }[] {
  return scale.uppers.map((upper, i) => {
    // Values are whole numbers (counts, minor units), so a class starts one above the previous bound.
    const lower = i === 0 ? scale.min : (scale.uppers[i - 1] as number) + 1;
    return {
      colour: colourOf(i, scale),
      label: lower >= upper ? format(upper) : `${format(lower)} – ${format(upper)}`,
    };
  });
}

/**
 * "24 × 20 km": a geohash cell's width and height where it lies (cells narrow towards the poles), from
 * its polygon's corners.
 */
export function cellSize(cell: { coordinates: number[][][] }): string {
  const ring = cell.coordinates[0] ?? [];
  const lngs = ring.map((p) => p[0] as number);
  const lats = ring.map((p) => p[1] as number);
  if (ring.length === 0) return 'unknown size';
  const midLat = ((Math.min(...lats) + Math.max(...lats)) / 2) * (Math.PI / 180);
  const width = (Math.max(...lngs) - Math.min(...lngs)) * 111.32 * Math.cos(midLat);
  const height = (Math.max(...lats) - Math.min(...lats)) * 110.57;
  const km = (v: number) => (v >= 10 ? v.toFixed(0) : v.toFixed(1));
  return width < 1 && height < 1
    ? `${(width * 1000).toFixed(0)} × ${(height * 1000).toFixed(0)} m`
    : `${km(width)} × ${km(height)} km`;
}
