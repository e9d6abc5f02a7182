import { createDb } from '../db/client';
import { matchExpression } from './fts5-query';
import {
  backfillStatements,
  CUSTOMER_SQL,
  type EntitySql,
  FIRST_TEXT_COLUMN,
  PRODUCT_SQL,
  type SearchEntity,
  tenantKey,
} from './fts5-sql';
import { type VocabularyTerm, vocabularyLookup } from './fts5-vocabulary';
import { customersNear } from './near';
import { asTyped, correctionsOf, type MatchMode, sameCorrections, type TermGroup } from './query-terms';
import { CUSTOMER_COLUMNS, customerFromRow, PRODUCT_COLUMNS, productFromRow, type Row, selectColumns } from './records';
import type {
  NearQuery,
  NearResult,
  ReindexReport,
  SearchHit,
  SearchPort,
  SearchQuery,
  SearchResult,
  SearchSort,
  Suggestion,
  SuggestQuery,
} from './search-port';
import { tokenize } from './text';
import { vocabularyCopy } from './vocabulary-memory';

const MARK = `'<mark>', '</mark>'`;
const SNIPPET_TOKENS = 12;

/** How a text column shows up in `highlights`: whole value, or a snippet for long text. */
const SNIPPET_COLUMNS = new Set(['description']);

/**
 * SQLite FTS5 in D1. The index is maintained by triggers in the same transaction as each write
 * (migration 0002), so a search always sees committed data. Queries run in two phases inside one
 * statement: rank the matches (scoped by the tenant's key inside MATCH), keep the top `limit`, and only
 * for those read the stored columns, check `tenant_id` exactly and build highlights.
 */
export class Fts5Backend implements SearchPort {
  readonly backend = 'fts5' as const;
  readonly feed = undefined;

  constructor(private readonly d1: D1Database) {}

  async search(tenantId: string, query: SearchQuery): Promise<SearchResult> {
    const e = query.type === 'products' ? PRODUCT_SQL : CUSTOMER_SQL;
    const words = tokenize(query.q);
    if (words.length === 0) return { type: query.type, hits: [], total: 0, corrections: {} } as SearchResult;
    const { groups, results } = await this.withCorrections(tenantId, [e.entity], words, (g) => [
      this.rankStatement(tenantId, e, query, g, 'all'),
    ]);
    let page = rankResult(results[0]);
    if (page.total === 0 && groups.length > 1) {
      page = rankResult(await this.rankStatement(tenantId, e, query, groups, 'any').all<Row>());
    }
    const corrections = correctionsOf(groups);
    const toEntity = query.type === 'products' ? productFromRow : customerFromRow;
    const hits = page.rows.map((r) => ({
      id: r.id as string,
      score: Number(r._score),
      highlights: highlightsOf(r, e),
      entity: toEntity(r),
    }));
    return { type: query.type, hits, total: page.total, corrections } as SearchResult;
  }

  /**
   * Typo lookups and the query share one D1 batch (one round trip). The query carries the corrections
   * the isolate's copy of the vocabulary predicts (none without a copy); the lookups in the same batch
   * decide, and only when they decide otherwise does a second round trip run the corrected query.
   */
  private async withCorrections(
    tenantId: string,
    entities: SearchEntity[],
    words: string[],
    queries: (groups: TermGroup[]) => D1PreparedStatement[],
  ) {
    const lookup = vocabularyLookup(this.d1, tenantId, entities, words);
    const copy = lookup.statements.length > 0 ? vocabularyCopy(this.d1, tenantId) : null;
    const guess = copy?.terms ? lookup.applyTo(copy.terms) : asTyped(words);
    const load = copy?.loadStatement ? [copy.loadStatement] : [];
    const batch = await this.d1.batch<Row>([...load, ...lookup.statements, ...queries(guess)]);
    if (copy && load.length > 0) copy.store(batch[0] as unknown as D1Result<VocabularyTerm>);
    const lookups = batch.slice(
      load.length,
      load.length + lookup.statements.length,
    ) as unknown as D1Result<VocabularyTerm>[];
    const groups = lookup.apply(lookups);
    const results = batch.slice(load.length + lookup.statements.length);
    if (sameCorrections(groups, guess)) return { groups, results };
    copy?.learn(lookups);
    return { groups, results: await this.d1.batch<Row>(queries(groups)) };
  }

  private rankStatement(tenantId: string, e: EntitySql, query: SearchQuery, groups: TermGroup[], mode: MatchMode) {
    const match = matchExpression(tenantId, e.textColumns, groups, mode);
    const params: unknown[] = [match, tenantId, query.limit];
    const filters = filterSql(e, query, params);
    const joined = filters.length > 0 || query.sort !== 'relevance';
    const join = `CROSS JOIN ${e.table} p ON p.tenant_id = f.tenant_id AND p.id = f.${e.idColumn}`;
    const where = [`${e.fts} MATCH ?1`, ...(joined ? ['p.tenant_id = ?2', 'p.deleted_at IS NULL'] : []), ...filters];
    const top = `SELECT f.rowid AS rid, -bm25(${e.fts}, ${bm25Weights(e.weights)}) AS score${joined ? ', p.name AS sort_name, p.id AS sort_id' : ''}${joined && e === PRODUCT_SQL ? ', p.price_minor AS sort_price' : ''}
      FROM ${e.fts} f ${joined ? join : ''} WHERE ${where.join(' AND ')} ORDER BY ${orderBy(query.sort, 'p', 'f.rowid')} LIMIT ?3`;
    const count =
      filters.length > 0
        ? `SELECT count(*) FROM ${e.fts} f ${join} WHERE ${where.join(' AND ')}`
        : `SELECT count(*) FROM ${e.fts} WHERE ${e.fts} MATCH ?1`;
    const columns = e === PRODUCT_SQL ? PRODUCT_COLUMNS : CUSTOMER_COLUMNS;
    const sql = `WITH top AS MATERIALIZED (${top})
      SELECT top.score AS _score, (${count}) AS _total, ${selectColumns('p', columns)}, ${highlightSql(e)}
      FROM top CROSS JOIN ${e.fts} f ON f.rowid = top.rid ${join}
      WHERE ${e.fts} MATCH ?1 AND f.tenant_id = ?2 AND p.tenant_id = ?2 AND p.deleted_at IS NULL
      ORDER BY ${orderBy(query.sort, 'top', 'top.rid')}`;
    return this.d1.prepare(sql).bind(...params);
  }

  async suggest(tenantId: string, query: SuggestQuery): Promise<Suggestion[]> {
    const words = tokenize(query.q);
    if (words.length === 0 || query.types.length === 0) return [];
    const sources = query.types.map((t) => (t === 'products' ? SUGGEST_PRODUCTS : SUGGEST_CUSTOMERS));
    const statements = (groups: TermGroup[]) =>
      sources.map((s) => {
        const top = `SELECT f.rowid AS rid, -bm25(${s.e.fts}, ${bm25Weights(s.weights)}) AS score FROM ${s.e.fts} f
          WHERE ${s.e.fts} MATCH ?1 ORDER BY score DESC, f.rowid LIMIT ?3`;
        return this.d1
          .prepare(
            `WITH top AS MATERIALIZED (${top})
             SELECT f.${s.e.idColumn} AS id, top.score AS score, f.name AS name, f.${s.detail} AS detail,
                    highlight(${s.e.fts}, ${FIRST_TEXT_COLUMN}, ${MARK}) AS highlight
             FROM top CROSS JOIN ${s.e.fts} f ON f.rowid = top.rid
             WHERE ${s.e.fts} MATCH ?1 AND f.tenant_id = ?2 ORDER BY top.score DESC, top.rid`,
          )
          .bind(matchExpression(tenantId, s.columns, groups, 'all'), tenantId, query.limit);
      });
    const { results } = await this.withCorrections(
      tenantId,
      sources.map((s) => s.e.entity),
      words,
      statements,
    );
    const suggestions = sources.flatMap((s, i) =>
      (results[i]?.results ?? []).map((r) => ({
        type: s.e.entity,
        id: r.id as string,
        text: r.detail ? `${r.name} (${r.detail})` : (r.name as string),
        highlight: r.highlight as string,
        score: Number(r.score),
      })),
    );
    return suggestions.sort((a, b) => b.score - a.score).slice(0, query.limit);
  }

  near(tenantId: string, query: NearQuery): Promise<NearResult> {
    return customersNear(createDb(this.d1), tenantId, query);
  }

  /** Drops the tenant's index and vocabulary and rebuilds both from the tables, in one transaction. */
  async reindex(tenantId: string): Promise<ReindexReport> {
    const statements: D1PreparedStatement[] = [];
    for (const e of [PRODUCT_SQL, CUSTOMER_SQL]) {
      const key = `tenant_key : "${tenantKey(tenantId)}"`;
      statements.push(
        this.d1
          .prepare(
            `DELETE FROM ${e.fts} WHERE rowid IN (SELECT rowid FROM ${e.fts} WHERE ${e.fts} MATCH ?2 AND tenant_id = ?1)`,
          )
          .bind(tenantId, key),
        this.d1
          .prepare(
            `DELETE FROM ${e.fts} WHERE rowid IN (SELECT doc_id FROM search_docs WHERE tenant_id = ?1 AND entity = ?2)`,
          )
          .bind(tenantId, e.entity),
        this.d1.prepare('DELETE FROM search_docs WHERE tenant_id = ?1 AND entity = ?2').bind(tenantId, e.entity),
        this.d1.prepare('DELETE FROM search_terms WHERE tenant_id = ?1 AND entity = ?2').bind(tenantId, e.entity),
        ...backfillStatements(e, '?1').map((s) => this.d1.prepare(s).bind(tenantId)),
      );
    }
    statements.push(
      this.d1
        .prepare(
          `SELECT sum(entity = 'product') AS products, sum(entity = 'customer') AS customers FROM search_docs WHERE tenant_id = ?1`,
        )
        .bind(tenantId),
    );
    const results = await this.d1.batch<{ products: number | null; customers: number | null }>(statements);
    const counts = results.at(-1)?.results[0];
    return { products: Number(counts?.products ?? 0), customers: Number(counts?.customers ?? 0) };
  }
}

const SUGGEST_PRODUCTS = { e: PRODUCT_SQL, columns: ['name', 'sku'], weights: [10, 5, 0, 0], detail: 'sku' };
const SUGGEST_CUSTOMERS = {
  e: CUSTOMER_SQL,
  columns: ['name', 'company'],
  weights: [10, 6, 0, 0, 0],
  detail: 'company',
};

const rankResult = (result: D1Result<Row> | undefined) => {
  const rows = result?.results ?? [];
  return { rows, total: Number(rows[0]?._total ?? 0) };
};

const bm25Weights = (weights: readonly number[]) => [0, 0, 0, ...weights].join(', ');

function filterSql(e: EntitySql, query: SearchQuery, params: unknown[]): string[] {
  const conditions: string[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    conditions.push(sql.replace('?', `?${params.length}`));
  };
  const f = query.filters;
  if (e === PRODUCT_SQL) {
    if (f.category !== undefined) add('p.category = ?', f.category);
    if (f.minPrice !== undefined) add('p.price_minor >= ?', f.minPrice);
    if (f.maxPrice !== undefined) add('p.price_minor <= ?', f.maxPrice);
    if (f.active !== undefined) add('p.active = ?', f.active ? 1 : 0);
  } else if (f.territoryId !== undefined) {
    add('p.territory_id = ?', f.territoryId);
  }
  return conditions;
}

/** `alias` is `p` inside the ranking subquery (real columns) or `top` outside (the carried sort keys). */
function orderBy(sort: SearchSort, alias: 'p' | 'top', tieBreak: string): string {
  const col = (name: string, price: string) => (alias === 'p' ? `p.${price}` : `top.${name}`);
  switch (sort) {
    case 'relevance':
      return `${alias === 'p' ? 'score' : 'top.score'} DESC, ${tieBreak}`;
    case 'name':
    case '-name': {
      const dir = sort === 'name' ? 'ASC' : 'DESC';
      return `${col('sort_name', 'name')} COLLATE NOCASE ${dir}, ${col('sort_id', 'id')} ${dir}`;
    }
    case 'price':
    case '-price': {
      const dir = sort === 'price' ? 'ASC' : 'DESC';
      return `${col('sort_price', 'price_minor')} ${dir}, ${col('sort_id', 'id')} ${dir}`;
    }
  }
}

function highlightSql(e: EntitySql): string {
  return e.textColumns
    .map((c, i) =>
      SNIPPET_COLUMNS.has(c)
        ? `snippet(${e.fts}, ${FIRST_TEXT_COLUMN + i}, ${MARK}, '…', ${SNIPPET_TOKENS}) AS _h_${c}`
        : `highlight(${e.fts}, ${FIRST_TEXT_COLUMN + i}, ${MARK}) AS _h_${c}`,
    )
    .join(', ');
}

function highlightsOf(row: Row, e: EntitySql): SearchHit<unknown>['highlights'] {
  const out: Record<string, string> = {};
  for (const c of e.textColumns) {
    const value = row[`_h_${c}`];
    if (typeof value === 'string' && value.includes('<mark>')) out[snakeToCamel(c)] = value;
  }
  return out;
}

const snakeToCamel = (s: string) => s.replace(/_([a-z])/g, (_, ch: string) => ch.toUpperCase());
