/**
 * Quantile scores by mid-rank: a value's position is the share of values below it plus half the share of
 * values equal to it, p = (less + equal / 2) / n, and its score is ⌊k·p⌋ + 1 (1..k).
 *
 * Why mid-rank: equal values always get the same score (ties are never split between neighbouring
 * scores, as NTILE would split them arbitrarily), the result does not depend on input order, and no end
 * is favoured — a lone customer, or a tenant where everybody has the same value, scores the middle (3 of
 * 5). With n distinct values and n a multiple of k, every score holds exactly n/k values (the same
 * groups as SQL's NTILE(k)); otherwise group sizes differ by at most one plus the size of a tie group.
 *
 * The arithmetic is done in integers: score = ⌊(2k·less + k·equal) / 2n⌋ + 1.
 */
export function quantileScores(values: readonly number[], k = 5): number[] {
  const n = values.length;
  if (n === 0) return [];
  for (const v of values) if (!Number.isFinite(v)) throw new RangeError(`quantileScores: ${v} is not a finite number`);
  const sorted = Float64Array.from(values).sort();
  const scoreOf = new Map<number, number>();
  for (let i = 0; i < n; ) {
    const value = sorted[i] as number;
    let j = i + 1;
    while (j < n && sorted[j] === value) j++;
    const less = i;
    const equal = j - i;
    scoreOf.set(value, Math.min(k, Math.floor((2 * k * less + k * equal) / (2 * n)) + 1));
    i = j;
  }
  return values.map((v) => scoreOf.get(v) as number);
}

/**
 * The lowest value that earns each score 1..k (null for a score nobody has): what a UI shows as the
 * quintile boundaries.
 */
export function scoreThresholds(values: readonly number[], scores: readonly number[], k = 5): (number | null)[] {
  const lowest: (number | null)[] = Array.from({ length: k }, () => null);
  values.forEach((v, i) => {
    const s = (scores[i] as number) - 1;
    const current = lowest[s];
    if (current === null || current === undefined || v < current) lowest[s] = v;
  });
  return lowest;
}
