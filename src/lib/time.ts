/** All persisted timestamps are ISO-8601 UTC strings with millisecond precision. */
export const nowIso = (): string => new Date().toISOString();

export const addSeconds = (iso: string, seconds: number): string =>
  new Date(Date.parse(iso) + seconds * 1000).toISOString();
