import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { comparePeriods, lastCompletePeriod, periodContaining, shiftPeriod } from '../../src/analytics/domain/periods';
import {
  addDays,
  addMonths,
  localDate,
  localDateIn,
  localHour,
  localRange,
  offsetMinutes,
  offsetSegments,
  startOfLocalDay,
} from '../../src/analytics/domain/timezone';

const ms = (iso: string) => Date.parse(iso);

describe('timezone arithmetic', () => {
  it('knows Berlin’s offsets in winter and summer', () => {
    expect(offsetMinutes('Europe/Berlin', ms('2025-01-15T12:00:00Z'))).toBe(60);
    expect(offsetMinutes('Europe/Berlin', ms('2025-07-15T12:00:00Z'))).toBe(120);
    expect(offsetMinutes('America/New_York', ms('2025-01-15T12:00:00Z'))).toBe(-300);
    expect(offsetMinutes('Asia/Kolkata', ms('2025-01-15T12:00:00Z'))).toBe(330);
    expect(offsetMinutes('UTC', ms('2025-01-15T12:00:00Z'))).toBe(0);
  });

  it('puts a sale at 23:30 local on the local day, not the UTC day', () => {
    // 23:30 in Berlin (CET) is 22:30 UTC the same day; 00:30 in Berlin is 23:30 UTC the day before.
    expect(localDate('Europe/Berlin', ms('2025-01-15T22:30:00Z'))).toBe('2025-01-15');
    expect(localDate('Europe/Berlin', ms('2025-01-15T23:30:00Z'))).toBe('2025-01-16');
    // New York (EST, UTC−5): 23:30 local on 15 January is 04:30 UTC on the 16th.
    expect(localDate('America/New_York', ms('2025-01-16T04:30:00Z'))).toBe('2025-01-15');
    expect(localHour('America/New_York', ms('2025-01-16T04:30:00Z'))).toBe(23);
  });

  it('gives DST change days 23 and 25 hours', () => {
    // Berlin: clocks go forward at 02:00 on 30 March 2025, back at 03:00 on 26 October 2025.
    const spring = localRange('Europe/Berlin', '2025-03-30', '2025-03-30');
    expect(new Date(spring.startMs).toISOString()).toBe('2025-03-29T23:00:00.000Z');
    expect(new Date(spring.endMs).toISOString()).toBe('2025-03-30T22:00:00.000Z');
    expect((spring.endMs - spring.startMs) / 3_600_000).toBe(23);
    const autumn = localRange('Europe/Berlin', '2025-10-26', '2025-10-26');
    expect(new Date(autumn.startMs).toISOString()).toBe('2025-10-25T22:00:00.000Z');
    expect((autumn.endMs - autumn.startMs) / 3_600_000).toBe(25);
    // 23:30 local on the spring change day is 21:30 UTC (CEST) and still that day.
    expect(localDate('Europe/Berlin', ms('2025-03-30T21:30:00Z'))).toBe('2025-03-30');
    expect(localDate('Europe/Berlin', ms('2025-03-30T22:00:00Z'))).toBe('2025-03-31');
  });

  it('starts a day at the first instant that exists when midnight is skipped', () => {
    // Santiago de Chile moved clocks from 00:00 to 01:00 on 8 September 2024 (UTC−4 → UTC−3).
    const start = startOfLocalDay('America/Santiago', '2024-09-08');
    expect(new Date(start).toISOString()).toBe('2024-09-08T04:00:00.000Z');
    expect(localDate('America/Santiago', start)).toBe('2024-09-08');
    expect(localDate('America/Santiago', start - 1)).toBe('2024-09-07');
  });

  it('finds the exact DST transition instants for SQL bucketing', () => {
    const segs = offsetSegments('Europe/Berlin', ms('2025-01-01T00:00:00Z'), ms('2026-01-01T00:00:00Z'));
    expect(segs.map((s) => [new Date(s.fromMs).toISOString(), s.offsetMinutes])).toEqual([
      ['2025-01-01T00:00:00.000Z', 60],
      ['2025-03-30T01:00:00.000Z', 120],
      ['2025-10-26T01:00:00.000Z', 60],
    ]);
    expect(offsetSegments('UTC', 0, ms('2030-01-01T00:00:00Z'))).toHaveLength(1);
  });

  it('localDateIn agrees with Intl for any instant in the covered range (property)', () => {
    const from = ms('2023-01-01T00:00:00Z');
    const to = ms('2026-12-31T00:00:00Z');
    for (const tz of ['Europe/Berlin', 'America/New_York', 'Australia/Sydney', 'Asia/Kathmandu']) {
      const segs = offsetSegments(tz, from, to);
      fc.assert(
        fc.property(fc.integer({ min: from, max: to - 1 }), (t) => localDateIn(segs, t) === localDate(tz, t)),
        { numRuns: 300 },
      );
    }
  });

  it('day boundaries are consistent: each instant lies in [start of its day, start of the next) (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: ms('2020-01-01T00:00:00Z'), max: ms('2030-01-01T00:00:00Z') }), (t) => {
        const day = localDate('Europe/Berlin', t);
        return startOfLocalDay('Europe/Berlin', day) <= t && t < startOfLocalDay('Europe/Berlin', addDays(day, 1));
      }),
      { numRuns: 300 },
    );
  });

  it('does month arithmetic on calendar dates', () => {
    expect(addMonths('2025-01-31', 1)).toBe('2025-02-28');
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29');
    expect(addMonths('2025-03-15', -3)).toBe('2024-12-15');
  });
});

describe('periods', () => {
  it('finds ISO weeks, months and quarters', () => {
    expect(periodContaining('week', '2025-03-30')).toMatchObject({ start: '2025-03-24', end: '2025-03-30' });
    expect(periodContaining('week', '2025-03-31')).toMatchObject({ start: '2025-03-31', end: '2025-04-06' });
    expect(periodContaining('month', '2024-02-10')).toMatchObject({ start: '2024-02-01', end: '2024-02-29' });
    expect(periodContaining('quarter', '2025-11-21')).toMatchObject({ start: '2025-10-01', end: '2025-12-31' });
    expect(shiftPeriod(periodContaining('month', '2025-03-31'), -1)).toMatchObject({
      start: '2025-02-01',
      end: '2025-02-28',
    });
    expect(lastCompletePeriod('week', '2025-03-26')).toMatchObject({ start: '2025-03-17', end: '2025-03-23' });
    expect(lastCompletePeriod('day', '2025-03-01')).toMatchObject({ start: '2025-02-28', end: '2025-02-28' });
    expect(lastCompletePeriod('month', '2025-01-05')).toMatchObject({ start: '2024-12-01', end: '2024-12-31' });
  });

  it('compares a running period like for like, a finished one in full', () => {
    const running = comparePeriods('month', '2025-11-21', '2025-11-21');
    expect(running.complete).toBe(false);
    expect(running.current).toEqual({ start: '2025-11-01', end: '2025-11-21' });
    expect(running.previous).toEqual({ start: '2025-10-01', end: '2025-10-21' });
    // 1–31 March against February, which has only 28 days: the comparison stops at its end.
    expect(comparePeriods('month', '2025-03-31', '2025-03-31').previous).toEqual({
      start: '2025-02-01',
      end: '2025-02-28',
    });
    const done = comparePeriods('quarter', '2025-05-05', '2025-11-21');
    expect(done.complete).toBe(true);
    expect(done.current).toMatchObject({ start: '2025-04-01', end: '2025-06-30' });
    expect(done.previous).toMatchObject({ start: '2025-01-01', end: '2025-03-31' });
  });

  it('cuts a running period at now, and the span it is compared with at the same time of day', () => {
    // 21 November 2025, 14:30 in Berlin (UTC+1).
    const nowMs = Date.parse('2025-11-21T13:30:00Z');
    const clock = { timezone: 'Europe/Berlin', nowMs };
    const month = comparePeriods('month', '2025-11-21', '2025-11-21', clock);
    expect(month.current).toEqual({ start: '2025-11-01', end: '2025-11-21', until: '2025-11-21T13:30:00.000Z' });
    // 21 October 14:30 in Berlin is 12:30 UTC (summer time until 26 October).
    expect(month.previous).toEqual({ start: '2025-10-01', end: '2025-10-21', until: '2025-10-21T12:30:00.000Z' });
    // A day (a Friday) against the Friday before, both to 14:30.
    const day = comparePeriods('day', '2025-11-21', '2025-11-21', clock);
    expect(day.previous).toEqual({ start: '2025-11-14', end: '2025-11-14', until: '2025-11-14T13:30:00.000Z' });
    expect(comparePeriods('day', '2025-11-17', '2025-11-21').previous).toEqual({
      start: '2025-11-10',
      end: '2025-11-10',
    });
    // 31 March at 23:00 against February: February's span ends with its last day, not in March.
    const march = comparePeriods('month', '2025-03-31', '2025-03-31', {
      timezone: 'UTC',
      nowMs: Date.parse('2025-03-31T23:00:00Z'),
    });
    expect(march.previous).toEqual({ start: '2025-02-01', end: '2025-02-28', until: '2025-03-01T00:00:00.000Z' });
    // A finished period has no cut.
    expect(comparePeriods('week', '2025-11-03', '2025-11-21', clock).current).toEqual({
      start: '2025-11-03',
      end: '2025-11-09',
    });
  });
});
