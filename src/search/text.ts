/**
 * Query text handling shared by the search backends: normalisation, tokenisation, and the typo rules
 * (which words may be corrected, and by how much). Pure functions, unit-tested in test/unit.
 */

/** At most this many words of a query are used; the rest is ignored (a search box, not a document). */
export const MAX_QUERY_TOKENS = 8;
const MAX_TOKEN_LENGTH = 40;

/** Typo budget by word length, as in Meilisearch's `minWordSizeForTypos` (set to the same values there). */
export const MIN_WORD_SIZE_FOR_ONE_TYPO = 4;
export const MIN_WORD_SIZE_FOR_TWO_TYPOS = 8;

/** Lower case without diacritics, matching what FTS5's `unicode61 remove_diacritics 2` indexes. */
export function normalize(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
}

/** The words of a query: letters and digits only, so they are always safe inside an FTS5 string. */
export function tokenize(text: string): string[] {
  return normalize(text)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((t) => t.length > 0)
    .map((t) => t.slice(0, MAX_TOKEN_LENGTH))
    .slice(0, MAX_QUERY_TOKENS);
}

/** Typos tolerated in `word`: none for short words and for anything with a digit (codes, SKUs, numbers). */
export function typoBudget(word: string): 0 | 1 | 2 {
  if (/\p{N}/u.test(word)) return 0;
  const length = [...word].length;
  if (length >= MIN_WORD_SIZE_FOR_TWO_TYPOS) return 2;
  if (length >= MIN_WORD_SIZE_FOR_ONE_TYPO) return 1;
  return 0;
}

/** Longest term a word being typed is compared with: any term it may be the start of. */
const MAX_TERM_LENGTH = 1_000;

/**
 * Lengths a vocabulary term can have and still be within `word`'s typo budget: each edit changes the length
 * by at most one; a word still being typed (`prefix`) may be the start of a term of any length.
 */
export function candidateLengths(word: string, prefix: boolean): { min: number; max: number } {
  const budget = typoBudget(word);
  const length = [...word].length;
  return { min: length - budget, max: prefix ? MAX_TERM_LENGTH : length + budget };
}

/**
 * Damerau-Levenshtein distance (optimal string alignment: insertions, deletions, substitutions and
 * transpositions of adjacent letters each cost 1), on code points. Stops early once every alignment
 * exceeds `max`, returning `max + 1`.
 */
export function damerauLevenshtein(a: string, b: string, max = Number.POSITIVE_INFINITY): number {
  const s = [...a];
  const t = [...b];
  if (Math.abs(s.length - t.length) > max) return max + 1;
  if (s.length === 0) return t.length;
  if (t.length === 0) return s.length;
  let prevPrev: number[] = [];
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const row = [i];
    let rowMin = i;
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let d = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) {
        d = Math.min(d, (prevPrev[j - 2] as number) + 1);
      }
      row.push(d);
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > max) return max + 1;
    prevPrev = prev;
    prev = row;
  }
  return prev[t.length] as number;
}

/**
 * Distance from a word being typed to the start of `term`: the best match of `typed` against any prefix
 * of `term` whose length is within `max` of it (`hydarul` is 1 away from `hydraulic` via `hydraul`).
 */
export function prefixDistance(typed: string, term: string, max: number): number {
  const chars = [...term];
  const length = [...typed].length;
  let best = max + 1;
  for (let l = Math.max(1, length - max); l <= Math.min(chars.length, length + max); l++) {
    best = Math.min(best, damerauLevenshtein(typed, chars.slice(0, l).join(''), max));
    if (best === 0) break;
  }
  return best;
}

/** Bit i set when the i-th letter a..z occurs; the same value SQLite stores in `search_terms.sig`. */
export function letterSignature(word: string): number {
  let sig = 0;
  for (const ch of word) {
    const i = ch.charCodeAt(0) - 97;
    if (i >= 0 && i < 26) sig |= 1 << i;
  }
  return sig;
}

export interface Candidate {
  term: string;
  /** Live records of the tenant containing the term. */
  docs: number;
}

export interface Correction {
  term: string;
  distance: number;
}

/**
 * The vocabulary terms `word` may have been meant as, within its typo budget, or `null` when the word
 * itself is in the vocabulary (nothing to correct). Whole-word matches come first; only when there is none
 * does the word still being typed (`prefix`) match the start of a term with a typo (`hydarul` → hydraulic).
 * Only the best tier is kept (closest, whole before prefix), most frequent first, so `blot` becomes bolt
 * and not also every term that merely starts like `blo…`.
 */
export function pickCorrections(
  word: string,
  candidates: Candidate[],
  options: { prefix: boolean; max?: number },
): Correction[] | null {
  const budget = typoBudget(word);
  // cost: the edit distance, + 0.5 when only the start of the term matches.
  const found = new Map<string, { cost: number; docs: number }>();
  for (const c of candidates) {
    for (const term of tokenize(c.term)) {
      if (term === word || (options.prefix && term.startsWith(word))) return null;
      if (budget === 0) continue;
      const whole = damerauLevenshtein(word, term, budget);
      const start = options.prefix && whole > budget ? prefixDistance(word, term, budget) : budget + 1;
      const cost = whole <= budget ? whole : start <= budget ? start + 0.5 : null;
      if (cost === null) continue;
      const seen = found.get(term);
      if (!seen || cost < seen.cost) found.set(term, { cost, docs: Math.max(c.docs, seen?.docs ?? 0) });
    }
  }
  const best = Math.min(...[...found.values()].map((v) => v.cost));
  return [...found.entries()]
    .filter(([, v]) => v.cost === best)
    .sort((a, b) => b[1].docs - a[1].docs || a[0].localeCompare(b[0]))
    .slice(0, options.max ?? 3)
    .map(([term, v]) => ({ term, distance: Math.floor(v.cost) }));
}
