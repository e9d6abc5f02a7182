import type { VocabularyTerm } from './fts5-vocabulary';

/**
 * Copies of tenants' typo vocabularies (`search_terms`) kept in the isolate. The FTS5 backend uses one to
 * guess a query's corrections before D1 answers, so the corrected query can share a batch (one round trip)
 * with the vocabulary lookup that decides. The guess counts only when it equals that decision: a copy that
 * is stale, partial or missing costs a second round trip, never a different result.
 */

/** Terms copied per tenant, most frequent first; rarer ones come in as lookups meet them. */
export const MAX_TERMS_PER_TENANT = 20_000;
/**
 * Terms kept per isolate across tenants, about 20 MB of the isolate's 128 MB; the tenants searched least
 * recently are dropped first.
 */
const MAX_TERMS_PER_ISOLATE = 200_000;
/** A copy older than this is reloaded with the next search (terms that left the vocabulary go with it). */
export const VOCABULARY_TTL_MS = 5 * 60_000;

interface TenantVocabulary {
  loadedAt: number;
  /** Keyed by `entity:term`. */
  terms: Map<string, VocabularyTerm>;
  list: VocabularyTerm[] | null;
}

/** Per D1 binding, so two databases (tests, previews) never share a copy. */
const byDatabase = new WeakMap<D1Database, Map<string, TenantVocabulary>>();

const keyOf = (t: Pick<VocabularyTerm, 'entity' | 'term'>) => `${t.entity}:${t.term}`;

export interface VocabularyCopy {
  /** The copied terms (still given when expired, as the best guess until the reload), or null if none. */
  terms: readonly VocabularyTerm[] | null;
  /**
   * Set when there is no copy or it has expired: reads the tenant's vocabulary; the caller puts it in its
   * batch and hands the result to `store`.
   */
  loadStatement: D1PreparedStatement | null;
  store(result: D1Result<VocabularyTerm>): void;
  /** Folds in what a lookup returned: those terms as they are now in D1. */
  learn(results: readonly D1Result<VocabularyTerm>[]): void;
}

export function vocabularyCopy(d1: D1Database, tenantId: string, now = Date.now()): VocabularyCopy {
  let tenants = byDatabase.get(d1);
  if (!tenants) {
    tenants = new Map();
    byDatabase.set(d1, tenants);
  }
  const cache = tenants;
  const current = cache.get(tenantId);
  const fresh = current !== undefined && now - current.loadedAt < VOCABULARY_TTL_MS;
  if (current) {
    current.list ??= [...current.terms.values()];
    // Map order is recency order: the tenant searched last is dropped last.
    cache.delete(tenantId);
    cache.set(tenantId, current);
  }
  return {
    terms: current?.list ?? null,
    loadStatement: fresh
      ? null
      : d1
          .prepare(
            'SELECT entity, term, docs, len, sig FROM search_terms WHERE tenant_id = ?1 ORDER BY docs DESC LIMIT ?2',
          )
          .bind(tenantId, MAX_TERMS_PER_TENANT),
    store(result) {
      cache.delete(tenantId);
      cache.set(tenantId, {
        loadedAt: now,
        terms: new Map(result.results.map((t) => [keyOf(t), t])),
        list: null,
      });
      let total = 0;
      for (const copy of cache.values()) total += copy.terms.size;
      for (const [oldest, copy] of cache) {
        if (total <= MAX_TERMS_PER_ISOLATE || oldest === tenantId) break;
        cache.delete(oldest);
        total -= copy.terms.size;
      }
    },
    learn(results) {
      const copy = cache.get(tenantId);
      if (!copy) return;
      for (const result of results) for (const t of result.results) copy.terms.set(keyOf(t), t);
      copy.list = null;
    },
  };
}
