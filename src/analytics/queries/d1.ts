import type { Db } from '../../db/client';
import type { Query } from './activity-sql';

/**
 * The one module of the analytics wing that talks to the D1 driver itself (`db.$client`): the reports'
 * GROUP BYs and the nightly RFM snapshot are plain SQL, built elsewhere in analytics/queries as `Query`
 * values (text with numbered parameters) and run here.
 */

export type Row = Record<string, unknown>;

/** The driver statement of a query: the only place analytics SQL meets D1. */
const prepared = (db: Db, q: Query): D1PreparedStatement => db.$client.prepare(q.sql).bind(...q.params);

export async function runQuery<T = Row>(db: Db, q: Query): Promise<T[]> {
  const { results } = await prepared(db, q).all<T>();
  return results;
}

/** Several read statements in one round trip. */
export async function runQueries(db: Db, queries: Query[]): Promise<Row[][]> {
  if (queries.length === 0) return [];
  const results = await db.$client.batch(queries.map((q) => prepared(db, q)));
  return results.map((r) => (r.results ?? []) as Row[]);
}

export const num = (v: unknown): number => (typeof v === 'number' ? v : v === null || v === undefined ? 0 : Number(v));

/** The rows of a read as arrays of column values, in SELECT order (no per-row objects: the big RFM reads). */
export const runRows = <T extends unknown[]>(db: Db, q: Query): Promise<T[]> => prepared(db, q).raw<T>();

/** The first row of a read, or null. */
export const runFirst = <T = Row>(db: Db, q: Query): Promise<T | null> => prepared(db, q).first<T>();

/** One write statement. */
export async function runStatement(db: Db, q: Query): Promise<void> {
  await prepared(db, q).run();
}

/** Several statements in one batch: one round trip and one transaction (all or nothing). */
export async function runBatch(db: Db, queries: Query[]): Promise<void> {
  if (queries.length === 0) return;
  await db.$client.batch(queries.map((q) => prepared(db, q)));
}
