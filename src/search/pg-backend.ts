import type { SQL } from 'drizzle-orm';
import type { PgDatabase } from 'drizzle-orm/pg-core';
import type { Db } from '../db/client';
import { isoFromPg } from '../db/pg/schema/columns';
import { highlightText, snippetText, wordMatcher } from './highlight';
import { customersNear } from './near';
import { lookupSql, PG_ENTITIES, type PgEntity, reindexSql, searchSql, suggestSql, type WordLookup } from './pg-sql';
import { asTyped, correctionsOf, sameCorrections, type TermGroup } from './query-terms';
import { customerFromRow, productFromRow, type Row } from './records';
import type {
  NearQuery,
  NearResult,
  ReindexReport,
  SearchPort,
  SearchQuery,
  SearchResult,
  Suggestion,
  SuggestQuery,
} from './search-port';
import { type Candidate, candidateLengths, pickCorrections, tokenize, typoBudget } from './text';

/**
 * Search on Postgres: a tsvector document per product and customer in a GIN index that holds the tenant as
 * well, and a per-tenant vocabulary for typo correction, both kept by triggers in the write's own
 * transaction (migrations-pg/0002_search.sql), so a search sees every committed write. The typo rules are
 * FTS5's (src/search/text.ts): pg_trgm picks which vocabulary terms to examine, the shared
 * Damerau-Levenshtein rules decide. A query costs one round trip (lookups and the query as typed go
 * together), two when a word is corrected. SQL: src/search/pg-sql.ts.
 */
export class PostgresBackend implements SearchPort {
  readonly backend = 'postgres' as const;
  readonly feed = undefined;

  constructor(private readonly db: Db) {}

  async search(tenantId: string, query: SearchQuery): Promise<SearchResult> {
    const e = PG_ENTITIES[query.type];
    const words = tokenize(query.q);
    if (words.length === 0) return { type: query.type, hits: [], total: 0, corrections: {} } as SearchResult;
    const { groups, rows } = await this.withCorrections(tenantId, [e.entity], words, (g, lookups) =>
      searchSql(e, tenantId, query, g, lookups),
    );
    const page = rows.filter((r) => r.position !== null);
    const match = wordMatcher(groups);
    const toEntity = query.type === 'products' ? productFromRow : customerFromRow;
    const hits = page.map((r) => ({
      id: r.id as string,
      score: Number(r.score),
      highlights: highlightsOf(e, r, match),
      entity: toEntity(withIsoTimestamps(r)),
    }));
    const total = Number(page[0]?.total ?? 0);
    return { type: query.type, hits, total, corrections: correctionsOf(groups) } as SearchResult;
  }

  async suggest(tenantId: string, query: SuggestQuery): Promise<Suggestion[]> {
    const words = tokenize(query.q);
    if (words.length === 0 || query.types.length === 0) return [];
    const sources = query.types.map((t) => PG_ENTITIES[t]);
    const { groups, rows } = await this.withCorrections(
      tenantId,
      sources.map((s) => s.entity),
      words,
      (g, lookups) => suggestSql(sources, tenantId, g, query.limit, lookups),
    );
    const match = wordMatcher(groups);
    // Each type best first, in the order asked for; then all by score (stable: ties keep that order).
    const suggestions = sources.flatMap((s) =>
      rows
        .filter((r) => r.type === s.type)
        .sort((a, b) => Number(a.position) - Number(b.position))
        .map((r) => ({
          type: s.entity,
          id: r.id as string,
          text: r.detail ? `${r.name} (${r.detail})` : (r.name as string),
          highlight: highlightText(r.name as string, match) ?? (r.name as string),
          score: Number(r.score),
        })),
    );
    return suggestions.sort((a, b) => b.score - a.score).slice(0, query.limit);
  }

  near(tenantId: string, query: NearQuery): Promise<NearResult> {
    return customersNear(this.db, tenantId, query);
  }

  async reindex(tenantId: string): Promise<ReindexReport> {
    const [counts] = await this.rows(reindexSql(tenantId));
    return { products: Number(counts?.indexed_products ?? 0), customers: Number(counts?.indexed_customers ?? 0) };
  }

  /**
   * Runs the query as typed together with the vocabulary lookups of its words; when the lookups correct a
   * word, runs it again with the corrections (searched in addition to the word, as on FTS5).
   */
  private async withCorrections(
    tenantId: string,
    entities: PgEntity['entity'][],
    words: string[],
    statement: (groups: TermGroup[], lookups: SQL | null) => SQL,
  ): Promise<{ groups: TermGroup[]; rows: Row[] }> {
    const typed = asTyped(words);
    const lookups: (WordLookup & { at: number })[] = typed.flatMap((g, at) => {
      if (typoBudget(g.word) === 0) return [];
      const lengths = candidateLengths(g.word, g.prefix);
      return [{ at, word: g.word, prefix: g.prefix, minLength: lengths.min, maxLength: lengths.max }];
    });
    const first = await this.rows(statement(typed, lookups.length > 0 ? lookupSql(tenantId, entities, lookups) : null));
    const candidates = (first[0]?._lookups ?? []) as (Candidate & { i: number })[];
    const groups = typed.map((g, at) => {
      const i = lookups.findIndex((l) => l.at === at) + 1;
      if (i === 0) return g;
      const found = pickCorrections(
        g.word,
        candidates.filter((c) => c.i === i),
        { prefix: g.prefix },
      );
      return { ...g, corrections: found?.map((c) => c.term) ?? [] };
    });
    if (sameCorrections(groups, typed)) return { groups, rows: first };
    return { groups, rows: await this.rows(statement(groups, null)) };
  }

  private async rows(query: SQL): Promise<Row[]> {
    const result = await (this.db as unknown as PgDatabase<never>).execute(query);
    return (result as unknown as { rows: Row[] }).rows;
  }
}

/** Raw rows carry Postgres' text form of timestamptz; records carry ISO-8601 UTC, as drizzle's columns. */
function withIsoTimestamps(r: Row): Row {
  const iso = (v: unknown) => (v === null || v === undefined ? null : isoFromPg(v as string | Date));
  return { ...r, created_at: iso(r.created_at), updated_at: iso(r.updated_at), deleted_at: iso(r.deleted_at) };
}

function highlightsOf(e: PgEntity, r: Row, match: (word: string) => number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { field, snippet } of e.highlights) {
    const text = (r[field] ?? null) as string | null;
    const marked = snippet ? snippetText(text, match) : highlightText(text, match);
    if (marked !== null) out[field] = marked;
  }
  return out;
}
