import { describe, expect, it } from 'vitest';
import {
  calendarEntry,
  forecastRevenue,
  pointForecast,
  projectHoltWinters,
  quantile,
  recurringSpecialDays,
  runHoltWinters,
} from '../../src/analytics/domain/forecast';

const week = [10, 20, 30, 40, 50, 60, 70];

describe('Holt-Winters recursions', () => {
  it('match a run worked out by hand', () => {
    // L0 = mean(week 1) = 40, T0 = (mean(week 2) − mean(week 1)) / 7 = 2/7, S = week 1 − 40.
    // With α = 1, β = 0, γ = 0 the level becomes y − S, the trend and season stay: at t = 7 the forecast
    // is 40 + 2/7 − 30 (error 12/7); from t = 8 on the level is 42 and every error is −2/7.
    const y = [...week, 12, 22, 32, 42, 52, 62, 72];
    const state = runHoltWinters(y, { alpha: 1, beta: 0, gamma: 0, phi: 1 });
    expect(state.level).toBeCloseTo(42, 10);
    expect(state.trend).toBeCloseTo(2 / 7, 10);
    expect(state.season).toEqual(week.map((v) => v - 40));
    expect(state.sse).toBeCloseTo(144 / 49 + (6 * 4) / 49, 10);
    expect(projectHoltWinters(state, { alpha: 1, beta: 0, gamma: 0, phi: 1 }, 1)[0]).toBeCloseTo(42 + 2 / 7 - 30, 10);
  });

  it('projects level + damped trend + season', () => {
    const state = { level: 100, trend: 10, season: [0, 1, 2, 3, 4, 5, 6], last: 13, sse: 0 };
    // h = 1: 100 + 0.9·10 + season[14 % 7 = 0] = 109; h = 2: 100 + (0.9 + 0.81)·10 + season[1] = 118.1.
    const [h1, h2] = projectHoltWinters(state, { alpha: 0, beta: 0, gamma: 0, phi: 0.9 }, 2);
    expect(h1).toBeCloseTo(109, 10);
    expect(h2).toBeCloseTo(118.1, 10);
  });

  it('continues a purely weekly pattern exactly, whatever the parameters', () => {
    const y = Array.from({ length: 8 * 7 }, (_, t) => week[t % 7] as number);
    const f = pointForecast(y, 14);
    expect(f.method).toBe('holt-winters-additive-damped');
    f.values.forEach((v, k) => {
      expect(v).toBeCloseTo(week[(y.length + k) % 7] as number, 6);
    });
  });

  it('follows a weekly pattern on a rising trend closely', () => {
    const truth = (t: number) => 1000 + 5 * t + 10 * (week[t % 7] as number);
    const y = Array.from({ length: 10 * 7 }, (_, t) => truth(t));
    const f = pointForecast(y, 14);
    f.values.forEach((v, k) => {
      expect(Math.abs(v - truth(y.length + k)) / truth(y.length + k)).toBeLessThan(0.03);
    });
  });
});

describe('fallbacks for short histories', () => {
  it('uses seasonal naive, the mean, or nothing', () => {
    const ten = [5, 6, 7, 8, 9, 10, 11, 12, 13, 14];
    expect(pointForecast(ten, 8)).toMatchObject({ method: 'seasonal-naive', values: [8, 9, 10, 11, 12, 13, 14, 8] });
    expect(pointForecast([3, 6, 9], 2)).toMatchObject({ method: 'mean', values: [6, 6] });
    expect(pointForecast([], 3)).toMatchObject({ method: 'none', values: [0, 0, 0] });
    const none = forecastRevenue([], 5);
    expect(none.backtest).toBeNull();
    expect(none.points.every((p) => p.value === 0 && p.lower === 0 && p.upper === 0)).toBe(true);
  });

  it('never forecasts negative revenue', () => {
    const falling = Array.from({ length: 60 }, (_, t) => Math.max(0, 600 - 10 * t));
    for (const p of forecastRevenue(falling, 30).points) {
      expect(p.value).toBeGreaterThanOrEqual(0);
      expect(p.lower).toBeGreaterThanOrEqual(0);
      expect(p.lower).toBeLessThanOrEqual(p.value);
      expect(p.upper).toBeGreaterThanOrEqual(p.value);
    }
  });
});

describe('back-test and interval', () => {
  it('computes MAPE and WAPE over the last 30 known days (hand-checked)', () => {
    // Five weeks of a perfect pattern, then 30 days 10 % above it: the back-test model (fitted on the
    // pattern) forecasts the pattern, so every error is 0.1·p against an actual of 1.1·p → 9.09 %.
    const base = Array.from({ length: 35 }, (_, t) => week[t % 7] as number);
    const holdout = Array.from({ length: 30 }, (_, k) => 1.1 * (week[(35 + k) % 7] as number));
    const f = forecastRevenue([...base, ...holdout], 7);
    expect(f.backtest).toEqual({ days: 30, mapePct: 9.1, wapePct: 9.1, zeroDaysExcluded: 0 });
    expect(f.interval).toEqual({ level: 0.8, basis: 'backtest' });
  });

  it('leaves days without sales out of MAPE and says how many', () => {
    const closedSunday = [10, 20, 30, 40, 50, 60, 0];
    const y = Array.from({ length: 65 }, (_, t) => closedSunday[t % 7] as number);
    const f = forecastRevenue(y, 7);
    // The last 30 of 65 days are t = 35..64: Sundays at t ≡ 6 (mod 7) → 41, 48, 55, 62.
    expect(f.backtest).toEqual({ days: 30, mapePct: 0, wapePct: 0, zeroDaysExcluded: 4 });
    // A perfect back-test leaves no spread: the interval collapses onto the forecast.
    for (const p of f.points) expect(p.upper - p.lower).toBe(0);
  });

  it('widens the interval with the back-test errors, per weekday volume', () => {
    let seed = 7;
    const noise = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647 - 0.5;
    };
    const y = Array.from({ length: 120 }, (_, t) => (week[t % 7] as number) * 100 * (1 + 0.4 * noise()));
    const f = forecastRevenue(y, 14);
    expect(f.backtest?.mapePct).toBeGreaterThan(0);
    const width = (k: number) => (f.points[k]?.upper ?? 0) - (f.points[k]?.lower ?? 0);
    // Position 120 is weekday index 1 (volume 20), 125 is index 6 (volume 70): the busier day gets the wider
    // band, once the horizon's own widening (√(k + 1)) is divided out.
    expect(width(5) / Math.sqrt(6)).toBeGreaterThan(width(0) / Math.sqrt(1));
  });

  it('widens the interval with the horizon: the same weekday a week later is √8 / √1 as wide', () => {
    let seed = 11;
    const noise = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647 - 0.5;
    };
    const y = Array.from({ length: 120 }, (_, t) => (week[t % 7] as number) * 100 * (1 + 0.4 * noise()));
    const f = forecastRevenue(y, 30);
    const width = (k: number) => (f.points[k]?.upper ?? 0) - (f.points[k]?.lower ?? 0);
    expect(width(0)).toBeGreaterThan(0);
    // Points 0, 7, 14, 21, 28 share a weekday; only the horizon differs. (Lower bounds clipped at 0 would
    // break the ratio, so the series is kept well above zero.)
    expect(f.points[0]?.lower).toBeGreaterThan(0);
    // Bounds are whole minor units, so the ratio holds to rounding.
    expect(width(7) / width(0)).toBeCloseTo(Math.sqrt(8), 1);
    expect(width(28)).toBeGreaterThan(width(21));
    // The back-test's errors are for days 1–30 ahead (mean 15.5): tomorrow's band is narrower than that average.
    expect(width(0)).toBeLessThan(width(14));
  });

  it('takes linear-interpolated quantiles', () => {
    expect(quantile([4, 1, 3, 2], 0.1)).toBeCloseTo(1.3, 10);
    expect(quantile([4, 1, 3, 2], 0.9)).toBeCloseTo(3.7, 10);
    expect(quantile([], 0.5)).toBe(0);
  });
});

/** Two years of daily revenue with a weekly pattern, noise, and the holidays of a German wholesaler. */
function tradingYears(lastDay: string, special: Record<string, number>) {
  const days = 2 * 364 + 7;
  const end = Date.parse(`${lastDay}T00:00:00Z`);
  let seed = 5;
  const noise = () => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647 - 0.5;
  };
  // Sunday .. Saturday, as Date.getUTCDay() counts.
  const weekday = [0.05, 1, 1.1, 1.05, 1.1, 1.3, 0.5];
  const dates: string[] = [];
  const y: number[] = [];
  for (let t = 0; t < days; t++) {
    const at = new Date(end - (days - 1 - t) * 86_400_000);
    const date = at.toISOString().slice(0, 10);
    dates.push(date);
    const share = special[date.slice(5)] ?? 1;
    y.push(Math.round(40_000_00 * (weekday[at.getUTCDay()] as number) * share * (1 + 0.2 * noise())));
  }
  return { dates, y };
}

const CHRISTMAS = { '12-24': 0.25, '12-25': 0.01, '12-26': 0.02, '01-01': 0.01 };

describe('special days: holidays and reduced days', () => {
  it('finds the month-days closed or reduced in every year, not a one-off closure or a quiet weekday', () => {
    const { dates, y } = tradingYears('2026-12-01', CHRISTMAS);
    // An outage on one day of one year only.
    const outage = dates.indexOf('2025-03-12');
    y[outage] = 0;
    const special = recurringSpecialDays(dates, y);
    expect(special.get('12-25')).toBe(0);
    expect(special.get('12-26')).toBe(0);
    expect(special.get('01-01')).toBe(0);
    expect(special.get('12-24')).toBeGreaterThan(0.15);
    expect(special.get('12-24')).toBeLessThan(0.35);
    expect(special.has('03-12')).toBe(false);
    // Sundays are always quiet (5 % of a weekday): the weekly season's, not a holiday.
    expect([...special.keys()].sort()).toEqual(['01-01', '12-24', '12-25', '12-26']);
  });

  it('takes a reduced day only when two years agree; one closed day is enough', () => {
    const { dates, y } = tradingYears('2026-12-01', CHRISTMAS);
    // One year of history holds each month-day once.
    const special = recurringSpecialDays(dates.slice(-364), y.slice(-364));
    expect(special.get('12-25')).toBe(0);
    expect(special.has('12-24')).toBe(false);
  });

  it('reads the holiday calendar: a date once or a month-day every year', () => {
    const calendar = [
      { date: '12-25', name: 'Christmas Day' },
      { date: '2026-04-03', name: 'Good Friday' },
    ];
    expect(calendarEntry(calendar, '2027-12-25')?.name).toBe('Christmas Day');
    expect(calendarEntry(calendar, '2026-04-03')?.name).toBe('Good Friday');
    expect(calendarEntry(calendar, '2027-04-03')).toBeUndefined();
  });

  it('forecasts special days at their share and keeps a closed day out of the model', () => {
    const y = Array.from({ length: 70 }, (_, t) => (week[t % 7] as number) * 100);
    // A holiday in the history (t = 60, a weekday worth 5,000) sold nothing.
    const withHoliday = [...y];
    withHoliday[60] = 0;
    const history = withHoliday.map((_, t) => (t === 60 ? 0 : 1));
    const ahead = Array.from({ length: 14 }, (_, k) => (k === 2 ? 0 : k === 3 ? 0.5 : 1));
    const f = forecastRevenue(withHoliday, 14, { history, ahead });
    const clean = forecastRevenue(y, 14);
    // The model never saw the holiday: every normal day is forecast as without it.
    for (const k of [0, 1, 4, 5, 6, 7, 8]) expect(f.points[k]?.value).toBe(clean.points[k]?.value);
    expect(f.points[2]).toMatchObject({ value: 0, lower: 0, upper: 0 });
    expect(f.points[3]?.value).toBe(Math.round((clean.points[3]?.value ?? 0) / 2));
    // Unmarked, the same zero drags the next weeks' forecast for that weekday down.
    expect(forecastRevenue(withHoliday, 14).points[4]?.value).toBeLessThan(clean.points[4]?.value ?? 0);
  });

  it('predicts Christmas from the history: the back-test over the holidays improves', () => {
    // As of 3 January: the back-test holds out 4 December – 2 January.
    const { dates, y } = tradingYears('2027-01-02', CHRISTMAS);
    const special = recurringSpecialDays(dates, y);
    const kept = 364;
    const series = y.slice(-kept);
    const shares = dates.slice(-kept).map((d) => special.get(d.slice(5)) ?? 1);
    const ahead = Array.from({ length: 30 }, () => 1);
    const before = forecastRevenue(series, 30);
    const after = forecastRevenue(series, 30, { history: shares, ahead });
    expect(before.backtest?.wapePct).toBeGreaterThan(15);
    expect(after.backtest?.wapePct).toBeLessThan((before.backtest?.wapePct ?? 0) / 2);
    expect(after.backtest?.mapePct).toBeLessThan(before.backtest?.mapePct ?? 0);
  });
});
