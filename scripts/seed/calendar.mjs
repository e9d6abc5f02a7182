// The business calendar in the tenant's timezone (Europe/Berlin): DST, public holidays, seasonality.

export const DAY_MS = 86_400_000;

/** Last Sunday of a month, as a UTC midnight timestamp. */
function lastSunday(year, month) {
  const last = Date.UTC(year, month + 1, 0);
  return last - new Date(last).getUTCDay() * DAY_MS;
}

/** Europe/Berlin offset from UTC in hours on that (UTC-midnight) day: +2 in summer time, else +1. */
export function berlinOffsetHours(dayMs) {
  const year = new Date(dayMs).getUTCFullYear();
  return dayMs >= lastSunday(year, 2) && dayMs < lastSunday(year, 9) ? 2 : 1;
}

/** UTC timestamp of a local Berlin wall-clock time (hours, may be fractional) on the given day. */
export const berlinTime = (dayMs, localHours) => dayMs + (localHours - berlinOffsetHours(dayMs)) * 3_600_000;

/** Easter Sunday (anonymous Gregorian algorithm), as UTC midnight. */
function easter(year) {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return Date.UTC(year, month - 1, day);
}

/**
 * The demo company's holiday calendar (its tenant setting): the fixed nationwide holidays every year, the
 * movable ones of this year and the next by date.
 */
export function holidayCalendar(todayMs) {
  const fixed = [
    ['01-01', 'Neujahr'],
    ['05-01', 'Tag der Arbeit'],
    ['10-03', 'Tag der Deutschen Einheit'],
    ['12-25', '1. Weihnachtstag'],
    ['12-26', '2. Weihnachtstag'],
  ].map(([date, name]) => ({ date, name }));
  const year = new Date(todayMs).getUTCFullYear();
  const movable = [year, year + 1].flatMap((y) => {
    const e = easter(y);
    return [
      [e - 2 * DAY_MS, 'Karfreitag'],
      [e + DAY_MS, 'Ostermontag'],
      [e + 39 * DAY_MS, 'Christi Himmelfahrt'],
      [e + 50 * DAY_MS, 'Pfingstmontag'],
    ].map(([ms, name]) => ({ date: ymd(ms), name }));
  });
  return [...fixed, ...movable];
}

/** Nationwide German public holidays of a year (state holidays are left out). */
function holidays(year) {
  const e = easter(year);
  return [
    Date.UTC(year, 0, 1),
    e - 2 * DAY_MS,
    e + DAY_MS,
    Date.UTC(year, 4, 1),
    e + 39 * DAY_MS,
    e + 50 * DAY_MS,
    Date.UTC(year, 9, 3),
    Date.UTC(year, 11, 25),
    Date.UTC(year, 11, 26),
  ];
}

// Monday-heavy B2B week: shops restock after the weekend; almost nothing happens on Sundays.
const WEEKDAY = [0.02, 1.3, 1.2, 1.1, 1.08, 0.95, 0.3];
// Overall demand by month for a beverage-led wholesaler: summer peak, December bump, January slump.
const MONTH = [0.8, 0.84, 0.95, 1, 1.08, 1.18, 1.22, 1.16, 1.02, 0.97, 0.98, 1.1];

/**
 * Demand multiplier for each day of the window: weekday × smooth yearly curve × holidays × a growth
 * trend (the business grows about 15 % over the window on top of the customers it adds).
 */
export function dayFactors(startMs, days) {
  const holidaySet = new Set();
  const firstYear = new Date(startMs).getUTCFullYear();
  for (let y = firstYear; y <= firstYear + 3; y++) for (const h of holidays(y)) holidaySet.add(h);
  const factors = new Float64Array(days);
  for (let d = 0; d < days; d++) {
    const ms = startMs + d * DAY_MS;
    const date = new Date(ms);
    // Interpolate between mid-month values so months do not jump.
    const monthPos = date.getUTCMonth() + (date.getUTCDate() - 15) / 30;
    const lo = Math.floor(monthPos);
    const t = monthPos - lo;
    const season = MONTH[(lo + 12) % 12] * (1 - t) + MONTH[(lo + 13) % 12] * t;
    const between = date.getUTCMonth() === 11 && date.getUTCDate() >= 24 ? 0.25 : 1;
    const holiday = holidaySet.has(ms) ? 0.03 : 1;
    factors[d] = WEEKDAY[date.getUTCDay()] * season * between * holiday * (1 + (0.15 * d) / days);
  }
  return factors;
}

export const isWorkday = (dayMs) => {
  const wd = new Date(dayMs).getUTCDay();
  return wd !== 0 && wd !== 6;
};

/**
 * `ms` itself if it falls in office hours (Mon–Fri 07:00–18:00 Berlin time), otherwise a moment early
 * on the next working morning: back-office work (confirmations, booking transfers) waits for the office.
 */
export function officeHours(ms, rnd) {
  const day = Math.floor(ms / DAY_MS) * DAY_MS;
  const local = (ms - day) / 3_600_000 + berlinOffsetHours(day);
  if (isWorkday(day) && local >= 7 && local < 18) return ms;
  let next = local < 7 ? day : day + DAY_MS;
  while (!isWorkday(next)) next += DAY_MS;
  return Math.round(berlinTime(next, rnd.range(7, 9.5)));
}

/** YYYY-MM-DD of a UTC-midnight day. */
export const ymd = (ms) => new Date(ms).toISOString().slice(0, 10);
