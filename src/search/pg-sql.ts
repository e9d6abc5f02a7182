import { type SQL, sql } from 'drizzle-orm';
import type { SearchEntity } from './fts5-sql';
import type { MatchMode, TermGroup } from './query-terms';
import { CUSTOMER_COLUMNS, PRODUCT_COLUMNS } from './records';
import type { SearchQuery, SearchSort, SearchType } from './search-port';

/**
 * Every SQL statement of the Postgres search backend (src/search/pg-backend.ts). The index itself (tsvector
 * documents, the vocabulary, their triggers and `search_reindex`) is created by migrations-pg/0002_search.sql.
 * User input reaches SQL only as bound parameters: the words (letters and digits, see `tokenize`) become
 * lexemes of a tsquery text that Postgres parses without normalising it again.
 */

export interface PgEntity {
  entity: SearchEntity;
  type: SearchType;
  table: 'products' | 'customers';
  /** The document table: one tsvector per record (NULL while soft-deleted). */
  index: 'products_search' | 'customers_search';
  idColumn: 'product_id' | 'customer_id';
  /** ts_rank weights {D, C, B, A} for a search (the weights of migration 0002's documents). */
  weights: string;
  /** For suggestions: only the name (A) and the SKU or company (B) count, and only they may match. */
  suggestWeights: string;
  suggestDetail: 'sku' | 'company';
  columns: readonly string[];
  /** Fields shown in `highlights` (document fields; `snippet` ones as a window of the text). */
  highlights: readonly { field: string; snippet?: boolean }[];
}

export const PG_PRODUCTS: PgEntity = {
  entity: 'product',
  type: 'products',
  table: 'products',
  index: 'products_search',
  idColumn: 'product_id',
  weights: '{0.1,0.15,0.5,1}',
  suggestWeights: '{0,0,0.5,1}',
  suggestDetail: 'sku',
  columns: PRODUCT_COLUMNS,
  highlights: [{ field: 'name' }, { field: 'sku' }, { field: 'description', snippet: true }, { field: 'category' }],
};

export const PG_CUSTOMERS: PgEntity = {
  entity: 'customer',
  type: 'customers',
  table: 'customers',
  index: 'customers_search',
  idColumn: 'customer_id',
  weights: '{0.2,0.4,0.6,1}',
  suggestWeights: '{0,0,0.6,1}',
  suggestDetail: 'company',
  columns: CUSTOMER_COLUMNS,
  highlights: [{ field: 'name' }, { field: 'company' }, { field: 'email' }, { field: 'phone' }, { field: 'city' }],
};

export const PG_ENTITIES: Record<SearchType, PgEntity> = { products: PG_PRODUCTS, customers: PG_CUSTOMERS };

/** Suggestions match in the A (name) and B (SKU, company) fields only. */
const SUGGEST_FIELDS = 'AB';

/** Terms of a compatible length examined per word: the most similar by trigrams (pg_trgm). */
export const CANDIDATES_PER_WORD = 200;

const lexeme = (word: string) => `'${word.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;

/**
 * The tsquery text of a query: each word as typed (a prefix when it is the last), OR its corrections, all
 * ANDed (`all`) or ORed (`any`); `fields` restricts every lexeme to documents' fields of those weights.
 */
export function tsqueryText(groups: TermGroup[], mode: MatchMode, fields = ''): string {
  if (groups.length === 0) throw new Error('tsqueryText needs at least one word');
  const label = (prefix: boolean) => (prefix || fields ? `:${prefix ? '*' : ''}${fields}` : '');
  const group = (g: TermGroup) => {
    const alternatives = [
      `${lexeme(g.word)}${label(g.prefix)}`,
      ...g.corrections.map((c) => `${lexeme(c)}${label(false)}`),
    ];
    return alternatives.length === 1 ? (alternatives[0] as string) : `(${alternatives.join(' | ')})`;
  };
  return groups.map(group).join(mode === 'all' ? ' & ' : ' | ');
}

/** One word to look up in the vocabulary, with the term lengths that can be within its typo budget. */
export interface WordLookup {
  word: string;
  prefix: boolean;
  minLength: number;
  maxLength: number;
}

/**
 * Vocabulary candidates of every word, as rows `(i, term, docs)` (`i` counts the words from 1). A word that
 * is a term of the tenant (the last word: the start of one) gets none: there is nothing to correct. Else
 * the terms of a compatible length, most similar first by trigrams (word_similarity for a word still being
 * typed, which compares it with the start of longer terms), then most frequent; the caller decides with the
 * exact Damerau-Levenshtein rules.
 */
export function lookupSql(tenantId: string, entities: SearchEntity[], words: WordLookup[]): SQL {
  const scope = (alias: string) =>
    sql`${sql.raw(alias)}.tenant_id = ${tenantId} AND ${sql.raw(alias)}.entity = ANY(${sql.param(entities)}::text[])`;
  return sql`SELECT l.i::int AS i, c.term, c.docs
    FROM unnest(${sql.param(words.map((w) => w.word))}::text[], ${sql.param(words.map((w) => w.prefix))}::boolean[],
                ${sql.param(words.map((w) => w.minLength))}::int[], ${sql.param(words.map((w) => w.maxLength))}::int[])
         WITH ORDINALITY AS l(word, prefix, min_length, max_length, i)
    CROSS JOIN LATERAL (
      SELECT t.term, t.docs FROM search_terms t
      WHERE ${scope('t')} AND char_length(t.term) BETWEEN l.min_length AND l.max_length
        AND NOT EXISTS (
          SELECT 1 FROM search_terms k
          WHERE ${scope('k')} AND k.term >= (l.word COLLATE "C") AND k.term < ((l.word || chr(1114111)) COLLATE "C")
            AND (l.prefix OR k.term = (l.word COLLATE "C")))
      ORDER BY CASE WHEN l.prefix THEN greatest(similarity(t.term, l.word), word_similarity(l.word, t.term))
                    ELSE similarity(t.term, l.word) END DESC,
               t.docs DESC, t.term
      LIMIT ${CANDIDATES_PER_WORD}
    ) c`;
}

const ident = (name: string) => sql.raw(name);

function filterSql(e: PgEntity, query: SearchQuery): SQL[] {
  const f = query.filters;
  const out: SQL[] = [];
  if (e === PG_PRODUCTS) {
    if (f.category !== undefined) out.push(sql`p.category = ${f.category}`);
    if (f.minPrice !== undefined) out.push(sql`p.price_minor >= ${f.minPrice}`);
    if (f.maxPrice !== undefined) out.push(sql`p.price_minor <= ${f.maxPrice}`);
    if (f.active !== undefined) out.push(sql`p.active = ${f.active}`);
  } else if (f.territoryId !== undefined) {
    out.push(sql`p.territory_id = ${f.territoryId}`);
  }
  return out;
}

/** SQLite's `COLLATE NOCASE` (ASCII letters folded, then bytewise): `lower` under "C" folds ASCII only. */
function orderSql(sort: SearchSort, rank: SQL): SQL {
  switch (sort) {
    case 'relevance':
      return sql`${rank} DESC, s.doc_id`;
    case 'name':
      return sql`lower(p.name COLLATE "C") ASC, p.id ASC`;
    case '-name':
      return sql`lower(p.name COLLATE "C") DESC, p.id DESC`;
    case 'price':
      return sql`p.price_minor ASC, p.id ASC`;
    case '-price':
      return sql`p.price_minor DESC, p.id DESC`;
  }
}

/** The best `limit` live records matching `tsquery`, with their position, score and the number of matches. */
function pageSql(e: PgEntity, tenantId: string, query: SearchQuery, tsquery: string, extra: SQL[] = []): SQL {
  const q = sql`${tsquery}::tsquery`;
  const rank = sql`ts_rank(${sql.raw(`'${e.weights}'`)}::float4[], s.document, ${q})`;
  const where = [
    sql`s.tenant_id = ${tenantId}`,
    sql`s.document @@ ${q}`,
    sql`p.deleted_at IS NULL`,
    ...filterSql(e, query),
    ...extra,
  ];
  return sql`SELECT row_number() OVER (ORDER BY ${orderSql(query.sort, rank)}) AS position,
      count(*) OVER () AS total, ${rank} AS score,
      ${sql.join(
        e.columns.map((c) => sql`p.${ident(c)}`),
        sql`, `,
      )}
    FROM ${ident(e.index)} s
    JOIN ${ident(e.table)} p ON p.tenant_id = s.tenant_id AND p.id = s.${ident(e.idColumn)}
    WHERE ${sql.join(where, sql` AND `)}
    ORDER BY position LIMIT ${query.limit}`;
}

/** The lookups' candidates as one JSON array (one row carries them whatever the query finds). */
const lookupsJson = (lookups: SQL | null) =>
  lookups
    ? sql`(SELECT coalesce(json_agg(json_build_object('i', i, 'term', term, 'docs', docs)), '[]'::json) FROM lookups)`
    : sql`'[]'::json`;

/**
 * One round trip: the vocabulary lookups (when given) and the page of the query as given: every word
 * (`all`), or, for several words when no record has them all, any word. Rows: `_lookups` on each, then
 * `position` (NULL in the single row of an empty page), `total`, `score` and the record's columns.
 */
export function searchSql(
  e: PgEntity,
  tenantId: string,
  query: SearchQuery,
  groups: TermGroup[],
  lookups: SQL | null,
): SQL {
  const ctes = [
    ...(lookups ? [sql`lookups AS (${lookups})`] : []),
    sql`all_page AS MATERIALIZED (${pageSql(e, tenantId, query, tsqueryText(groups, 'all'))})`,
  ];
  const fallback = groups.length > 1;
  if (fallback) {
    const any = pageSql(e, tenantId, query, tsqueryText(groups, 'any'), [sql`NOT EXISTS (SELECT 1 FROM all_page)`]);
    ctes.push(sql`any_page AS (${any})`);
  }
  return sql`WITH ${sql.join(ctes, sql`, `)}
    SELECT ${lookupsJson(lookups)} AS _lookups, page.*
    FROM (VALUES (1)) AS one (x)
    LEFT JOIN (SELECT * FROM all_page${fallback ? sql` UNION ALL SELECT * FROM any_page` : sql``}) AS page ON true
    ORDER BY page.position`;
}

/**
 * Suggestions of each type (best `limit` each, matching in names and SKUs/companies only) and the
 * vocabulary lookups, in one round trip. Rows: `_lookups`, then `type`, `position`, `id`, `name`,
 * `detail` and `score` (NULL in the single row when nothing matches).
 */
export function suggestSql(
  sources: PgEntity[],
  tenantId: string,
  groups: TermGroup[],
  limit: number,
  lookups: SQL | null,
): SQL {
  const q = sql`${tsqueryText(groups, 'all', SUGGEST_FIELDS)}::tsquery`;
  const pages = sources.map((e) => {
    const rank = sql`ts_rank(${sql.raw(`'${e.suggestWeights}'`)}::float4[], s.document, ${q})`;
    return sql`(SELECT ${sql.raw(`'${e.type}'`)}::text AS type, row_number() OVER (ORDER BY ${rank} DESC, s.doc_id) AS position,
        p.id, p.name, p.${ident(e.suggestDetail)} AS detail, ${rank} AS score
      FROM ${ident(e.index)} s
      JOIN ${ident(e.table)} p ON p.tenant_id = s.tenant_id AND p.id = s.${ident(e.idColumn)}
      WHERE s.tenant_id = ${tenantId} AND s.document @@ ${q} AND p.deleted_at IS NULL
      ORDER BY position LIMIT ${limit})`;
  });
  return sql`${lookups ? sql`WITH lookups AS (${lookups}) ` : sql``}
    SELECT ${lookupsJson(lookups)} AS _lookups, page.*
    FROM (VALUES (1)) AS one (x)
    LEFT JOIN (${sql.join(pages, sql` UNION ALL `)}) AS page ON true
    ORDER BY page.type, page.position`;
}

/** Rewrites the tenant's documents and vocabulary (migration 0002's `search_reindex`, one statement). */
export const reindexSql = (tenantId: string): SQL =>
  sql`SELECT indexed_products, indexed_customers FROM search_reindex(${tenantId})`;
