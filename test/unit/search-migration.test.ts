import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import {
  backfillStatements,
  CUSTOMER_SQL,
  ftsTableStatement,
  PRODUCT_SQL,
  triggerStatements,
} from '../../src/search/fts5-sql';

const squash = (sql: string) =>
  sql
    .replace(/--[^\n]*\n/g, '\n')
    .replace(/\s+/g, ' ')
    .replace(/;\s*$/, '')
    .trim();

describe('migration 0002_search', () => {
  // The triggers live in a hand-written migration; the reindex path builds the same SQL in TypeScript.
  const migration = env.TEST_MIGRATIONS.find((m) => m.name.startsWith('0002_search'));
  const statements = new Set((migration?.queries ?? []).map(squash));

  it('holds exactly the FTS tables, triggers and backfill that src/search/fts5-sql.ts builds', () => {
    expect(migration).toBeDefined();
    for (const e of [PRODUCT_SQL, CUSTOMER_SQL]) {
      for (const sql of [ftsTableStatement(e), ...triggerStatements(e), ...backfillStatements(e)]) {
        expect(statements.has(squash(sql)), sql.slice(0, 80)).toBe(true);
      }
    }
  });

  it('installed triggers that match the source', async () => {
    const { results } = await env.DB.prepare(
      "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%_search_%' ORDER BY name",
    ).all<{ name: string; sql: string }>();
    const expected = [PRODUCT_SQL, CUSTOMER_SQL].flatMap((e) => triggerStatements(e)).map(squash);
    expect(results.map((r) => squash(r.sql)).sort()).toEqual(expected.sort());
  });
});
