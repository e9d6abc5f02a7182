import type { BatchItem } from 'drizzle-orm/batch';
import { drizzle } from 'drizzle-orm/d1';
import * as schema from './schema';

const build = (d1: D1Database) => drizzle(d1, { schema });

/** Drizzle over the D1 binding (`db.$client` is the binding itself, used for raw batches). */
export type Db = ReturnType<typeof build>;

/**
 * One drizzle instance per binding object: building one walks the whole schema to set up relational
 * queries, which is too much work to repeat on every request.
 */
const instances = new WeakMap<D1Database, Db>();

export function createDb(d1: D1Database): Db {
  let db = instances.get(d1);
  if (!db) {
    db = build(d1);
    instances.set(d1, db);
  }
  return db;
}

/**
 * Drizzle over a stand-in for the binding (src/db/deferred-units.ts): built each time, since the
 * stand-in lives for one piece of work.
 */
export const withBinding = (binding: unknown): Db => build(binding as D1Database);

/**
 * The D1 binding behind `db`, for the one engine whose SQL drizzle cannot write: SQLite FTS5 search
 * (MATCH, bm25, highlight; src/search/fts5-backend.ts). Everything else queries through drizzle.
 */
export const fts5Driver = (db: Db): D1Database => db.$client;

/** One statement of an atomic unit (a D1 batch). */
export type Statement = BatchItem<'sqlite'>;

export { schema };
