/**
 * RFM segments. Rules are checked in this order and the first match wins, so every scored customer gets
 * exactly one segment (R, F and M are the 1–5 quintile scores; 5 is best: most recent, most orders, most
 * spend). Documented for users in docs/analytics.md.
 */
export const SEGMENTS = ['champions', 'loyal', 'potential', 'at_risk', 'hibernating', 'lost', 'prospect'] as const;
export type Segment = (typeof SEGMENTS)[number];

/** A customer whose last order is more than this many days old is lost, whatever the scores. */
export const LOST_AFTER_DAYS = 180;

export const SEGMENT_RULES: Record<Segment, string> = {
  lost: `last order more than ${LOST_AFTER_DAYS} days ago`,
  champions: 'R ≥ 4, F ≥ 4 and M ≥ 4: recent, frequent, big spenders',
  loyal: 'F ≥ 4 and R ≥ 3 (not champions): order often and still active',
  at_risk: 'R ≤ 2 and (F ≥ 3 or M ≥ 3): used to order often or spend well, not lately',
  potential: 'R ≥ 3 (none of the above): recent buyers who do not order often yet',
  hibernating: 'R ≤ 2, F ≤ 2 and M ≤ 2: few, small, old orders',
  prospect: 'no confirmed or fulfilled order yet (not scored)',
};

export interface RfmScores {
  recencyDays: number;
  r: number;
  f: number;
  m: number;
}

export function segmentOf({ recencyDays, r, f, m }: RfmScores): Segment {
  if (recencyDays > LOST_AFTER_DAYS) return 'lost';
  if (r >= 4 && f >= 4 && m >= 4) return 'champions';
  if (f >= 4 && r >= 3) return 'loyal';
  if (r <= 2 && (f >= 3 || m >= 3)) return 'at_risk';
  if (r >= 3) return 'potential';
  return 'hibernating';
}

export const isSegment = (s: string | null | undefined): s is Segment =>
  s !== null && s !== undefined && (SEGMENTS as readonly string[]).includes(s);
