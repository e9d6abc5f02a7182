import type { TermGroup } from './fts5-query';
import type { SearchEntity } from './fts5-sql';
import { type Candidate, letterSignature, pickCorrections, typoBudget } from './text';

/** Rows examined per word; the letter and length prefilter leaves far fewer for real vocabularies. */
const CANDIDATES_PER_WORD = 200;

/** The words as typed: the last one also matches as a prefix (search-as-you-type), nothing corrected. */
export const asTyped = (words: string[]): TermGroup[] =>
  words.map((word, i) => ({ word, prefix: i === words.length - 1, corrections: [] }));

export interface VocabularyLookup {
  statements: D1PreparedStatement[];
  /** Turns the statements' results (same order) into the words with their corrections. */
  apply(results: D1Result<Candidate>[]): TermGroup[];
}

/**
 * The typo-tolerance step of the FTS5 backend. For each word that may carry typos, one indexed range scan
 * over the tenant's vocabulary (`search_terms`, kept by triggers) keeps terms of a compatible length that
 * contain all but at most `budget` of the word's letters (a necessary condition for being within `budget`
 * edits); the exact Damerau-Levenshtein check then runs here. The statements are returned rather than run
 * so the caller can put them in the same D1 batch as its query.
 */
export function vocabularyLookup(
  d1: D1Database,
  tenantId: string,
  entities: SearchEntity[],
  words: string[],
): VocabularyLookup {
  const lookups = asTyped(words).filter((g) => typoBudget(g.word) > 0);
  return {
    statements: lookups.map((g) => candidateStatement(d1, tenantId, entities, g)),
    apply(results) {
      const corrected = new Map(
        lookups.map((g, i) => [
          g.word,
          pickCorrections(g.word, results[i]?.results ?? [], { prefix: g.prefix })?.map((c) => c.term) ?? [],
        ]),
      );
      return asTyped(words).map((g) => ({ ...g, corrections: corrected.get(g.word) ?? [] }));
    },
  };
}

function candidateStatement(d1: D1Database, tenantId: string, entities: SearchEntity[], group: TermGroup) {
  const budget = typoBudget(group.word);
  const length = [...group.word].length;
  const signature = letterSignature(group.word);
  // Letters of the word absent from the term: each edit explains at most one of them.
  const missing = [...Array(26).keys()]
    .filter((i) => signature & (1 << i))
    .map((i) => `((sig & ${1 << i}) = 0)`)
    .join(' + ');
  const maxLength = group.prefix ? 1_000 : length + budget;
  const entityList = entities.map((e) => `'${e}'`).join(', ');
  const asTypedMatch = `(term = ?5 OR (?6 AND substr(term, 1, ?7) = ?5))`;
  // A word found as typed needs no correction (pickCorrections stops at it), so one row is enough then.
  return d1
    .prepare(
      `SELECT term, docs FROM search_terms
       WHERE tenant_id = ?1 AND entity IN (${entityList}) AND len BETWEEN ?2 AND ?3 AND (${missing || '0'}) <= ?4
       ORDER BY ${asTypedMatch} DESC, docs DESC
       LIMIT CASE WHEN EXISTS (SELECT 1 FROM search_terms WHERE tenant_id = ?1 AND entity IN (${entityList})
                               AND term >= ?5 AND term < ?5 || char(1114111) AND (?6 OR term = ?5))
             THEN 1 ELSE ${CANDIDATES_PER_WORD} END`,
    )
    .bind(tenantId, length - budget, maxLength, budget, group.word, group.prefix ? 1 : 0, length);
}
