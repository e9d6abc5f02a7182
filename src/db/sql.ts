import { type AnyColumn, is, or, type SQL, sql } from 'drizzle-orm';
import { PgDatabase } from 'drizzle-orm/pg-core';
import type { Db, Statement } from './client';

/**
 * The SQL that differs between D1 (SQLite) and Postgres, in one place. Services and queries call these
 * functions and never ask which database they run on; `useSqlDialect` (called by src/db/connection.ts
 * when the deployment's database is opened) picks the implementation.
 */
export interface SqlDialect {
  name: 'sqlite' | 'pg';
  /** A JSON object built in SQL; `timestamps` name the entries that are timestamp columns (ISO text out). */
  jsonObject(entries: Record<string, SQL>, timestamps?: readonly string[]): SQL;
  /** A JSON array of the given values, built in SQL. */
  jsonArray(items: SQL[]): SQL;
  /** A timestamp column as ISO-8601 UTC text (`2026-12-03T17:46:57.123Z`), as the API prints it. */
  isoText(column: SQL): SQL;
  /** A bound value typed for the column it lands in where the database cannot infer it (INSERT … SELECT). */
  typed(value: unknown, type: 'uuid' | 'timestamptz' | 'jsonb' | 'text' | 'bigint' | 'integer'): SQL;
  /** 1/0 in SQLite, true/false in Postgres: a literal boolean. */
  bool(value: boolean): SQL;
  /** The larger of two values (SQLite's two-argument `max`, Postgres' `GREATEST`). */
  greatest(a: SQL, b: SQL): SQL;
  /**
   * `column` contains `pattern` (a LIKE pattern, see `containing`) ignoring case: SQLite's LIKE (case
   * folds ASCII letters only), Postgres' ILIKE (folds every letter).
   */
  like(column: AnyColumn | SQL, pattern: string): SQL;
  /** The text of a top-level member of a JSON column (`key` is a constant of ours, never input). */
  jsonText(column: AnyColumn | SQL, key: string): SQL;
}

const sqliteDialect: SqlDialect = {
  name: 'sqlite',
  jsonObject: (entries) =>
    sql`json_object(${sql.join(
      Object.entries(entries).map(([key, value]) => sql`${sql.raw(`'${key}'`)}, ${value}`),
      sql`, `,
    )})`,
  jsonArray: (items) => sql`json_array(${sql.join(items, sql`, `)})`,
  isoText: (column) => column,
  typed: (value) => sql`${value}`,
  bool: (value) => sql.raw(value ? '1' : '0'),
  greatest: (a, b) => sql`max(${a}, ${b})`,
  like: (column, pattern) => sql`${column} LIKE ${pattern} ESCAPE '\\'`,
  jsonText: (column, key) => sql`json_extract(${column}, ${sql.raw(`'$.${key}'`)})`,
};

const pgDialect: SqlDialect = {
  name: 'pg',
  jsonObject: (entries, timestamps = []) =>
    sql`jsonb_build_object(${sql.join(
      Object.entries(entries).map(
        ([key, value]) => sql`${sql.raw(`'${key}'`)}, ${timestamps.includes(key) ? pgDialect.isoText(value) : value}`,
      ),
      sql`, `,
    )})`,
  jsonArray: (items) => sql`jsonb_build_array(${sql.join(items, sql`, `)})`,
  isoText: (column) => sql`to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
  typed: (value, type) => sql`${value}::${sql.raw(type)}`,
  bool: (value) => sql.raw(value ? 'true' : 'false'),
  greatest: (a, b) => sql`GREATEST(${a}, ${b})`,
  like: (column, pattern) => sql`${column} ILIKE ${pattern} ESCAPE '\\'`,
  jsonText: (column, key) => sql`(${column} ->> ${sql.raw(`'${key}'`)})`,
};

export let dialect: SqlDialect = sqliteDialect;

export function useSqlDialect(name: SqlDialect['name']): void {
  dialect = name === 'pg' ? pgDialect : sqliteDialect;
}

/**
 * The list filter `?q=`: any of `columns` contains `text`, ignoring case, with `%`, `_` and `\` in the
 * text matched literally (not as wildcards).
 */
export function containing(text: string, columns: (AnyColumn | SQL)[]): SQL | undefined {
  const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return or(...columns.map((column) => dialect.like(column, pattern)));
}

/** Whether `db` is a Postgres database (only src/db needs to know). */
export const isPostgres = (db: Db): boolean => is(db as unknown, PgDatabase);

/** A raw SQL statement for an atomic unit, on either database. */
export function rawStatement(db: Db, query: SQL): Statement {
  if (isPostgres(db)) return (db as unknown as PgDatabase<never>).execute(query) as unknown as Statement;
  return db.run(query);
}

/** A query with placeholders as drizzle builds it on either database (only the method names differ). */
interface PreparableQuery {
  prepare(name?: string): { execute(params: Record<string, unknown>): Promise<unknown[]> };
}

/**
 * Prepares a read with placeholders once and returns the function that runs it. D1 keeps the compiled
 * statement (drizzle would otherwise rebuild the same SQL on every call); on Postgres it is a named
 * statement of the request's pool. `name` must identify the SQL.
 */
export function prepareRead<Row>(query: unknown, name: string): (params: Record<string, unknown>) => Promise<Row[]> {
  // `execute` maps rows to the selected fields on both drivers (pg's `all` would hand back raw rows).
  const prepared = (query as PreparableQuery).prepare(name);
  return (params) => prepared.execute(params) as Promise<Row[]>;
}

type Reads = readonly [PromiseLike<unknown>, ...PromiseLike<unknown>[]];

/**
 * Several independent reads in one go: one D1 batch (one round trip). On Postgres they run one after
 * the other on the request's connection: side by side, each would open a connection of its own (a
 * request's pool starts empty), costing a connection set-up each and, under load, the server's
 * connection limit (CI hit SQLSTATE 53300, too many connections, twice after orders began reading
 * their visit and prices together).
 */
export async function readTogether<T extends Reads>(db: Db, reads: T): Promise<{ [K in keyof T]: Awaited<T[K]> }> {
  if (isPostgres(db)) {
    const results: unknown[] = [];
    for (const read of reads) results.push(await read);
    return results as { [K in keyof T]: Awaited<T[K]> };
  }
  return (await db.batch(reads as unknown as Parameters<Db['batch']>[0])) as { [K in keyof T]: Awaited<T[K]> };
}
