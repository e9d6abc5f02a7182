import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { quantileScores, scoreThresholds } from '../../src/analytics/domain/quintiles';
import { rfmThresholds, scoreRfm, summarizeSegments } from '../../src/analytics/domain/rfm';
import { segmentOf } from '../../src/analytics/domain/segments';

describe('quintile scores (mid-rank)', () => {
  it('matches hand-computed scores, ties included', () => {
    expect(quantileScores([])).toEqual([]);
    expect(quantileScores([7])).toEqual([3]);
    expect(quantileScores([4, 4, 4])).toEqual([3, 3, 3]);
    expect(quantileScores([1, 2, 3, 4, 5])).toEqual([1, 2, 3, 4, 5]);
    expect(quantileScores([50, 10, 40, 20, 30])).toEqual([5, 1, 4, 2, 3]);
    // p = (less + equal/2) / n: 10 → 1/4 → 2; 20 → 2.5/4 → 4; 30 → 3.5/4 → 5.
    expect(quantileScores([10, 30, 10, 20])).toEqual([2, 5, 2, 4]);
    // Ten distinct values: two per quintile.
    expect(quantileScores([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    expect(scoreThresholds([10, 30, 10, 20], [2, 5, 2, 4])).toEqual([null, 10, null, 20, 30]);
  });

  it('rejects non-finite values', () => {
    expect(() => quantileScores([1, Number.NaN])).toThrow(RangeError);
  });

  const values = fc.array(fc.integer({ min: -1000, max: 1000 }), { maxLength: 200 });

  it('scores are 1..5, equal values score equally, larger values never score lower (property)', () => {
    fc.assert(
      fc.property(values, (xs) => {
        const s = quantileScores(xs);
        for (let i = 0; i < xs.length; i++) {
          if ((s[i] as number) < 1 || (s[i] as number) > 5) return false;
          for (let j = 0; j < xs.length; j++) {
            if (xs[i] === xs[j] && s[i] !== s[j]) return false;
            if ((xs[i] as number) < (xs[j] as number) && (s[i] as number) > (s[j] as number)) return false;
          }
        }
        return true;
      }),
    );
  });

  it('does not depend on input order (property)', () => {
    fc.assert(
      fc.property(values, fc.integer(), (xs, seed) => {
        const order = xs.map((_, i) => i).sort((a, b) => ((a * 7919 + seed) % 101) - ((b * 7919 + seed) % 101));
        const shuffled = order.map((i) => xs[i] as number);
        const s = quantileScores(xs);
        const t = quantileScores(shuffled);
        return order.every((i, k) => s[i] === t[k]);
      }),
    );
  });

  it('splits distinct values into groups of ⌊n/5⌋ or ⌈n/5⌉, exactly NTILE’s groups when 5 divides n (property)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 300 }), (xs) => {
        const n = xs.length;
        const s = quantileScores(xs);
        const counts = [1, 2, 3, 4, 5].map((k) => s.filter((v) => v === k).length);
        if (!counts.every((c) => c === Math.floor(n / 5) || c === Math.ceil(n / 5))) return false;
        if (n % 5 !== 0) return true;
        // NTILE(5) over the sorted values: rank i (0-based) lands in tile ⌊5i/n⌋ + 1.
        const sorted = [...xs].sort((a, b) => a - b);
        return sorted.every((v, i) => s[xs.indexOf(v)] === Math.floor((5 * i) / n) + 1);
      }),
    );
  });

  it('a lone customer and an all-equal tenant score the middle (property)', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 50 }), (v, n) =>
        quantileScores(Array(n).fill(v)).every((s) => s === 3),
      ),
    );
  });
});

describe('segments', () => {
  it('applies the documented rules in order', () => {
    expect(segmentOf({ recencyDays: 181, r: 5, f: 5, m: 5 })).toBe('lost');
    expect(segmentOf({ recencyDays: 180, r: 4, f: 4, m: 4 })).toBe('champions');
    expect(segmentOf({ recencyDays: 3, r: 3, f: 5, m: 1 })).toBe('loyal');
    expect(segmentOf({ recencyDays: 3, r: 5, f: 4, m: 3 })).toBe('loyal');
    expect(segmentOf({ recencyDays: 90, r: 2, f: 3, m: 1 })).toBe('at_risk');
    expect(segmentOf({ recencyDays: 90, r: 1, f: 1, m: 5 })).toBe('at_risk');
    expect(segmentOf({ recencyDays: 10, r: 3, f: 1, m: 1 })).toBe('potential');
    expect(segmentOf({ recencyDays: 90, r: 2, f: 2, m: 2 })).toBe('hibernating');
  });

  it('every combination of scores gets exactly one segment (property)', () => {
    const score = fc.integer({ min: 1, max: 5 });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 400 }), score, score, score, (recencyDays, r, f, m) => {
        const s = segmentOf({ recencyDays, r, f, m });
        return recencyDays > 180 ? s === 'lost' : s !== 'lost' && s !== 'prospect';
      }),
    );
  });
});

describe('RFM scoring', () => {
  const fixture = [
    { customerId: 'A', lastOrderDate: '2025-04-09', frequency: 10, monetaryMinor: 50_000 },
    { customerId: 'B', lastOrderDate: '2025-04-05', frequency: 6, monetaryMinor: 30_000 },
    { customerId: 'C', lastOrderDate: '2025-03-01', frequency: 3, monetaryMinor: 40_000 },
    { customerId: 'D', lastOrderDate: '2025-01-10', frequency: 1, monetaryMinor: 1_000 },
    { customerId: 'E', lastOrderDate: '2024-09-01', frequency: 8, monetaryMinor: 90_000 },
    { customerId: 'F', lastOrderDate: null, frequency: 0, monetaryMinor: 0 },
  ];

  it('scores a hand-worked tenant', () => {
    const rows = scoreRfm(fixture, '2025-04-10');
    const view = Object.fromEntries(rows.map((r) => [r.customerId, [r.recencyDays, r.r, r.f, r.m, r.segment]]));
    expect(view).toEqual({
      A: [1, 5, 5, 4, 'champions'],
      B: [5, 4, 3, 2, 'potential'],
      C: [40, 3, 2, 3, 'potential'],
      D: [90, 2, 1, 1, 'hibernating'],
      E: [221, 1, 4, 5, 'lost'],
      F: [null, null, null, null, 'prospect'],
    });
    expect(rfmThresholds(rows)).toEqual({
      recencyDays: [221, 90, 40, 5, 1],
      frequency: [1, 3, 6, 8, 10],
      monetaryMinor: [1000, 30000, 40000, 50000, 90000],
    });
  });

  it('summarises counts and revenue share per segment', () => {
    const summary = summarizeSegments(scoreRfm(fixture, '2025-04-10'));
    const by = Object.fromEntries(summary.map((s) => [s.segment, [s.customers, s.revenueMinor, s.revenueSharePct]]));
    // Total 211,000: potential 70,000 → 33.2 %; lost 90,000 → 42.7 %; champions 50,000 → 23.7 %.
    expect(by).toEqual({
      champions: [1, 50_000, 23.7],
      loyal: [0, 0, 0],
      potential: [2, 70_000, 33.2],
      at_risk: [0, 0, 0],
      hibernating: [1, 1_000, 0.5],
      lost: [1, 90_000, 42.7],
      prospect: [1, 0, 0],
    });
    expect(summarizeSegments([])).toHaveLength(7);
    expect(summarizeSegments([]).every((s) => s.customers === 0 && s.revenueSharePct === null)).toBe(true);
  });

  it('an empty tenant and a single customer are handled (property)', () => {
    expect(scoreRfm([], '2025-01-01')).toEqual([]);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 400 }),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 0, max: 1e9 }),
        (days, f, m) => {
          const last = new Date(Date.parse('2025-06-01') - days * 86_400_000).toISOString().slice(0, 10);
          const [row] = scoreRfm(
            [{ customerId: 'x', lastOrderDate: last, frequency: f, monetaryMinor: m }],
            '2025-06-01',
          );
          return (
            row?.r === 3 &&
            row.f === 3 &&
            row.m === 3 &&
            row.recencyDays === days &&
            row.segment === (days > 180 ? 'lost' : 'potential')
          );
        },
      ),
    );
  });
});
