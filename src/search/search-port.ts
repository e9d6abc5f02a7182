import type { customers, products } from '../db/tables';

/**
 * What the application needs from a search engine. Three implementations: SQLite FTS5 inside D1 and
 * tsvector/pg_trgm inside Postgres (the built-in index of each database, kept fresh by triggers), and
 * Meilisearch (when configured, fed from the event log). Every method takes
 * the tenant explicitly and must never return another tenant's records; permission checks happen in
 * services/search.service.ts before a port is called.
 */

export type ProductRecord = typeof products.$inferSelect;
export type CustomerRecord = typeof customers.$inferSelect;

export type SearchType = 'products' | 'customers';
export type SearchSort = 'relevance' | 'name' | '-name' | 'price' | '-price';

export interface SearchFilters {
  category?: string | undefined;
  minPrice?: number | undefined;
  maxPrice?: number | undefined;
  active?: boolean | undefined;
  territoryId?: string | undefined;
}

export interface SearchQuery {
  type: SearchType;
  q: string;
  limit: number;
  sort: SearchSort;
  filters: SearchFilters;
}

export interface SearchHit<T> {
  id: string;
  /**
   * Higher is better. FTS5: negated BM25; Postgres: ts_rank; Meilisearch: `_rankingScore` (0..1). Not
   * comparable across backends.
   */
  score: number;
  /** Matched fields with the matches wrapped in `<mark>…</mark>` (text is not HTML-escaped). */
  highlights: Record<string, string>;
  entity: T;
}

export type SearchResult =
  | { type: 'products'; hits: SearchHit<ProductRecord>[]; total: number; corrections: Record<string, string[]> }
  | { type: 'customers'; hits: SearchHit<CustomerRecord>[]; total: number; corrections: Record<string, string[]> };

export interface SuggestQuery {
  q: string;
  limit: number;
  types: SearchType[];
}

export interface Suggestion {
  type: 'product' | 'customer';
  id: string;
  /** What to show: the product name (sku) or the customer name (company). */
  text: string;
  highlight: string;
  score: number;
}

export interface NearQuery {
  lat: number;
  lng: number;
  radiusM: number;
  limit: number;
}

export interface NearResult {
  hits: { id: string; distanceM: number; entity: CustomerRecord }[];
  total: number;
}

/** Current state of changed records: live rows to (re)index, ids of deleted ones to drop. */
export interface SyncBatch {
  products: { upsert: ProductRecord[]; remove: string[] };
  customers: { upsert: CustomerRecord[]; remove: string[] };
}

/** Implemented by indexes that live outside the database and must be fed from the event log. */
export interface SearchFeed {
  sync(tenantId: string, batch: SyncBatch): Promise<void>;
}

export interface ReindexReport {
  products: number;
  customers: number;
}

export const SEARCH_BACKENDS = ['fts5', 'postgres', 'meilisearch'] as const;
export type SearchBackendName = (typeof SEARCH_BACKENDS)[number];

export interface SearchPort {
  readonly backend: SearchBackendName;
  /** Absent when the database keeps the index fresh by itself (FTS5 and Postgres triggers). */
  readonly feed: SearchFeed | undefined;
  search(tenantId: string, query: SearchQuery): Promise<SearchResult>;
  suggest(tenantId: string, query: SuggestQuery): Promise<Suggestion[]>;
  near(tenantId: string, query: NearQuery): Promise<NearResult>;
  /** Rebuilds the tenant's index from the tables. */
  reindex(tenantId: string): Promise<ReindexReport>;
}
