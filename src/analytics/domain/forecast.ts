/**
 * Daily revenue forecast with weekly seasonality: additive Holt-Winters (level + damped trend + a
 * 7-day seasonal component), parameters chosen by grid search on one-step-ahead squared error. Its
 * accuracy is measured by a back-test: fit on all but the last 30 known days, forecast those 30, and
 * compare (MAPE, WAPE). The 80 % interval comes from that back-test's errors, scaled per weekday by the
 * weekday's share of volume (a Sunday's error is not a Monday's) and by the horizon (tomorrow is known
 * better than a month ahead). Short histories fall back to
 * seasonal-naive or the mean; the response always names the method used.
 *
 * Special days (holidays from the tenant's calendar, and month-days its history shows closed or
 * reduced every year, such as 25 and 24 December) are missing values to the model: such a day in the
 * history teaches it nothing (the recursions carry their own forecast over it), and such a day ahead is
 * forecast at its share of a normal day (0 when closed), interval included.
 */
export const SEASON = 7;
const MIN_HW_DAYS = 2 * SEASON;
export const BACKTEST_DAYS = 30;

export interface HwParams {
  alpha: number;
  beta: number;
  gamma: number;
  phi: number;
}

export interface HwState {
  level: number;
  trend: number;
  /** season[i] is the seasonal term for series positions ≡ i (mod 7). */
  season: number[];
  /** Index of the last observation the state has absorbed. */
  last: number;
  sse: number;
}

const ALPHAS = [0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9];
const BETAS = [0, 0.01, 0.05, 0.1, 0.2];
const GAMMAS = [0.05, 0.1, 0.2, 0.3, 0.5];
const PHIS = [1, 0.98, 0.9];

const mean = (xs: readonly number[]) => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);
/** The known values of a series: a closed day is NaN (missing). */
const known = (xs: readonly number[]) => xs.filter((v) => !Number.isNaN(v));

/**
 * Runs the Holt-Winters recursions over `y` (needs ≥ 14 points); sse is over one-step forecasts. A NaN
 * (a closed day) is replaced by the forecast for it, so it moves nothing and adds no error.
 */
export function runHoltWinters(y: readonly number[], p: HwParams): HwState {
  const first = y.slice(0, SEASON);
  const second = y.slice(SEASON, 2 * SEASON);
  let level = mean(known(first));
  let trend = known(second).length === 0 ? 0 : (mean(known(second)) - level) / SEASON;
  const season = first.map((v) => (Number.isNaN(v) ? 0 : v - level));
  let sse = 0;
  for (let t = SEASON; t < y.length; t++) {
    const i = t % SEASON;
    const s = season[i] as number;
    const expected = level + p.phi * trend + s;
    const yt = Number.isNaN(y[t]) ? expected : (y[t] as number);
    const error = yt - expected;
    sse += error * error;
    const newLevel = p.alpha * (yt - s) + (1 - p.alpha) * (level + p.phi * trend);
    trend = p.beta * (newLevel - level) + (1 - p.beta) * p.phi * trend;
    level = newLevel;
    season[i] = p.gamma * (yt - level) + (1 - p.gamma) * s;
  }
  return { level, trend, season, last: y.length - 1, sse };
}

/** Point forecasts for the `h` days after the state's last observation. */
export function projectHoltWinters(state: HwState, p: HwParams, h: number): number[] {
  const out: number[] = [];
  let damp = 0;
  for (let k = 1; k <= h; k++) {
    damp += p.phi ** k;
    out.push(state.level + damp * state.trend + (state.season[(state.last + k) % SEASON] as number));
  }
  return out;
}

export function fitHoltWinters(y: readonly number[]): { params: HwParams; state: HwState } {
  let best: { params: HwParams; state: HwState } | null = null;
  for (const alpha of ALPHAS)
    for (const beta of BETAS)
      for (const gamma of GAMMAS)
        for (const phi of PHIS) {
          const params = { alpha, beta, gamma, phi };
          const state = runHoltWinters(y, params);
          if (!best || state.sse < best.state.sse) best = { params, state };
        }
  return best as { params: HwParams; state: HwState };
}

export type ForecastMethod = 'holt-winters-additive-damped' | 'seasonal-naive' | 'mean' | 'none';

/** Forecasts `h` days after `y` with the method its length allows; never negative (revenue is not). */
export function pointForecast(
  y: readonly number[],
  h: number,
): { method: ForecastMethod; values: number[]; params: HwParams | null } {
  if (y.length >= MIN_HW_DAYS) {
    const { params, state } = fitHoltWinters(y);
    return {
      method: 'holt-winters-additive-damped',
      values: projectHoltWinters(state, params, h).map(nonNegative),
      params,
    };
  }
  const average = mean(known(y));
  if (y.length >= SEASON) {
    const values = Array.from({ length: h }, (_, k) => {
      const same = y[y.length - SEASON + (k % SEASON)] as number;
      return Number.isNaN(same) ? average : same;
    });
    return { method: 'seasonal-naive', values, params: null };
  }
  if (y.length > 0) return { method: 'mean', values: Array(h).fill(average), params: null };
  return { method: 'none', values: Array(h).fill(0), params: null };
}

const nonNegative = (v: number) => Math.max(v, 0);

/** Linear-interpolated sample quantile (type 7, as R's default). */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return (s[lo] as number) + ((s[hi] as number) - (s[lo] as number)) * (pos - lo);
}

export interface Backtest {
  days: number;
  /** Mean absolute percentage error over back-test days with revenue; null if there were none. */
  mapePct: number | null;
  /** Σ|error| ÷ Σ actual: robust where single days have tiny revenue. */
  wapePct: number | null;
  /** Back-test days left out of MAPE because nothing was sold (a percentage of 0 is undefined). */
  zeroDaysExcluded: number;
}

export interface Forecast {
  method: ForecastMethod;
  params: HwParams | null;
  backtest: Backtest | null;
  interval: { level: 0.8; basis: 'backtest' | 'in-sample' | 'none' };
  points: { index: number; value: number; lower: number; upper: number }[];
}

/** Mean volume of each weekday position relative to the overall mean (floored), for error scaling. */
function weekdayWeights(y: readonly number[]): number[] {
  const overall = mean(known(y)) || 1;
  return Array.from({ length: SEASON }, (_, i) => {
    const same = known(y.filter((_, t) => t % SEASON === i));
    return Math.max(mean(same) / overall, 0.05);
  });
}

/**
 * Each day's share of a normal day: 1 normal, 0 closed, in between reduced (a half day). `history` has the
 * history's length, `ahead` one per day forecast.
 */
export interface DayShares {
  history: readonly number[];
  ahead: readonly number[];
}

const round = (v: number) => Math.round(v);

export function forecastRevenue(y: readonly number[], h: number, shares?: DayShares): Forecast {
  const shareOf = (t: number) => (t < y.length ? (shares?.history[t] ?? 1) : (shares?.ahead[t - y.length] ?? 1));
  const isSpecial = (t: number) => shareOf(t) < 1;
  // Special days are missing values to the model; the real figures stay in `y` for the back-test.
  const observed = y.map((v, t) => (isSpecial(t) ? Number.NaN : v));
  const point = pointForecast(observed, h);
  const weights = weekdayWeights(observed);
  let backtest: Backtest | null = null;
  let scaledErrors: number[] = [];
  let basis: Forecast['interval']['basis'] = 'none';
  /** The mean horizon of the errors the quantiles come from: (1 + 30) / 2 for a back-test, 1 in-sample. */
  let errorHorizon = 1;
  const holdout = Math.min(BACKTEST_DAYS, y.length - MIN_HW_DAYS);
  if (holdout >= SEASON) {
    const start = y.length - holdout;
    const actual = y.slice(start);
    // The back-test forecasts its special days at their share, as the forecast does.
    const predicted = pointForecast(observed.slice(0, start), holdout).values.map((v, k) => v * shareOf(start + k));
    const errors = actual.map((a, k) => a - (predicted[k] as number));
    const positive = actual.map((a, k) => ({ a, e: errors[k] as number })).filter((d) => d.a > 0);
    const totalActual = actual.reduce((n, a) => n + a, 0);
    backtest = {
      days: holdout,
      mapePct: positive.length === 0 ? null : round1(mean(positive.map((d) => Math.abs(d.e) / d.a)) * 100),
      wapePct: totalActual === 0 ? null : round1((errors.reduce((n, e) => n + Math.abs(e), 0) / totalActual) * 100),
      zeroDaysExcluded: holdout - positive.length,
    };
    // The band is for normal days (special days' errors are scaled with their share below).
    scaledErrors = errors.flatMap((e, k) =>
      isSpecial(start + k) ? [] : [e / (weights[(start + k) % SEASON] as number)],
    );
    errorHorizon = (holdout + 1) / 2;
    basis = 'backtest';
  } else if (y.length > SEASON) {
    // Too short to hold 7 days out: one-step seasonal-naive errors of the history itself.
    scaledErrors = observed
      .slice(SEASON)
      .map((v, k) => (v - (observed[k] as number)) / (weights[(k + SEASON) % SEASON] as number))
      .filter((e) => !Number.isNaN(e));
    basis = 'in-sample';
  }
  const lowQ = quantile(scaledErrors, 0.1);
  const highQ = quantile(scaledErrors, 0.9);
  const points = point.values.map((value, k) => {
    const index = y.length + k;
    const share = shareOf(index);
    // Errors grow with the horizon: the band is widened by √(horizon ÷ the errors' mean horizon), as for
    // errors that add up day by day (narrower than the back-test's average tomorrow, wider in a month).
    const w = (weights[index % SEASON] as number) * Math.sqrt((k + 1) / errorHorizon);
    const lower = nonNegative(value + w * lowQ);
    return {
      index,
      value: round(share * value),
      lower: round(share * Math.min(lower, value)),
      upper: round(share * Math.max(value + w * highQ, value)),
    };
  });
  return { method: point.method, params: point.params, backtest, interval: { level: 0.8, basis }, points };
}

/** A day's revenue under this share of its usual counts as closed (its share is 0). */
const CLOSED_SHARE = 0.1;
/** Under this share, a reduced day (Christmas Eve, a half day). */
const REDUCED_SHARE = 0.6;
/** The usual of a day: the median of the same weekday this many weeks before and after it. */
const USUAL_WEEKS = 3;

/**
 * The month-days (`MM-DD`) a daily series shows as special every time it holds them, with their share of
 * a normal day: closed (share 0) when revenue was under 10 % of the usual for that day (the median of the
 * same weekday three weeks either side) each time; reduced (share = the mean ratio) when it was under
 * 60 % in each of at least two years — one low day is more likely a slow day than a half day, and a day
 * the back-test holds out must not be explained by its own value alone. Only where the usual is not
 * nothing: a weekday that is always quiet is the weekly season's business. `dates[t]` is the local date
 * of `y[t]`, consecutive days.
 */
export function recurringSpecialDays(dates: readonly string[], y: readonly number[]): Map<string, number> {
  const ratios = new Map<string, number[]>();
  for (let t = 0; t < y.length; t++) {
    const around: number[] = [];
    for (let w = 1; w <= USUAL_WEEKS; w++) {
      for (const u of [t - SEASON * w, t + SEASON * w]) if (u >= 0 && u < y.length) around.push(y[u] as number);
    }
    if (around.length < USUAL_WEEKS) continue;
    const usual = quantile(around, 0.5);
    if (usual <= 0) continue;
    const monthDay = (dates[t] as string).slice(5);
    ratios.set(monthDay, [...(ratios.get(monthDay) ?? []), Math.max(y[t] as number, 0) / usual]);
  }
  const special = new Map<string, number>();
  for (const [monthDay, seen] of ratios) {
    if (seen.every((r) => r < CLOSED_SHARE)) special.set(monthDay, 0);
    else if (seen.length >= 2 && seen.every((r) => r < REDUCED_SHARE)) {
      special.set(monthDay, Math.round(mean(seen) * 100) / 100);
    }
  }
  return special;
}

/** The entry of a tenant's holiday calendar for a local date (`YYYY-MM-DD` once, `MM-DD` every year), if any. */
export function calendarEntry<H extends { date: string }>(calendar: readonly H[], date: string): H | undefined {
  return calendar.find((h) => h.date === date || h.date === date.slice(5));
}

const round1 = (v: number) => Math.round(v * 10) / 10;
