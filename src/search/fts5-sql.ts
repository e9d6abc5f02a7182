/**
 * The SQL that keeps the FTS5 index and the per-tenant vocabulary in step with `products` and `customers`.
 * Migration 0002 holds the triggers built here (a test checks they are identical), and the full reindex
 * runs the same backfill statements, so the trigger path and the rebuild path cannot drift apart.
 */

export type SearchEntity = 'product' | 'customer';

export interface EntitySql {
  entity: SearchEntity;
  table: 'products' | 'customers';
  fts: 'products_fts' | 'customers_fts';
  /** The FTS column holding the row id (UNINDEXED). */
  idColumn: 'product_id' | 'customer_id';
  /** Indexed text columns, in FTS column order after tenant_id, id and tenant_key. */
  textColumns: readonly string[];
  /** bm25 weight per indexed text column (same order); tenant_id, id and tenant_key weigh 0. */
  weights: readonly number[];
  /** Columns whose words feed the typo vocabulary (what people type: names, not descriptions). */
  vocabularyColumns: readonly string[];
}

export const PRODUCT_SQL: EntitySql = {
  entity: 'product',
  table: 'products',
  fts: 'products_fts',
  idColumn: 'product_id',
  textColumns: ['name', 'sku', 'description', 'category'],
  weights: [10, 5, 1, 1.5],
  vocabularyColumns: ['name', 'category'],
};

export const CUSTOMER_SQL: EntitySql = {
  entity: 'customer',
  table: 'customers',
  fts: 'customers_fts',
  idColumn: 'customer_id',
  textColumns: ['name', 'company', 'email', 'phone', 'city'],
  weights: [10, 6, 4, 4, 2],
  vocabularyColumns: ['name', 'company', 'city'],
};

export const ENTITY_SQL: Record<SearchEntity, EntitySql> = { product: PRODUCT_SQL, customer: CUSTOMER_SQL };

/** FTS column index of the first text column (after tenant_id, the id and tenant_key). */
export const FIRST_TEXT_COLUMN = 3;

/**
 * The tenant as one FTS token ("t" + the id's alphanumerics). Queries AND it into MATCH so FTS5 intersects
 * doclists instead of scanning every tenant's matches; the exact `tenant_id` comparison stays as well.
 */
export const tenantKeySql = (expr: string) => `'t' || lower(replace(${expr}, '-', ''))`;
export const tenantKey = (tenantId: string) => `t${tenantId.replaceAll('-', '').toLowerCase()}`;

/** ASCII punctuation and whitespace that separate words (the same split unicode61 makes for ASCII). */
const SEPARATORS = [...'!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~'];

const sqlLiteral = (s: string) => `'${s.replaceAll("'", "''")}'`;

/** Replacements per nesting level: SQLite's parser stack overflows on ~35 nested calls, so they are staged. */
const STAGE_SIZE = 9;

/**
 * A FROM clause yielding one row per word of `text` (lower-cased, split on ASCII punctuation and
 * whitespace) as `words.value`, next to the `carry` columns. `source` is the innermost FROM (empty inside
 * a trigger, where `text` reads `new.`/`old.`, which also rules out CTEs there). Non-ASCII case and
 * diacritics are left to TypeScript, which normalises vocabulary terms before comparing them. Text that
 * still is not valid JSON (control characters) yields no words, so a write never fails on its vocabulary.
 */
export function wordsFromSql(text: string, carry: Record<string, string>, source = ''): string {
  const seps: string[] = [...SEPARATORS.map(sqlLiteral), 'char(9)', 'char(10)', 'char(13)'];
  const names = Object.keys(carry);
  const outer = (expr: string) => [...names, `${expr} AS s`].join(', ');
  const replaceAll = (expr: string, chars: string[]) => chars.reduce((acc, ch) => `replace(${acc}, ${ch}, ' ')`, expr);
  const first = [
    ...Object.entries(carry).map(([k, v]) => `${v} AS ${k}`),
    `${replaceAll(`lower(${text})`, seps.slice(0, STAGE_SIZE))} AS s`,
  ];
  let select = `SELECT ${first.join(', ')}${source ? ` ${source}` : ''}`;
  for (let i = STAGE_SIZE; i < seps.length; i += STAGE_SIZE) {
    select = `SELECT ${outer(replaceAll('s', seps.slice(i, i + STAGE_SIZE)))} FROM (${select})`;
  }
  const json = `SELECT ${[...names, `'["' || replace(s, ' ', '","') || '"]' AS j`].join(', ')} FROM (${select})`;
  return `(${json}) AS w, json_each(CASE WHEN json_valid(w.j) THEN w.j ELSE '[]' END) AS words`;
}

const vocabularyText = (e: EntitySql, row: string) =>
  e.vocabularyColumns.map((c) => `coalesce(${row}.${c}, '')`).join(` || ' ' || `);

/** Vocabulary terms worth correcting towards: three letters or more, no digits (codes are not typos). */
const TERM_FILTER = `length(words.value) >= 3 AND words.value NOT GLOB '*[0-9]*'`;

function vocabularyAdd(e: EntitySql, row: string, condition: string): string {
  return (
    `INSERT INTO search_terms (tenant_id, entity, term, docs) ` +
    `SELECT DISTINCT ${row}.tenant_id, '${e.entity}', words.value, 1 FROM ${wordsFromSql(vocabularyText(e, row), {})} ` +
    `WHERE ${TERM_FILTER} AND ${condition} ` +
    `ON CONFLICT (tenant_id, entity, term) DO UPDATE SET docs = docs + 1;`
  );
}

function vocabularyRemove(e: EntitySql, row: string, condition: string): string[] {
  const terms = `(SELECT words.value FROM ${wordsFromSql(vocabularyText(e, row), {})})`;
  const scope = `tenant_id = ${row}.tenant_id AND entity = '${e.entity}' AND term IN ${terms} AND ${condition}`;
  return [
    `UPDATE search_terms SET docs = docs - 1 WHERE ${scope};`,
    `DELETE FROM search_terms WHERE docs <= 0 AND ${scope};`,
  ];
}

const docIdOf = (e: EntitySql, row: string) =>
  `(SELECT doc_id FROM search_docs WHERE tenant_id = ${row}.tenant_id AND entity = '${e.entity}' AND entity_id = ${row}.id)`;

function ftsInsert(e: EntitySql, row: string, condition: string): string {
  const columns = ['rowid', 'tenant_id', e.idColumn, 'tenant_key', ...e.textColumns].join(', ');
  const values = [`d.doc_id`, `${row}.tenant_id`, `${row}.id`, tenantKeySql(`${row}.tenant_id`)]
    .concat(e.textColumns.map((c) => `${row}.${c}`))
    .join(', ');
  return (
    `INSERT INTO ${e.fts} (${columns}) SELECT ${values} FROM search_docs d ` +
    `WHERE d.tenant_id = ${row}.tenant_id AND d.entity = '${e.entity}' AND d.entity_id = ${row}.id AND ${condition};`
  );
}

const ensureDoc = (e: EntitySql, row: string) =>
  `INSERT INTO search_docs (tenant_id, entity, entity_id) VALUES (${row}.tenant_id, '${e.entity}', ${row}.id) ON CONFLICT DO NOTHING;`;

/** The three triggers per entity: insert, update (edit, soft delete, undelete) and hard delete. */
export function triggerStatements(e: EntitySql): string[] {
  const live = (row: string) => `${row}.deleted_at IS NULL`;
  const changed = [...e.textColumns, 'deleted_at'].map((c) => `old.${c} IS NOT new.${c}`).join(' OR ');
  const body = (lines: string[]) => lines.map((l) => `  ${l}`).join('\n');
  return [
    `CREATE TRIGGER ${e.table}_search_insert AFTER INSERT ON ${e.table} WHEN new.deleted_at IS NULL BEGIN\n${body([
      ensureDoc(e, 'new'),
      ftsInsert(e, 'new', '1'),
      vocabularyAdd(e, 'new', '1'),
    ])}\nEND`,
    `CREATE TRIGGER ${e.table}_search_update AFTER UPDATE ON ${e.table} WHEN ${changed} BEGIN\n${body([
      `DELETE FROM ${e.fts} WHERE rowid = ${docIdOf(e, 'old')} AND ${live('old')};`,
      ...vocabularyRemove(e, 'old', live('old')),
      ensureDoc(e, 'new'),
      ftsInsert(e, 'new', live('new')),
      vocabularyAdd(e, 'new', live('new')),
    ])}\nEND`,
    `CREATE TRIGGER ${e.table}_search_delete AFTER DELETE ON ${e.table} BEGIN\n${body([
      `DELETE FROM ${e.fts} WHERE rowid = ${docIdOf(e, 'old')} AND ${live('old')};`,
      ...vocabularyRemove(e, 'old', live('old')),
      `DELETE FROM search_docs WHERE tenant_id = old.tenant_id AND entity = '${e.entity}' AND entity_id = old.id;`,
    ])}\nEND`,
  ];
}

export function ftsTableStatement(e: EntitySql): string {
  const columns = ['tenant_id UNINDEXED', `${e.idColumn} UNINDEXED`, 'tenant_key', ...e.textColumns].join(', ');
  return `CREATE VIRTUAL TABLE ${e.fts} USING fts5(${columns}, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')`;
}

/**
 * Rebuilds the index of live rows: all tenants (migration backfill) or one (`tenantParam` is then a bound
 * parameter placeholder such as `?1`). Run after the tenant's FTS rows and terms were removed.
 */
export function backfillStatements(e: EntitySql, tenantParam?: string): string[] {
  const where = (alias: string) =>
    `${alias}.deleted_at IS NULL${tenantParam ? ` AND ${alias}.tenant_id = ${tenantParam}` : ''}`;
  const columns = ['rowid', 'tenant_id', e.idColumn, 'tenant_key', ...e.textColumns].join(', ');
  const values = ['d.doc_id', 'r.tenant_id', 'r.id', tenantKeySql('r.tenant_id')]
    .concat(e.textColumns.map((c) => `r.${c}`))
    .join(', ');
  return [
    `INSERT INTO search_docs (tenant_id, entity, entity_id) SELECT r.tenant_id, '${e.entity}', r.id FROM ${e.table} r WHERE ${where('r')} ON CONFLICT DO NOTHING`,
    `INSERT INTO ${e.fts} (${columns}) SELECT ${values} FROM ${e.table} r JOIN search_docs d ON d.tenant_id = r.tenant_id AND d.entity = '${e.entity}' AND d.entity_id = r.id WHERE ${where('r')}`,
    `INSERT INTO search_terms (tenant_id, entity, term, docs) SELECT w.tenant_id, '${e.entity}', words.value, COUNT(DISTINCT w.id) FROM ${wordsFromSql(vocabularyText(e, 'r'), { tenant_id: 'r.tenant_id', id: 'r.id' }, `FROM ${e.table} r WHERE ${where('r')}`)} WHERE ${TERM_FILTER} GROUP BY w.tenant_id, words.value`,
  ];
}

/** Letter signature of a term: bit i set when the i-th letter a..z occurs (computed by SQLite on write). */
export const SIGNATURE_SQL = [...'abcdefghijklmnopqrstuvwxyz']
  .map((ch, i) => `((instr(term, '${ch}') > 0) << ${i})`)
  .join(' | ');
