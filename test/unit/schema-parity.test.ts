import { env } from 'cloudflare:workers';
import {
  type Column,
  getTableColumns,
  getTableName,
  type InferInsertModel,
  type InferSelectModel,
  is,
  SQL,
  Table,
} from 'drizzle-orm';
import { getTableConfig as pgTableConfig } from 'drizzle-orm/pg-core';
import { getTableConfig as sqliteTableConfig } from 'drizzle-orm/sqlite-core';
import { describe, expect, expectTypeOf, it } from 'vitest';
import * as pg from '../../src/db/pg/schema';
import * as sqlite from '../../src/db/schema';

/*
 * The SQLite (D1) schema and its Postgres twin must describe the same tables: the services run the same
 * queries against either. What exists on one side only is listed here, with the reason.
 */

/** Tables of the drizzle SQLite schema that Postgres does without. */
const SQLITE_ONLY: Record<string, string> = {
  batch_guard:
    'D1 has no interactive transactions, so a batch aborts itself through this NOT NULL guard (db/batch.ts); ' +
    'on Postgres the transaction checks the affected rows itself.',
};

/** Tables of the drizzle Postgres schema that SQLite does without. */
const PG_ONLY: Record<string, string> = {
  event_counters:
    'D1 serializes writers, so MAX(seq) + 1 is safe there; on Postgres the locked counter row keeps each ' +
    "tenant's event sequence gap-free and in commit order.",
};

/**
 * Tables that raw SQL migrations create in SQLite, outside the drizzle schema: the FTS5 search index of
 * migration 0002 (virtual tables, the tables they keep for their triggers). Search on Postgres is its own
 * index (PG_RAW_ONLY); FTS5 is not ported.
 */
const SQLITE_RAW_ONLY: Record<string, string> = {
  products_fts: 'FTS5 virtual table of products (migration 0002)',
  customers_fts: 'FTS5 virtual table of customers (migration 0002)',
  search_docs: "FTS5 rowid of each indexed record, kept by migration 0002's triggers",
  search_terms: "per-tenant vocabulary for typo correction, kept by migration 0002's triggers",
};

/**
 * Tables that raw SQL migrations create in Postgres, outside the drizzle schema: the search index of
 * migrations-pg/0003_search (tsvector documents, the vocabulary, kept by its triggers), the counterpart of the
 * FTS5 tables above. Only the search backends' raw SQL reads them.
 */
const PG_RAW_ONLY: Record<string, string> = {
  products_search: 'tsvector document of each product, kept by the triggers of migrations-pg/0003_search',
  customers_search: 'tsvector document of each customer, kept by the triggers of migrations-pg/0003_search',
  search_terms:
    'per-tenant vocabulary for typo correction (same name and columns as the SQLite one), kept by the triggers ' +
    'of migrations-pg/0003_search',
};

/** The Postgres migrations' SQL, by file (Vite inlines them). */
const PG_MIGRATIONS: Record<string, string> = import.meta.glob('../../migrations-pg/*.sql', {
  query: '?raw',
  import: 'default',
  eager: true,
});

/** Tables SQLite, D1 and FTS5 make for themselves (FTS5 keeps each index in five shadow tables). */
const FTS5_SHADOW = /_(data|idx|content|docsize|config)$/;
const isInternalSqliteTable = (name: string) =>
  name.startsWith('sqlite_') ||
  name.startsWith('_cf_') ||
  name === 'd1_migrations' ||
  (FTS5_SHADOW.test(name) && name.replace(FTS5_SHADOW, '') in SQLITE_RAW_ONLY);

type AnyTable = Table;
const tablesOf = (schema: Record<string, unknown>): Map<string, { exportName: string; table: AnyTable }> =>
  new Map(
    Object.entries(schema)
      .filter((entry): entry is [string, AnyTable] => is(entry[1], Table))
      .map(([exportName, table]) => [getTableName(table), { exportName, table }]),
  );

const sqliteTables = tablesOf(sqlite);
const pgTables = tablesOf(pg);

/** The text of a plain `sql` fragment (checks, partial-index conditions, SQL defaults). */
const sqlText = (value: SQL): string =>
  value.queryChunks
    .map((chunk) => {
      const c = chunk as { value?: unknown; name?: unknown };
      if (Array.isArray(c.value)) return c.value.join('');
      if (typeof c.name === 'string') return c.name;
      return '?';
    })
    .join('')
    .replace(/\s+/g, ' ')
    .trim();

const names = (columns: readonly { name?: string | undefined }[] | readonly unknown[]) =>
  `(${columns.map((c) => (is(c, SQL) ? sqlText(c) : ((c as { name?: string }).name ?? '?'))).join(', ')})`;

function describeDefault(column: Column): string {
  if (!column.hasDefault) return 'no default';
  if (column.defaultFn) return 'default from $defaultFn';
  if (column.onUpdateFn) return 'default from $onUpdateFn';
  if (is(column.default, SQL)) return `default sql ${sqlText(column.default)}`;
  return `default ${JSON.stringify(column.default)}`;
}

interface TableShape {
  name: string;
  columns: Column[];
  primaryKeys: { columns: Column[] }[];
  foreignKeys: {
    reference: () => { columns: Column[]; foreignColumns: Column[]; foreignTable: AnyTable };
    onDelete?: string | undefined;
    onUpdate?: string | undefined;
  }[];
  indexes: { config: { name?: string | undefined; columns: unknown[]; unique: boolean; where?: SQL | undefined } }[];
  uniqueConstraints: { columns: Column[]; name?: string | undefined }[];
  checks: { name: string; value: SQL }[];
}

/**
 * What a table consists of, as `item → details`: an item is in both schemas or it is a difference, and an
 * item in both must have the same details.
 */
function facts(config: TableShape): Map<string, string> {
  const out = new Map<string, string>();
  for (const column of config.columns) {
    const enumValues = column.enumValues?.length ? `, one of ${column.enumValues.join('|')}` : '';
    out.set(
      `column "${column.name}"`,
      `${column.notNull ? 'NOT NULL' : 'nullable'}, ${describeDefault(column)}${enumValues}`,
    );
    if (column.isUnique) out.set(`unique constraint "${column.uniqueName ?? column.name}"`, names([column]));
  }
  const primary = [
    ...config.primaryKeys.map((pk) => names(pk.columns)),
    ...config.columns.filter((c) => c.primary).map((c) => names([c])),
  ];
  if (primary.length) out.set('primary key', primary.join(' + '));
  for (const fk of config.foreignKeys) {
    const ref = fk.reference();
    out.set(
      `foreign key ${names(ref.columns)} → ${getTableName(ref.foreignTable)}`,
      `${names(ref.foreignColumns)}, on delete ${fk.onDelete ?? 'no action'}, on update ${fk.onUpdate ?? 'no action'}`,
    );
  }
  for (const { config: index } of config.indexes) {
    const where = index.where ? ` where ${sqlText(index.where)}` : '';
    out.set(`${index.unique ? 'unique index' : 'index'} "${index.name}"`, `${names(index.columns)}${where}`);
  }
  for (const unique of config.uniqueConstraints) {
    out.set(`unique constraint "${unique.name ?? names(unique.columns)}"`, names(unique.columns));
  }
  for (const check of config.checks) out.set(`check "${check.name}"`, sqlText(check.value));
  return out;
}

const sqliteFacts = (table: AnyTable) => facts(sqliteTableConfig(table as never) as unknown as TableShape);
const pgFacts = (table: AnyTable) => facts(pgTableConfig(table as never) as unknown as TableShape);

/** Every difference between the two descriptions of one table, one readable line each. */
function differences(table: string, inSqlite: Map<string, string>, inPg: Map<string, string>): string[] {
  const out: string[] = [];
  for (const [item, sqliteDetail] of inSqlite) {
    const pgDetail = inPg.get(item);
    if (pgDetail === undefined) out.push(`${table}: ${item} is in the SQLite schema only (${sqliteDetail})`);
    else if (pgDetail !== sqliteDetail)
      out.push(`${table}: ${item} differs: SQLite ${sqliteDetail} / Postgres ${pgDetail}`);
  }
  for (const [item, pgDetail] of inPg) {
    if (!inSqlite.has(item)) out.push(`${table}: ${item} is in the Postgres schema only (${pgDetail})`);
  }
  return out;
}

const shared = [...sqliteTables.keys()].filter((name) => pgTables.has(name)).sort();

describe('SQLite and Postgres schemas', () => {
  it('have the same tables, apart from the listed ones', () => {
    const problems = [
      ...[...sqliteTables.keys()]
        .filter((name) => !pgTables.has(name) && !SQLITE_ONLY[name])
        .map((name) => `table ${name} is in the SQLite schema only`),
      ...[...pgTables.keys()]
        .filter((name) => !sqliteTables.has(name) && !PG_ONLY[name])
        .map((name) => `table ${name} is in the Postgres schema only`),
      // A stale allow-list hides nothing, but says something false.
      ...Object.keys(SQLITE_ONLY)
        .filter((name) => !sqliteTables.has(name) || pgTables.has(name))
        .map((name) => `SQLITE_ONLY lists ${name}, which is not a SQLite-only table`),
      ...Object.keys(PG_ONLY)
        .filter((name) => !pgTables.has(name) || sqliteTables.has(name))
        .map((name) => `PG_ONLY lists ${name}, which is not a Postgres-only table`),
    ];
    expect(problems, problems.join('\n')).toEqual([]);
    expect(shared.length).toBeGreaterThan(20);
  });

  it('leave out of drizzle only the listed tables that raw SQLite migrations create', async () => {
    const { results } = await env.DB.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all<{
      name: string;
    }>();
    const inDatabase = results.map((r) => r.name).filter((name) => !isInternalSqliteTable(name));
    const problems = [
      ...inDatabase
        .filter((name) => !sqliteTables.has(name) && !SQLITE_RAW_ONLY[name])
        .map(
          (name) =>
            `table ${name} is created by a SQLite migration but is in neither the drizzle schema nor SQLITE_RAW_ONLY`,
        ),
      ...Object.keys(SQLITE_RAW_ONLY)
        .filter((name) => !inDatabase.includes(name))
        .map((name) => `SQLITE_RAW_ONLY lists ${name}, which the SQLite migrations do not create`),
      ...Object.keys(SQLITE_RAW_ONLY)
        .filter((name) => pgTables.has(name))
        .map((name) => `SQLITE_RAW_ONLY lists ${name}, which the Postgres schema has`),
    ];
    expect(problems, problems.join('\n')).toEqual([]);
  });

  // test/unit runs on D1 only, so the Postgres side reads the migration files; the tables the migrated
  // database holds are checked in test/integration/search-postgres.test.ts.
  it('leave out of drizzle only the listed tables that raw Postgres migrations create', () => {
    const created = Object.values(PG_MIGRATIONS).flatMap((text) =>
      [...text.matchAll(/CREATE TABLE (?:IF NOT EXISTS )?"?(\w+)"?/gi)].map((m) => m[1] as string),
    );
    const problems = [
      ...created
        .filter((name) => !pgTables.has(name) && !PG_RAW_ONLY[name])
        .map(
          (name) =>
            `table ${name} is created by a Postgres migration but is in neither the drizzle schema nor PG_RAW_ONLY`,
        ),
      ...Object.keys(PG_RAW_ONLY)
        .filter((name) => !created.includes(name))
        .map((name) => `PG_RAW_ONLY lists ${name}, which the Postgres migrations do not create`),
      ...Object.keys(PG_RAW_ONLY)
        .filter((name) => pgTables.has(name) || sqliteTables.has(name))
        .map((name) => `PG_RAW_ONLY lists ${name}, which a drizzle schema has`),
    ];
    expect(created.length).toBeGreaterThan(20);
    expect(problems, problems.join('\n')).toEqual([]);
  });

  it('reads every kind of item from both (a schema read as empty would compare equal)', () => {
    const expected = {
      'column "on_hand"': 'NOT NULL, default 0',
      'primary key': '(tenant_id, product_id)',
      'foreign key (tenant_id, product_id) → products': '(tenant_id, id), on delete no action, on update no action',
      'index "inventory_tenant_updated_idx"': '(tenant_id, updated_at, product_id)',
      'check "inventory_reserved_within_stock"': 'reserved >= 0 AND reserved <= on_hand',
    };
    expect(Object.fromEntries(sqliteFacts(sqlite.inventory))).toMatchObject(expected);
    expect(Object.fromEntries(pgFacts(pg.inventory))).toMatchObject(expected);
    const sku = { 'unique index "products_tenant_sku_uq"': '(tenant_id, sku) where deleted_at IS NULL' };
    expect(Object.fromEntries(sqliteFacts(sqlite.products))).toMatchObject(sku);
    expect(Object.fromEntries(pgFacts(pg.products))).toMatchObject(sku);
    const status = { 'column "status"': 'NOT NULL, default "draft", one of draft|confirmed|fulfilled|cancelled' };
    expect(Object.fromEntries(pgFacts(pg.orders))).toMatchObject(status);
    expect(Object.fromEntries(pgFacts(pg.tenants))).toMatchObject({ 'primary key': '(id)' });
  });

  it.each(shared)('%s: same columns, nullability, defaults, keys, indexes and checks', (name) => {
    const sqliteTable = sqliteTables.get(name)?.table;
    const pgTable = pgTables.get(name)?.table;
    if (!sqliteTable || !pgTable) throw new Error(`table ${name} is missing`);
    const problems = differences(name, sqliteFacts(sqliteTable), pgFacts(pgTable));
    expect(problems, problems.join('\n')).toEqual([]);
  });
});

// The services are shared: a row must have the same properties, meaning the same columns, on both sides.

type TablesIn<S> = { [K in keyof S as S[K] extends Table ? K : never]: S[K] };
type Selected<S> = {
  [K in keyof TablesIn<S>]: TablesIn<S>[K] extends Table ? InferSelectModel<TablesIn<S>[K]> : never;
};
type Inserted<S> = {
  [K in keyof TablesIn<S>]: TablesIn<S>[K] extends Table ? InferInsertModel<TablesIn<S>[K]> : never;
};
type SharedPg<T> = Omit<T, 'eventCounters'>;
type SharedSqlite<T> = Omit<T, 'batchGuard'>;

describe('rows of the two schemas', () => {
  it('have the same TypeScript type, table by table (checked by `npm run typecheck`)', () => {
    expectTypeOf<keyof SharedPg<TablesIn<typeof pg>>>().toEqualTypeOf<keyof SharedSqlite<TablesIn<typeof sqlite>>>();
    expectTypeOf<SharedPg<Selected<typeof pg>>>().toEqualTypeOf<SharedSqlite<Selected<typeof sqlite>>>();
    expectTypeOf<SharedPg<Inserted<typeof pg>>>().toEqualTypeOf<SharedSqlite<Inserted<typeof sqlite>>>();
  });

  it.each(shared)('%s: same export name, and each property is the same SQL column', (name) => {
    const sqliteSide = sqliteTables.get(name);
    const pgSide = pgTables.get(name);
    if (!sqliteSide || !pgSide) throw new Error(`table ${name} is missing`);
    expect(pgSide.exportName, `${name}: export name`).toBe(sqliteSide.exportName);
    const properties = (table: AnyTable) =>
      Object.fromEntries(Object.entries(getTableColumns(table)).map(([key, column]) => [key, column.name]));
    expect(properties(pgSide.table), `${name}: property → column in Postgres vs SQLite`).toEqual(
      properties(sqliteSide.table),
    );
  });
});
