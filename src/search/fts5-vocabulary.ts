import type { SearchEntity } from './fts5-sql';
import { asTyped, type TermGroup } from './query-terms';
import { type Candidate, candidateLengths, letterSignature, pickCorrections, typoBudget } from './text';

/** Rows examined per word; the letter and length prefilter leaves far fewer for real vocabularies. */
const CANDIDATES_PER_WORD = 200;

/** A row of `search_terms` as a lookup returns it (`len` and `sig` are columns SQLite computes). */
export interface VocabularyTerm extends Candidate {
  entity: SearchEntity;
  len: number;
  sig: number;
}

export interface VocabularyLookup {
  statements: D1PreparedStatement[];
  /** Turns the statements' results (same order) into the words with their corrections. */
  apply(results: D1Result<VocabularyTerm>[]): TermGroup[];
  /**
   * What `apply` would decide if the statements ran against `terms` (a copy of the tenant's vocabulary,
   * held in memory): the same filter, order and limit as the SQL, then the same `apply`.
   */
  applyTo(terms: readonly VocabularyTerm[]): TermGroup[];
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
  const lookups = asTyped(words)
    .filter((g) => typoBudget(g.word) > 0)
    .map((g) => ({ group: g, filter: candidateFilter(g) }));
  const apply = (results: { results?: Candidate[] }[]) => {
    const corrected = new Map(
      lookups.map(({ group: g }, i) => [
        g.word,
        pickCorrections(g.word, results[i]?.results ?? [], { prefix: g.prefix })?.map((c) => c.term) ?? [],
      ]),
    );
    return asTyped(words).map((g) => ({ ...g, corrections: corrected.get(g.word) ?? [] }));
  };
  return {
    statements: lookups.map(({ filter }) => candidateStatement(d1, tenantId, entities, filter)),
    apply,
    applyTo: (terms) => apply(lookups.map(({ filter }) => ({ results: candidatesIn(terms, entities, filter) }))),
  };
}

/** Which vocabulary terms a lookup examines for one word; shared by the SQL and the in-memory paths. */
interface CandidateFilter {
  word: string;
  prefix: boolean;
  budget: number;
  length: number;
  minLength: number;
  maxLength: number;
  signature: number;
}

function candidateFilter(group: TermGroup): CandidateFilter {
  const lengths = candidateLengths(group.word, group.prefix);
  return {
    word: group.word,
    prefix: group.prefix,
    budget: typoBudget(group.word),
    length: [...group.word].length,
    minLength: lengths.min,
    maxLength: lengths.max,
    signature: letterSignature(group.word),
  };
}

const LETTERS = [...Array(26).keys()];

function candidateStatement(d1: D1Database, tenantId: string, entities: SearchEntity[], f: CandidateFilter) {
  // Letters of the word absent from the term: each edit explains at most one of them.
  const missing = LETTERS.filter((i) => f.signature & (1 << i))
    .map((i) => `((sig & ${1 << i}) = 0)`)
    .join(' + ');
  const entityList = entities.map((e) => `'${e}'`).join(', ');
  const asTypedMatch = `(term = ?5 OR (?6 AND substr(term, 1, ?7) = ?5))`;
  // A word found as typed needs no correction (pickCorrections stops at it), so one row is enough then.
  return d1
    .prepare(
      `SELECT entity, term, docs, len, sig FROM search_terms
       WHERE tenant_id = ?1 AND entity IN (${entityList}) AND len BETWEEN ?2 AND ?3 AND (${missing || '0'}) <= ?4
       ORDER BY ${asTypedMatch} DESC, docs DESC
       LIMIT CASE WHEN EXISTS (SELECT 1 FROM search_terms WHERE tenant_id = ?1 AND entity IN (${entityList})
                               AND term >= ?5 AND term < ?5 || char(1114111) AND (?6 OR term = ?5))
             THEN 1 ELSE ${CANDIDATES_PER_WORD} END`,
    )
    .bind(tenantId, f.minLength, f.maxLength, f.budget, f.word, f.prefix ? 1 : 0, f.length);
}

/**
 * `candidateStatement` over terms held in memory: the same filter, order and limit. (Where several terms
 * share the docs count at the limit, SQLite may keep others; the caller compares outcomes, not rows.)
 */
function candidatesIn(terms: readonly VocabularyTerm[], entities: SearchEntity[], f: CandidateFilter) {
  const passing: VocabularyTerm[] = [];
  for (const t of terms) {
    if (!entities.includes(t.entity)) continue;
    if (t.term === f.word || (f.prefix && t.term.startsWith(f.word))) return [t];
    if (t.len >= f.minLength && t.len <= f.maxLength && missingLetters(f.signature, t.sig) <= f.budget) {
      passing.push(t);
    }
  }
  return passing.sort((a, b) => b.docs - a.docs).slice(0, CANDIDATES_PER_WORD);
}

function missingLetters(wordSignature: number, termSignature: number): number {
  let bits = wordSignature & ~termSignature;
  let count = 0;
  while (bits) {
    bits &= bits - 1;
    count++;
  }
  return count;
}
