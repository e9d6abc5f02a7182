import { getTableName, is, type SQL, sql, Table } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { executeBatch } from '../../src/db/batch';
import type { Db } from '../../src/db/client';
import * as pg from '../../src/db/pg/schema';
import { rawStatement } from '../../src/db/sql';
import { PostgresBackend } from '../../src/search/pg-backend';
import { asTyped, correctionsOf } from '../../src/search/query-terms';
import type { SearchType } from '../../src/search/search-port';
import { pickCorrections, tokenize } from '../../src/search/text';
import { createProduct } from '../helpers/catalog-factories';
import { executeSql, testDatabaseKind, testDb } from '../helpers/db';
import { createCustomer, createTenant } from '../helpers/factories';
import { answered, rest } from '../helpers/rest';

/**
 * The Postgres search index itself (migrations-pg/0003_search, src/search/pg-backend.ts): what
 * test/integration/search-vocabulary-memory.test.ts and test/unit/search-migration.test.ts check for FTS5.
 * The behaviour both backends share is tested in search.test.ts and search-relevance.test.ts.
 */

/** The opened database, counting the statements sent (each `execute` is one round trip). */
function countingDb() {
  const counter = { statements: 0 };
  const db = testDb();
  const counting = new Proxy(db, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (prop !== 'execute' || typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        counter.statements++;
        return value.apply(target, args);
      };
    },
  }) as Db;
  return { db: counting, counter };
}

/** Rows of one read on the run's database. */
const rowsOf = async <Row = Record<string, unknown>>(query: SQL) => (await executeSql<Row>(query)).rows;

const query = (type: SearchType, q: string) => ({ type, q, limit: 20, sort: 'relevance' as const, filters: {} });

async function vocabularyOf(tenantId: string, entity: string) {
  return rowsOf<{ term: string; docs: number }>(
    sql`SELECT term, docs FROM search_terms WHERE tenant_id = ${tenantId} AND entity = ${entity}`,
  );
}

describe.runIf(testDatabaseKind() === 'postgres')('Postgres search index', () => {
  it('is installed by the migration: triggers, documents in a GIN index with the tenant, the vocabulary', async () => {
    const triggers = await rowsOf<{ name: string; table: string }>(
      sql`SELECT tgname AS name, tgrelid::regclass::text AS table FROM pg_trigger
          WHERE NOT tgisinternal AND tgname LIKE '%\_search\_%' ORDER BY tgname`,
    );
    expect(triggers.map((t) => `${t.table}.${t.name}`)).toEqual([
      'customers.customers_search_delete',
      'customers.customers_search_insert',
      'customers.customers_search_update',
      'products.products_search_delete',
      'products.products_search_insert',
      'products.products_search_update',
    ]);
    const indexes = await rowsOf<{ name: string; definition: string }>(
      sql`SELECT indexname AS name, indexdef AS definition FROM pg_indexes
          WHERE tablename IN ('products_search', 'customers_search') AND indexdef LIKE '%USING gin%' ORDER BY 1`,
    );
    expect(indexes.map((i) => i.definition.replace(/^.* USING /, ''))).toEqual([
      'gin (tenant_id, document)',
      'gin (tenant_id, document)',
    ]);
    // Beyond the drizzle schema, the migrations create the search tables only (test/unit/schema-parity.test.ts
    // lists them as PG_RAW_ONLY and checks the migration files).
    const tables = await rowsOf<{ name: string }>(
      sql`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'`,
    );
    const drizzle: string[] = (Object.values(pg) as unknown[])
      .filter((t): t is Table => is(t, Table))
      .map((t) => getTableName(t));
    expect(
      tables
        .map((t) => t.name)
        .filter((name) => !drizzle.includes(name))
        .sort(),
    ).toEqual(['customers_search', 'products_search', 'search_terms']);
    expect(drizzle.filter((name) => !tables.some((t) => t.name === name))).toEqual([]);
  });

  it('splits text into the words the query tokenizer makes', async () => {
    const samples = [
      'Müller Haustechnik',
      'HX-1234',
      'anna@schmidt-backwaren.de',
      '+49 331 5550123',
      'Krüger & Söhne KG',
      'Crème brûlée, ½ ﬁne',
      'Straße ÅNGSTRÖM Łódź',
      'ДОМ Ελλάδα',
      "O'Neil_tools\tv2.5",
    ];
    for (const text of samples) {
      const [row] = await rowsOf<{ words: string }>(sql`SELECT search_normalize(${text}) AS words`);
      expect(row?.words.split(' '), text).toEqual(tokenize(text));
    }
  });

  it('corrects exactly what the shared typo rules pick from the whole vocabulary', async () => {
    const t = await createTenant();
    for (const [name, company, city] of [
      ['Jonas Müller', 'Müller Haustechnik', 'Düsseldorf'],
      ['Anna Schmidt', 'Schmidt Metallbau', 'Braunschweig'],
      ['Lena Schmitt', 'Schmitt Elektro', 'Potsdam'],
      ['Paul Hoffmann', 'Hoffmann Sanitär', 'Mönchengladbach'],
      ['Marie Schmitz', 'Schmitz Logistik', 'Hamburg'],
    ]) {
      await createCustomer(t.token, { name, company, city });
    }
    await createProduct(t.token, { sku: 'HP-1', name: 'Hydraulic Hand Pump', category: 'Hydraulics', priceMinor: 1 });
    const backend = new PostgresBackend(testDb());
    let corrected = 0;
    for (const [type, entity] of [
      ['customers', 'customer'],
      ['products', 'product'],
    ] as const) {
      const vocabulary = await vocabularyOf(t.tenantId, entity);
      for (const q of [
        'muler',
        'schmitd',
        'schmi',
        'potsdm',
        'dusseldrof',
        'metalbau haustechnk',
        'hofman',
        'hydrolic pmp',
        'hydarul',
        'zzzz',
        'mullerr',
        'hamburgxx',
      ]) {
        const expected = asTyped(tokenize(q)).map((g) => ({
          ...g,
          corrections: pickCorrections(g.word, vocabulary, { prefix: g.prefix })?.map((c) => c.term) ?? [],
        }));
        const result = await backend.search(t.tenantId, query(type, q));
        expect(result.corrections, `${q} in ${type}`).toEqual(correctionsOf(expected));
        corrected += Object.keys(result.corrections).length;
      }
    }
    expect(corrected).toBeGreaterThan(8);
  });

  it('answers in one round trip, and a second one only when a word is corrected', async () => {
    const t = await createTenant();
    const hoffmann = await createCustomer(t.token, { name: 'Paul Hoffmann', company: 'Hoffmann Sanitär' });
    const { db, counter } = countingDb();
    const backend = new PostgresBackend(db);
    const run = async (q: string, suggest = false) => {
      counter.statements = 0;
      const ids = suggest
        ? (await backend.suggest(t.tenantId, { q, limit: 5, types: ['products', 'customers'] })).map((s) => s.id)
        : (await backend.search(t.tenantId, query('customers', q))).hits.map((h) => h.id);
      return { ids, statements: counter.statements };
    };
    expect(await run('paul hoff')).toEqual({ ids: [hoffmann.id], statements: 1 });
    expect(await run('hofman')).toEqual({ ids: [hoffmann.id], statements: 2 });
    expect(await run('paul xyzzy')).toEqual({ ids: [hoffmann.id], statements: 1 });
    expect(await run('hof', true)).toEqual({ ids: [hoffmann.id], statements: 1 });
    expect(await run('hofman', true)).toEqual({ ids: [hoffmann.id], statements: 2 });
  });

  it('indexes inside the write’s transaction: a rolled-back write leaves no trace', async () => {
    const t = await createTenant();
    const db = testDb();
    const id = crypto.randomUUID();
    const insert = sql`INSERT INTO products (tenant_id, id, created_at, updated_at, sku, name, price_minor, currency)
      VALUES (${t.tenantId}, ${id}, now(), now(), 'ZY-1', 'Zymurgy Kettle', 100, 'EUR')`;
    await expect(executeBatch(db, [rawStatement(db, insert), rawStatement(db, sql`SELECT 1 / 0`)])).rejects.toThrow();
    expect(await vocabularyOf(t.tenantId, 'product')).toEqual([]);
    expect(await rowsOf(sql`SELECT 1 FROM products_search WHERE tenant_id = ${t.tenantId}`)).toEqual([]);
    await executeSql(insert);
    const backend = new PostgresBackend(testDb());
    expect((await backend.search(t.tenantId, query('products', 'zymurgy'))).hits.map((h) => h.id)).toEqual([id]);
  });

  it('drops a hard-deleted record’s document and words; soft deletes keep its place for an undelete', async () => {
    const t = await createTenant();
    const ewa = await createCustomer(t.token, { name: 'Ewa Kowalczyk', city: 'Gdansk' });
    const place = async () =>
      (
        await rowsOf<{ doc_id: number; live: boolean }>(
          sql`SELECT doc_id, document IS NOT NULL AS live FROM customers_search
            WHERE tenant_id = ${t.tenantId} AND customer_id = ${ewa.id}`,
        )
      )[0];
    const before = await place();
    expect(before?.live).toBe(true);
    expect(
      (await answered(rest(t.token).DELETE('/v1/customers/{id}', { params: { path: { id: ewa.id } } }))).status,
    ).toBe(200);
    expect(await place()).toEqual({ doc_id: before?.doc_id, live: false });
    expect(await vocabularyOf(t.tenantId, 'customer')).toEqual([]);
    await executeSql(sql`UPDATE customers SET deleted_at = NULL WHERE tenant_id = ${t.tenantId} AND id = ${ewa.id}`);
    expect(await place()).toEqual({ doc_id: before?.doc_id, live: true });
    expect((await vocabularyOf(t.tenantId, 'customer')).map((r) => r.term).sort()).toEqual([
      'ewa',
      'gdansk',
      'kowalczyk',
    ]);
    await executeSql(sql`DELETE FROM customers WHERE tenant_id = ${t.tenantId} AND id = ${ewa.id}`);
    expect(await place()).toBeUndefined();
    expect(await vocabularyOf(t.tenantId, 'customer')).toEqual([]);
  });
});
