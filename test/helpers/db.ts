import { env } from 'cloudflare:workers';
import { type SQL, sql } from 'drizzle-orm';
import { onTestFinished } from 'vitest';
import { executeBatch } from '../../src/db/batch';
import type { Db } from '../../src/db/client';
import { type DatabaseHandle, type DatabaseKind, openDatabase } from '../../src/db/connection';
import { rawStatement } from '../../src/db/sql';
import { loadConfig } from '../../src/env';
import { sha256Hex } from '../../src/lib/crypto';

/** The database the Worker under test runs on (D1 in `npm test`, Postgres in `npm run test:pg`). */
export const testDb = (): Db => openDatabase(env, loadConfig(env)).db;

/** Which database the run uses, for the few oracles written in each database's own SQL. */
export const testDatabaseKind = (): DatabaseKind => openDatabase(env, loadConfig(env)).kind;

/** The handle fixtures share, and whether it belongs to a test (closed when it finishes) or to a hook. */
let shared: { handle: DatabaseHandle; inTest: boolean } | undefined;

/**
 * Runs SQL statements as one unit on the run's database (fixtures the API cannot create, such as rows in
 * the past) and returns the rows and the number of rows changed of the last one. Write SQL both
 * databases accept. Fixtures write hundreds of rows, so they share one database handle instead of
 * connecting for each: on Postgres a pool, whose connections belong to the running test and are closed
 * when it finishes (those of a beforeAll hook when the first test writes, else they idle out).
 */
export async function executeSql<Row = Record<string, unknown>>(
  ...queries: SQL[]
): Promise<{ rows: Row[]; changes: number }> {
  const { db } = fixtureHandle();
  const results = await executeBatch(
    db,
    queries.map((query) => rawStatement(db, query)),
  );
  const last = results.at(-1);
  return { rows: (last?.results ?? []) as Row[], changes: last?.meta.changes ?? 0 };
}

function fixtureHandle(): DatabaseHandle {
  if (shared?.inTest) return shared.handle;
  // Opening makes no connection yet (the first query does), so a handle left unused costs nothing.
  const handle = openDatabase(env, loadConfig(env));
  try {
    onTestFinished(() => {
      if (shared?.handle === handle) shared = undefined;
      return handle.close();
    });
  } catch {
    // Not inside a test: a beforeAll hook.
    shared ??= { handle, inTest: false };
    return shared.handle;
  }
  void shared?.handle.close();
  shared = { handle, inTest: true };
  return handle;
}

/**
 * Moves a used refresh token's rotation `ms` into the past, as if it had been presented that long ago
 * (presenting it again is then reuse, not a concurrent refresh within the race grace).
 */
export async function rotatedAgo(refreshToken: string, ms: number): Promise<void> {
  const hash = await sha256Hex(refreshToken);
  const at = new Date(Date.now() - ms).toISOString();
  const done = await executeSql(
    sql`UPDATE refresh_tokens SET used_at = ${at} WHERE token_hash = ${hash} AND used_at IS NOT NULL`,
  );
  if (done.changes !== 1) throw new Error('rotatedAgo: the refresh token was not used yet');
}
