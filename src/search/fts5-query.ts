import { tenantKey } from './fts5-sql';

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

const phrase = (word: string) => `"${word.replaceAll('"', '""')}"`;

function groupExpression(group: TermGroup): string {
  const alternatives = [`${phrase(group.word)}${group.prefix ? '*' : ''}`, ...group.corrections.map(phrase)];
  return alternatives.length === 1 ? (alternatives[0] as string) : `(${alternatives.join(' OR ')})`;
}

/**
 * The FTS5 MATCH expression: the tenant's key AND the words, restricted to `columns`. Words are letters
 * and digits only (see `tokenize`) and are quoted, so user input can never be read as FTS5 syntax.
 */
export function matchExpression(tenantId: string, columns: readonly string[], groups: TermGroup[], mode: MatchMode) {
  if (groups.length === 0) throw new Error('matchExpression needs at least one word');
  const words = groups.map(groupExpression).join(mode === 'all' ? ' AND ' : ' OR ');
  return `tenant_key : ${phrase(tenantKey(tenantId))} AND {${columns.join(' ')}} : (${words})`;
}
