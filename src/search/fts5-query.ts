import { tenantKey } from './fts5-sql';
import type { MatchMode, TermGroup } from './query-terms';

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
