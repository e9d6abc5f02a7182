import { dialect } from '../../db/sql';
import type { OffsetSegment } from '../domain/timezone';
import type { Params } from './query';

/**
 * The few pieces of analytics SQL that D1 (SQLite) and Postgres write differently, as named functions;
 * everything else the queries share word for word. The queries ask `analyticsSql()` for the dialect of
 * the database this isolate opened (src/db/connection.ts chooses it), so neither they nor the services
 * ask which database runs.
 */

/** The calendar local times are computed in: the tenant's IANA zone and its offsets over the queried range. */
export interface LocalClock {
  timezone: string;
  /** The zone's UTC offsets over the range, split at DST transitions (domain/timezone.ts offsetSegments). */
  segments: readonly OffsetSegment[];
}

/** Column types a JSON value is read as (Postgres needs them spelled out, SQLite converts by affinity). */
export type JsonItemType = 'uuid' | 'text' | 'integer' | 'bigint' | 'date';

export interface AnalyticsDialect {
  name: 'sqlite' | 'pg';
  /**
   * A join whose written order is the order it runs in: the window's orders drive and each finds its row
   * by primary key. SQLite's planner, without statistics, otherwise may walk the other table first;
   * Postgres has statistics (and no `CROSS JOIN … ON`).
   */
  drivingJoin: string;
  /** The local date (`YYYY-MM-DD` text) of a stored UTC instant. */
  localDay(column: string, clock: LocalClock, p: Params): string;
  /** The local hour (`'00'`..`'23'` text) of a stored UTC instant. */
  localHour(column: string, clock: LocalClock, p: Params): string;
  /** The smaller of two values. */
  least(a: string, b: string): string;
  /** A stored instant as integer milliseconds since the epoch (a number on both drivers, no text to parse). */
  epochMs(instant: string): string;
  /** Minutes from one stored instant to another (fractional). */
  minutesBetween(from: string, to: string): string;
  /** The integer part of a non-negative number (truncated, never rounded). */
  truncInt(expr: string): string;
  /** The elements of a JSON array bound as one parameter, as a FROM item `alias` with column `value`. */
  jsonArray(param: string, alias: string): string;
  /** Element `index` of the JSON array `value`, as `type`. */
  jsonItem(value: string, index: number, type: JsonItemType): string;
  /** A sub-select of the strings of a JSON array bound as one parameter, as `type` (for `IN (…)`). */
  jsonStrings(param: string, type: JsonItemType): string;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The SQLite modifier that turns a stored UTC instant in `column` into local time, e.g. `'+60 minutes'`,
 * as one CASE over the DST transitions of the range (stored instants are ISO strings, so < compares time).
 * The offsets come from the runtime's tz database (Intl), the same one every local date in TypeScript uses.
 */
export function localShift(column: string, segments: readonly OffsetSegment[], p: Params): string {
  const mod = (minutes: number) => p.add(`${minutes >= 0 ? '+' : ''}${minutes} minutes`);
  const [first, ...rest] = segments;
  if (!first) return mod(0);
  if (rest.length === 0) return mod(first.offsetMinutes);
  let expr = 'CASE';
  let previous = first;
  for (const s of rest) {
    expr += ` WHEN ${column} < ${p.add(iso(s.fromMs))} THEN ${mod(previous.offsetMinutes)}`;
    previous = s;
  }
  return `${expr} ELSE ${mod(previous.offsetMinutes)} END`;
}

const sqlite: AnalyticsDialect = {
  name: 'sqlite',
  drivingJoin: 'CROSS JOIN',
  localDay: (column, clock, p) => `date(${column}, ${localShift(column, clock.segments, p)})`,
  localHour: (column, clock, p) => `strftime('%H', ${column}, ${localShift(column, clock.segments, p)})`,
  least: (a, b) => `MIN(${a}, ${b})`,
  // A Julian day is a double: ~50 µs of resolution today, so rounding gives the stored millisecond.
  epochMs: (instant) => `CAST(ROUND((julianday(${instant}) - 2440587.5) * 86400000) AS INTEGER)`,
  minutesBetween: (from, to) => `(julianday(${to}) - julianday(${from})) * 1440`,
  truncInt: (expr) => `CAST(${expr} AS INTEGER)`,
  jsonArray: (param, alias) => `json_each(${param}) ${alias}`,
  jsonItem: (value, index) => `${value} ->> ${index}`,
  jsonStrings: (param) => `SELECT value FROM json_each(${param})`,
};

/**
 * Postgres converts with the IANA zone itself (`AT TIME ZONE`, the server's tz database); the tenant's
 * zone is one the runtime's Intl knows (report-scope.ts safeTimeZone), which Postgres knows by the same
 * name. Both give the same local dates and hours, DST edges included (test/integration/analytics-sql.test.ts).
 */
const pg: AnalyticsDialect = {
  name: 'pg',
  drivingJoin: 'JOIN',
  localDay: (column, clock, p) => `to_char(${column} AT TIME ZONE ${p.add(clock.timezone)}, 'YYYY-MM-DD')`,
  localHour: (column, clock, p) => `to_char(${column} AT TIME ZONE ${p.add(clock.timezone)}, 'HH24')`,
  least: (a, b) => `LEAST(${a}, ${b})`,
  epochMs: (instant) => `CAST(EXTRACT(EPOCH FROM ${instant}) * 1000 AS bigint)`,
  minutesBetween: (from, to) => `EXTRACT(EPOCH FROM (${to} - ${from})) / 60`,
  // CAST(… AS integer) rounds in Postgres; the grid needs the cell the value falls in.
  truncInt: (expr) => `CAST(trunc(${expr}) AS integer)`,
  jsonArray: (param, alias) => `jsonb_array_elements(CAST(${param} AS jsonb)) AS ${alias}(value)`,
  jsonItem: (value, index, type) => `CAST(${value} ->> ${index} AS ${type})`,
  jsonStrings: (param, type) => `SELECT CAST(value AS ${type}) FROM jsonb_array_elements_text(CAST(${param} AS jsonb))`,
};

export const sqlFor = (name: 'sqlite' | 'pg'): AnalyticsDialect => (name === 'pg' ? pg : sqlite);

/** The dialect of the database this isolate runs on. */
export const analyticsSql = (): AnalyticsDialect => sqlFor(dialect.name);
