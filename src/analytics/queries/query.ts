/**
 * A statement of the analytics wing as text with numbered parameters (`?1`, `?2`, …), so one value (the
 * tenant id) is bound once however often it is used, and every statement stays far below D1's 100
 * bound parameters. The runner (run.ts) hands `?N` to D1 as is and turns it into `$N` for Postgres; the
 * text uses no other `?`.
 */
export interface Query {
  sql: string;
  params: unknown[];
}

export class Params {
  readonly values: unknown[] = [];
  private readonly seen = new Map<unknown, string>();

  /**
   * `?N` for `value`; the same primitive value reuses its number. Postgres types a parameter from where
   * it is used, so one number must not stand in places of different types (a text and a timestamp).
   */
  add(value: unknown): string {
    const known = this.seen.get(value);
    if (known) return known;
    this.values.push(value);
    const ref = `?${this.values.length}`;
    this.seen.set(value, ref);
    return ref;
  }
}
