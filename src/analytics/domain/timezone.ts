/**
 * Calendar arithmetic in a tenant's IANA timezone. Analytics buckets by the tenant's local day, so every
 * period is turned into UTC instants here: a local day is [start of that day, start of the next day),
 * which is 23 or 25 hours long on DST change dates. Offsets come from Intl (the runtime's tz database).
 */

export const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

/** A calendar date, `YYYY-MM-DD`. Plain calendar math on it needs no timezone. */
export type LocalDate = string;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The tenant's zone, or UTC when the stored name is unknown to the runtime (never a 500 for bad data). */
export const safeTimeZone = (timeZone: string | null | undefined): string =>
  timeZone && isValidTimeZone(timeZone) ? timeZone : 'UTC';

/** Minutes to add to UTC to get local wall-clock time at `instantMs` (e.g. +60 for Berlin in winter). */
export function offsetMinutes(timeZone: string, instantMs: number): number {
  if (timeZone === 'UTC') return 0;
  const p: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(instantMs))) {
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  }
  const wall = Date.UTC(p.year ?? 1970, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0, p.second ?? 0);
  return Math.round((wall - Math.floor(instantMs / 1000) * 1000) / MINUTE_MS);
}

/** The local calendar date of an instant. */
export function localDate(timeZone: string, instantMs: number): LocalDate {
  return new Date(instantMs + offsetMinutes(timeZone, instantMs) * MINUTE_MS).toISOString().slice(0, 10);
}

/** Local hour (0–23) of an instant. */
export function localHour(timeZone: string, instantMs: number): number {
  return new Date(instantMs + offsetMinutes(timeZone, instantMs) * MINUTE_MS).getUTCHours();
}

/**
 * The first instant of a local day. Usually local midnight; where midnight does not exist (a DST gap at
 * 00:00, e.g. America/Santiago) it is the first instant whose local date is `day`.
 */
export function startOfLocalDay(timeZone: string, day: LocalDate): number {
  const utcMidnight = Date.parse(`${day}T00:00:00.000Z`);
  let t = utcMidnight - offsetMinutes(timeZone, utcMidnight) * MINUTE_MS;
  t = utcMidnight - offsetMinutes(timeZone, t) * MINUTE_MS;
  if (localDate(timeZone, t) === day && localDate(timeZone, t - 1) < day) return t;
  // Offsets are within ±18 h, so the day starts inside this window; local dates only grow within it.
  let lo = utcMidnight - 27 * 3_600_000;
  let hi = utcMidnight + 27 * 3_600_000;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (localDate(timeZone, mid) >= day) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** [start, end) of the local days `from`..`to` (inclusive) as UTC instants. */
export function localRange(timeZone: string, from: LocalDate, to: LocalDate): { startMs: number; endMs: number } {
  return { startMs: startOfLocalDay(timeZone, from), endMs: startOfLocalDay(timeZone, addDays(to, 1)) };
}

// ------------------------------------------------------------------ plain calendar math on dates

const toUtcMs = (day: LocalDate) => Date.parse(`${day}T00:00:00.000Z`);
const fromUtcMs = (ms: number): LocalDate => new Date(ms).toISOString().slice(0, 10);

export const addDays = (day: LocalDate, n: number): LocalDate => fromUtcMs(toUtcMs(day) + n * DAY_MS);

/** Whole days from `a` to `b` (b − a). */
export const daysBetween = (a: LocalDate, b: LocalDate): number => Math.round((toUtcMs(b) - toUtcMs(a)) / DAY_MS);

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export const isoWeekday = (day: LocalDate): number => ((new Date(toUtcMs(day)).getUTCDay() + 6) % 7) + 1;

export function addMonths(day: LocalDate, n: number): LocalDate {
  const d = new Date(toUtcMs(day));
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d.getUTCDate(), lastDay));
  return fromUtcMs(target.getTime());
}

/** Every date from `from` to `to`, inclusive. */
export function eachDay(from: LocalDate, to: LocalDate): LocalDate[] {
  const days: LocalDate[] = [];
  for (let ms = toUtcMs(from), end = toUtcMs(to); ms <= end; ms += DAY_MS) days.push(fromUtcMs(ms));
  return days;
}

/** YYYY-MM-DD strings compare as text in date order. */
export const earlierOf = (a: LocalDate, b: LocalDate): LocalDate => (a < b ? a : b);
export const laterOf = (a: LocalDate, b: LocalDate): LocalDate => (a > b ? a : b);

export const isLocalDate = (s: string): boolean => /^\d{4}-\d{2}-\d{2}$/.test(s) && fromUtcMs(toUtcMs(s)) === s;

// ------------------------------------------------------------------ offset segments for SQL bucketing

/** From `fromMs` on (until the next segment), local time is UTC + `offsetMinutes`. */
export interface OffsetSegment {
  fromMs: number;
  offsetMinutes: number;
}

/**
 * The UTC offsets in force over [startMs, endMs), as segments split at each DST transition, so SQL can
 * turn a stored UTC instant into a local date with one CASE (see ../queries/activity-sql.ts).
 */
export function offsetSegments(timeZone: string, startMs: number, endMs: number): OffsetSegment[] {
  const segments: OffsetSegment[] = [{ fromMs: startMs, offsetMinutes: offsetMinutes(timeZone, startMs) }];
  if (timeZone === 'UTC') return segments;
  // Zones change offset at most a few times a year and never twice within 12 hours.
  const step = 12 * 3_600_000;
  for (let t = startMs; t < endMs; t += step) {
    const next = Math.min(t + step, endMs);
    const before = offsetMinutes(timeZone, t);
    if (offsetMinutes(timeZone, next) === before) continue;
    let lo = t;
    let hi = next;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (offsetMinutes(timeZone, mid) === before) lo = mid;
      else hi = mid;
    }
    if (hi < endMs) segments.push({ fromMs: hi, offsetMinutes: offsetMinutes(timeZone, hi) });
  }
  return segments;
}

/** `localDate` without Intl, for many instants inside the range that `segments` covers. */
export function localDateIn(segments: readonly OffsetSegment[], instantMs: number): LocalDate {
  let lo = 0;
  let hi = segments.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((segments[mid] as OffsetSegment).fromMs <= instantMs) lo = mid;
    else hi = mid - 1;
  }
  const offset = segments[lo]?.offsetMinutes ?? 0;
  return new Date(instantMs + offset * MINUTE_MS).toISOString().slice(0, 10);
}
