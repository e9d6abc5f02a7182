import type { DailyPoint } from './metrics';
import type { DateRange } from './periods';

/** A daily series with its 7-day moving average and least-squares revenue slope (pure). */
export interface TrendPoint extends DailyPoint {
  /** Mean revenue of this day and the 6 before it (fewer at the start of the series). */
  revenueMovingAvg7Minor: number;
}

export interface TrendsReport {
  days: number;
  range: DateRange;
  points: TrendPoint[];
  /** Least-squares slope of daily revenue, minor units per day. */
  revenueSlopePerDayMinor: number;
  /** Slope over the whole range relative to the mean daily revenue, in percent. */
  revenueTrendPct: number | null;
  direction: 'up' | 'down' | 'flat';
}

/** Least-squares slope of ys over x = 0, 1, 2, … */
export function linearSlope(ys: readonly number[]): number {
  const n = ys.length;
  if (n < 2) return 0;
  const meanX = (n - 1) / 2;
  const meanY = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  ys.forEach((y, x) => {
    num += (x - meanX) * (y - meanY);
    den += (x - meanX) ** 2;
  });
  return num / den;
}

/** A change over the range of less than this share of the mean counts as flat. */
const FLAT_PCT = 5;

export function trendsReport(days: number, range: DateRange, points: readonly DailyPoint[]): TrendsReport {
  const withAvg = points.map((p, i) => {
    const window = points.slice(Math.max(0, i - 6), i + 1);
    return {
      ...p,
      revenueMovingAvg7Minor: Math.round(window.reduce((n, w) => n + w.revenueMinor, 0) / window.length),
    };
  });
  const revenue = points.map((p) => p.revenueMinor);
  const slope = linearSlope(revenue);
  const mean = revenue.reduce((a, b) => a + b, 0) / (revenue.length || 1);
  const trendPct = mean === 0 ? null : Math.round(((slope * Math.max(0, revenue.length - 1)) / mean) * 1000) / 10;
  const direction = trendPct === null || Math.abs(trendPct) < FLAT_PCT ? 'flat' : trendPct > 0 ? 'up' : 'down';
  return {
    days,
    range,
    points: withAvg,
    revenueSlopePerDayMinor: Math.round(slope),
    revenueTrendPct: trendPct,
    direction,
  };
}
