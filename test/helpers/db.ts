import { env } from 'cloudflare:workers';
import type { SQL } from 'drizzle-orm';
import { executeBatch } from '../../src/db/batch';
import type { Db } from '../../src/db/client';
import { openDatabase } from '../../src/db/connection';
import { rawStatement } from '../../src/db/sql';
import { loadConfig } from '../../src/env';

/** The database the Worker under test runs on (D1 in `npm test`, Postgres in `npm run test:pg`). */
export const testDb = (): Db => openDatabase(env, loadConfig(env)).db;

/** Runs one SQL statement (fixtures the API cannot create, such as rows in the past). */
export async function executeSql(query: SQL): Promise<void> {
  const db = testDb();
  await executeBatch(db, [rawStatement(db, query)]);
}
