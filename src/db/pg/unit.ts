import { type Pool, types } from '@neondatabase/serverless';
import type { Db } from '../client';
import { GuardFailed, type StatementResult } from '../unit-result';

/** One statement of a unit, compiled; a guard checks the statement before it instead of running SQL. */
export type UnitStatement = { guard: true } | { guard: false; sql: string; params: unknown[] };

/**
 * How raw rows of a unit come back: timestamps as the ISO text the API prints (drizzle's own queries do
 * the same through the timestamp column type), 64-bit integers as numbers (sequence numbers and money in
 * minor units stay far below 2^53).
 */
const unitTypes = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') => {
    if (oid === types.builtins.TIMESTAMPTZ) return (value: string) => new Date(value).toISOString();
    if (oid === types.builtins.INT8) return (value: string) => Number(value);
    return format === 'binary' ? types.getTypeParser(oid, 'binary') : types.getTypeParser(oid);
  },
};

/**
 * Runs a unit as one Postgres transaction on a connection of the request's pool: every statement in
 * order, a guard failing when the statement before it changed no row, and a rollback of everything on
 * the first failure (the caller maps the error, src/db/batch.ts).
 */
export async function runPostgresUnit(db: Db, statements: UnitStatement[]): Promise<StatementResult[]> {
  const pool = db.$client as unknown as Pool;
  const client = await pool.connect();
  const results: StatementResult[] = [];
  let failed = false;
  try {
    await client.query('BEGIN');
    for (const statement of statements) {
      if (statement.guard) {
        if ((results.at(-1)?.meta.changes ?? 0) === 0) throw new GuardFailed();
        results.push({ results: [], meta: { changes: 0 } });
        continue;
      }
      const r = await client.query({ text: statement.sql, values: statement.params, types: unitTypes });
      results.push({ results: r.rows as Record<string, unknown>[], meta: { changes: r.rowCount ?? 0 } });
    }
    await client.query('COMMIT');
    return results;
  } catch (err) {
    failed = true;
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    // A connection whose transaction could not be closed cleanly is not handed out again.
    client.release(failed ? true : undefined);
  }
}
