import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as pg from '../../src/db/pg/schema';
import { isoFromPg } from '../../src/db/pg/schema/columns';

/** A timestamptz as Postgres prints it: space, offset `+HH[:MM[:SS]]`, trailing fraction zeros dropped. */
function pgText(ms: number, offsetSeconds: number): string {
  const local = new Date(ms + offsetSeconds * 1000).toISOString(); // 2026-12-03T17:46:57.120Z
  const [date, time = ''] = local.slice(0, -1).split('T');
  const [hms, fraction = ''] = time.split('.');
  const frac = fraction.replace(/0+$/, '');
  const sign = offsetSeconds < 0 ? '-' : '+';
  const abs = Math.abs(offsetSeconds);
  const two = (n: number) => String(n).padStart(2, '0');
  let offset = `${sign}${two(Math.floor(abs / 3600))}`;
  if (abs % 3600) offset += `:${two(Math.floor((abs % 3600) / 60))}`;
  if (abs % 60) offset += `:${two(abs % 60)}`;
  return `${date} ${hms}${frac ? `.${frac}` : ''}${offset}`;
}

describe('Postgres timestamptz → the ISO string the SQLite schema holds', () => {
  it.each([
    ['2026-12-03 17:46:57.123+00', '2026-12-03T17:46:57.123Z'],
    ['2026-12-03 17:46:57.12+00', '2026-12-03T17:46:57.120Z'],
    ['2026-12-03 17:46:57+00', '2026-12-03T17:46:57.000Z'],
    // A session in another time zone gets the local time and its offset.
    ['2026-12-03 23:16:57.123+05:30', '2026-12-03T17:46:57.123Z'],
    ['2026-12-03 12:46:57.123-05', '2026-12-03T17:46:57.123Z'],
    ['2027-01-01 00:46:57.123+07', '2026-12-31T17:46:57.123Z'],
    // Local mean time before standard zones: Postgres prints the offset with seconds.
    ['1890-01-01 00:19:32+00:19:32', '1890-01-01T00:00:00.000Z'],
    ['0050-03-01 00:00:00+00', '0050-03-01T00:00:00.000Z'],
    // Already ISO (what the value was written as).
    ['2026-12-03T17:46:57.123Z', '2026-12-03T17:46:57.123Z'],
  ])('%s → %s', (fromDriver, iso) => {
    expect(isoFromPg(fromDriver)).toBe(iso);
    expect(pg.tenants.createdAt.mapFromDriverValue(fromDriver)).toBe(iso);
  });

  it('takes a Date too', () => {
    expect(isoFromPg(new Date('2026-12-03T17:46:57.123Z'))).toBe('2026-12-03T17:46:57.123Z');
  });

  it('refuses what it cannot read rather than return another instant', () => {
    for (const value of ['infinity', '-infinity', '2026-12-03', 'Thu Dec 03 17:46:57.123 2026 UTC']) {
      expect(() => isoFromPg(value), value).toThrow(/Unexpected timestamptz/);
    }
  });

  it('gives back exactly new Date(x).toISOString() for any instant and session offset', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2200, 0, 1) }),
        fc.integer({ min: -16 * 3600, max: 16 * 3600 }),
        (ms, offsetSeconds) => isoFromPg(pgText(ms, offsetSeconds)) === new Date(ms).toISOString(),
      ),
      { numRuns: 500 },
    );
  });

  it('is written as the ISO string', () => {
    expect(pg.orders.orderedAt.mapToDriverValue('2026-12-03T17:46:57.123Z')).toBe('2026-12-03T17:46:57.123Z');
  });
});

describe('other Postgres columns give the values the SQLite columns give', () => {
  it('date columns: the YYYY-MM-DD string', () => {
    expect(pg.targets.periodStart.mapFromDriverValue('2026-12-01')).toBe('2026-12-01');
    expect(pg.rfmRuns.runDate.mapToDriverValue('2026-12-01')).toBe('2026-12-01');
  });

  it('bigint money columns: a number, up to Number.MAX_SAFE_INTEGER', () => {
    expect(pg.payments.amountMinor.mapFromDriverValue('9007199254740991')).toBe(Number.MAX_SAFE_INTEGER);
    expect(pg.orders.totalMinor.mapFromDriverValue('0')).toBe(0);
  });
});
