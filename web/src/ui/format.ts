import { ApiError } from '../api/http';

/** Money in minor units, in the tenant's currency. */
export function money(minor: number | null | undefined, currency: string): string {
  if (minor === null || minor === undefined) return '–';
  return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(minor / 100);
}

export function pct(value: number | null | undefined, digits = 0): string {
  return value === null || value === undefined ? '–' : `${value.toFixed(digits)} %`;
}

export function num(value: number | null | undefined, digits = 0): string {
  return value === null || value === undefined
    ? '–'
    : new Intl.NumberFormat(undefined, { maximumFractionDigits: digits }).format(value);
}

/** The local date (YYYY-MM-DD) of an instant in a timezone. */
export function localDate(at: Date | string | number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    new Date(at),
  );
}

/** "14:05" in the tenant's timezone. */
export function localTime(at: string, timeZone: string): string {
  return new Intl.DateTimeFormat(undefined, { timeZone, hour: '2-digit', minute: '2-digit' }).format(new Date(at));
}

export function errorText(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.status === 0) return 'The server cannot be reached. Check the connection and retry.';
    if (err.status === 403) return 'Your role may not see this.';
    if (err.status === 404) return 'Not found.';
    return err.message;
  }
  return err instanceof Error ? err.message : 'Something went wrong.';
}

/** Why a change was refused, in the server's own words (the problem's `detail`), for forms and buttons. */
export function problemText(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.status === 0) return 'The server cannot be reached. Check the connection and retry.';
    return err.problem.detail ?? err.problem.title ?? `The server answered ${err.status}.`;
  }
  return err instanceof Error ? err.message : 'Something went wrong.';
}

/** "3 Mar 2026, 14:05" in the tenant's timezone; "–" for none. */
export function localDateTime(at: string | null | undefined, timeZone: string): string {
  if (!at) return '–';
  return new Intl.DateTimeFormat(undefined, { timeZone, dateStyle: 'medium', timeStyle: 'short' }).format(new Date(at));
}
