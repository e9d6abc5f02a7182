import {
  addDays,
  addMonths,
  DAY_MS,
  daysBetween,
  earlierOf,
  isoWeekday,
  type LocalDate,
  startOfLocalDay,
} from './timezone';

/** Reporting periods are calendar periods of the tenant's local dates; weeks run Monday to Sunday (ISO). */
export const PERIOD_TYPES = ['day', 'week', 'month', 'quarter'] as const;
export type PeriodType = (typeof PERIOD_TYPES)[number];

/** Inclusive range of local dates. */
export interface DateRange {
  start: LocalDate;
  end: LocalDate;
  /**
   * An instant (UTC ISO, exclusive) within the last day where the range stops: a running period is
   * counted up to now, and the span it is compared with up to the same time of day.
   */
  until?: string;
}

export interface Period extends DateRange {
  type: PeriodType;
}

export function periodContaining(type: PeriodType, day: LocalDate): Period {
  switch (type) {
    case 'day':
      return { type, start: day, end: day };
    case 'week': {
      const start = addDays(day, 1 - isoWeekday(day));
      return { type, start, end: addDays(start, 6) };
    }
    case 'month': {
      const start = `${day.slice(0, 8)}01`;
      return { type, start, end: addDays(addMonths(start, 1), -1) };
    }
    case 'quarter': {
      const month = Number(day.slice(5, 7));
      const first = Math.floor((month - 1) / 3) * 3 + 1;
      const start = `${day.slice(0, 5)}${String(first).padStart(2, '0')}-01`;
      return { type, start, end: addDays(addMonths(start, 3), -1) };
    }
  }
}

/** The period `n` periods after `period` (negative: before). */
export function shiftPeriod(period: Period, n: number): Period {
  if (period.type === 'day') return periodContaining('day', addDays(period.start, n));
  if (period.type === 'week') return periodContaining('week', addDays(period.start, 7 * n));
  const months = period.type === 'month' ? n : 3 * n;
  return periodContaining(period.type, addMonths(period.start, months));
}

/** The last period of this type that has fully ended before `today` (what a scheduled report covers). */
export const lastCompletePeriod = (type: PeriodType, today: LocalDate): Period =>
  shiftPeriod(periodContaining(type, today), -1);

export interface Comparison {
  period: Period;
  /** The days of `period` that are reported: all of it once it has ended, else up to today. */
  current: DateRange;
  /** The same span at the start of the previous period (like for like), or all of it when complete. */
  previous: DateRange;
  complete: boolean;
}

/**
 * The period containing `anchor`, and what to compare it with. A running period is compared like for
 * like: 1–21 November against 1–21 October, not against all of October; with the tenant's `clock`, to
 * the minute: 1 November 00:00 to 21 November 14:30 against 1 October 00:00 to 21 October 14:30. A day
 * is compared with the same weekday of the week before.
 */
export function comparePeriods(
  type: PeriodType,
  anchor: LocalDate,
  today: LocalDate,
  clock?: { timezone: string; nowMs: number },
): Comparison {
  const period = periodContaining(type, anchor);
  // A day is compared with the same weekday a week earlier (a Monday with a Monday, not with a Sunday).
  const prior = type === 'day' ? periodContaining('day', addDays(period.start, -7)) : shiftPeriod(period, -1);
  const range = (p: DateRange): DateRange => ({ start: p.start, end: p.end });
  if (period.end < today) return { period, current: range(period), previous: range(prior), complete: true };
  const elapsed = daysBetween(period.start, today);
  const previousEnd = earlierOf(addDays(prior.start, elapsed), prior.end);
  const current: DateRange = { start: period.start, end: today };
  const previous: DateRange = { start: prior.start, end: previousEnd };
  if (clock) {
    const since = clock.nowMs - startOfLocalDay(clock.timezone, period.start);
    const cut = startOfLocalDay(clock.timezone, prior.start) + since;
    const endOfPrevious = startOfLocalDay(clock.timezone, previousEnd) + DAY_MS;
    current.until = new Date(clock.nowMs).toISOString();
    previous.until = new Date(Math.min(cut, endOfPrevious)).toISOString();
  }
  return { period, current, previous, complete: false };
}

export const rangeDays = (r: DateRange): number => daysBetween(r.start, r.end) + 1;

/** Growth in percent from `previous` to `current`, one decimal; null when there is nothing to grow from. */
export function growthPct(current: number, previous: number): number | null {
  if (previous === 0) return null;
  return Math.round(((current - previous) / Math.abs(previous)) * 1000) / 10;
}

/** A ratio as a percentage with one decimal, or null when the denominator is 0. */
export const pct = (numerator: number, denominator: number): number | null =>
  denominator === 0 ? null : Math.round((numerator / denominator) * 1000) / 10;
