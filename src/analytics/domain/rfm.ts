import { pct } from './periods';
import { quantileScores, scoreThresholds } from './quintiles';
import { SEGMENTS, type Segment, segmentOf } from './segments';
import { daysBetween, type LocalDate } from './timezone';

/**
 * RFM scoring of a tenant's customers (pure; data loading is in ../services/rfm-scoring.ts).
 *   recency   = days from the local date of the customer's last revenue order to the run date
 *   frequency = number of revenue orders (confirmed or fulfilled)
 *   monetary  = their net revenue in minor units (totals less refunded payments)
 * Each is scored 1–5 by mid-rank quintiles among the tenant's customers that have ordered
 * (see quintiles.ts); recency is scored on its negation, so the most recent buyers get 5.
 */
export interface CustomerActivity {
  customerId: string;
  /** Local date of the last revenue order, or null when the customer never ordered. */
  lastOrderDate: LocalDate | null;
  frequency: number;
  monetaryMinor: number;
}

export interface RfmRow {
  customerId: string;
  lastOrderDate: LocalDate | null;
  recencyDays: number | null;
  frequency: number;
  monetaryMinor: number;
  r: number | null;
  f: number | null;
  m: number | null;
  segment: Segment;
}

export interface RfmThresholds {
  /** Lowest value earning scores 1..5 (recency: the largest number of days that still earns it). */
  recencyDays: (number | null)[];
  frequency: (number | null)[];
  monetaryMinor: (number | null)[];
}

export function scoreRfm(activity: readonly CustomerActivity[], runDate: LocalDate): RfmRow[] {
  const buyers = activity.filter((a) => a.lastOrderDate !== null && a.frequency > 0);
  const recency = buyers.map((a) => daysBetween(a.lastOrderDate as LocalDate, runDate));
  const r = quantileScores(recency.map((d) => -d));
  const f = quantileScores(buyers.map((a) => a.frequency));
  const m = quantileScores(buyers.map((a) => a.monetaryMinor));
  const scored = new Map<string, RfmRow>();
  buyers.forEach((a, i) => {
    const scores = { recencyDays: recency[i] as number, r: r[i] as number, f: f[i] as number, m: m[i] as number };
    scored.set(a.customerId, {
      customerId: a.customerId,
      lastOrderDate: a.lastOrderDate,
      frequency: a.frequency,
      monetaryMinor: a.monetaryMinor,
      ...scores,
      segment: segmentOf(scores),
    });
  });
  return activity.map(
    (a) =>
      scored.get(a.customerId) ?? {
        customerId: a.customerId,
        lastOrderDate: null,
        recencyDays: null,
        frequency: 0,
        monetaryMinor: 0,
        r: null,
        f: null,
        m: null,
        segment: 'prospect',
      },
  );
}

export function rfmThresholds(rows: readonly RfmRow[]): RfmThresholds {
  const scored = rows.filter((row) => row.r !== null);
  const neg = scoreThresholds(
    scored.map((row) => -(row.recencyDays as number)),
    scored.map((row) => row.r as number),
  );
  return {
    recencyDays: neg.map((v) => (v === null ? null : -v)),
    frequency: scoreThresholds(
      scored.map((row) => row.frequency),
      scored.map((row) => row.f as number),
    ),
    monetaryMinor: scoreThresholds(
      scored.map((row) => row.monetaryMinor),
      scored.map((row) => row.m as number),
    ),
  };
}

export interface SegmentSummary {
  segment: Segment;
  customers: number;
  revenueMinor: number;
  /** Share of the revenue of all customers in the summary, in percent (one decimal); null if none. */
  revenueSharePct: number | null;
}

/**
 * Counts and revenue per segment, every segment listed (zeros included), in SEGMENTS order. A row may
 * stand for several customers (`customers`, default 1), as a SQL GROUP BY row does.
 */
export function summarizeSegments(
  rows: readonly { segment: Segment; monetaryMinor: number; customers?: number }[],
): SegmentSummary[] {
  const bySegment = new Map<Segment, { customers: number; revenueMinor: number }>(
    SEGMENTS.map((s) => [s, { customers: 0, revenueMinor: 0 }]),
  );
  let total = 0;
  for (const row of rows) {
    const s = bySegment.get(row.segment) as { customers: number; revenueMinor: number };
    s.customers += row.customers ?? 1;
    s.revenueMinor += row.monetaryMinor;
    total += row.monetaryMinor;
  }
  return SEGMENTS.map((segment) => {
    const s = bySegment.get(segment) as { customers: number; revenueMinor: number };
    return { segment, ...s, revenueSharePct: pct(s.revenueMinor, total) };
  });
}
