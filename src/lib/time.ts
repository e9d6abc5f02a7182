/** All persisted timestamps are ISO-8601 UTC strings with millisecond precision. */
export const nowIso = (): string => new Date().toISOString();

export const addSeconds = (iso: string, seconds: number): string =>
  new Date(Date.parse(iso) + seconds * 1000).toISOString();

/** Stored timestamps are UTC `toISOString()` strings so that comparing them as text compares instants. */
export const toUtcIso = (iso: string): string => new Date(iso).toISOString();
