import { env } from 'cloudflare:workers';
import type { SQL } from 'drizzle-orm';
import { executeBatch } from '../../src/db/batch';
import type { Db } from '../../src/db/client';
import { openDatabase } from '../../src/db/connection';
import { rawStatement } from '../../src/db/sql';
import { loadConfig } from '../../src/env';

/** The database the Worker under test runs on (D1 in `npm test`, Postgres in `npm run test:pg`). */
export const testDb = (): Db => openDatabase(env, loadConfig(env)).db;

/**
 * Runs one SQL statement on the run's database (fixtures the API cannot create, such as rows in the
 * past) and returns its rows and the number of rows it changed. Write the SQL both databases accept.
 */
export async function executeSql<Row = Record<string, unknown>>(query: SQL): Promise<{ rows: Row[]; changes: number }> {
  const db = testDb();
  const [result] = await executeBatch(db, [rawStatement(db, query)]);
  return { rows: (result?.results ?? []) as Row[], changes: result?.meta.changes ?? 0 };
}
