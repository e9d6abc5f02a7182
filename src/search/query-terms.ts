/**
 * A query as every built-in backend searches it: its words, each with the typo corrections searched as
 * well. FTS5 turns them into a MATCH expression (fts5-query.ts), Postgres into a tsquery (pg-sql.ts), and
 * highlighting marks what they match (highlight.ts).
 */

/** One word of the query: what was typed, whether it is still being typed, and the typo corrections. */
export interface TermGroup {
  word: string;
  /** The last word of a search-as-you-type query also matches as a prefix (`bol` → bolt). */
  prefix: boolean;
  corrections: string[];
}

/**
 * `all`: every word must match (the default); `any`: at least one must, used as a fallback when `all`
 * finds nothing for a multi-word query, so a superfluous word does not empty the result.
 */
export type MatchMode = 'all' | 'any';

/** The words as typed: the last one also matches as a prefix (search-as-you-type), nothing corrected. */
export const asTyped = (words: string[]): TermGroup[] =>
  words.map((word, i) => ({ word, prefix: i === words.length - 1, corrections: [] }));

/** Whether two readings of a query search the same corrections. */
export const sameCorrections = (a: TermGroup[], b: TermGroup[]) =>
  a.length === b.length && a.every((g, i) => g.corrections.join(' ') === b[i]?.corrections.join(' '));

/** The response's `corrections`: each corrected word with the terms searched as well. */
export const correctionsOf = (groups: TermGroup[]): Record<string, string[]> =>
  Object.fromEntries(groups.filter((g) => g.corrections.length).map((g) => [g.word, g.corrections]));
