import type { TermGroup } from './query-terms';
import { normalize } from './text';

/**
 * `<mark>` highlighting for backends whose database does not highlight like FTS5 does (Postgres: its
 * `ts_headline` parses text itself, which keeps an email or a SKU as one token). Words are found in the
 * stored text as FTS5's unicode61 tokenizer finds them (runs of letters, digits and combining marks) and
 * compared after the same normalisation as queries, so a match is marked in the text as the user sees it:
 * `Bäckerei` for `backerei`, both halves of `HX-1234` for `hx-1234`.
 */

const MARK_OPEN = '<mark>';
const MARK_CLOSE = '</mark>';
const ELLIPSIS = '…';
/** Tokens in a snippet, as FTS5's `snippet(…, 12)`. */
export const SNIPPET_TOKENS = 12;

const TOKEN = /[\p{L}\p{N}\p{M}]+/gu;

interface Token {
  start: number;
  end: number;
  /** Index of the query word it matches, or -1. */
  group: number;
}

/** Which query word a normalised word matches: itself, one of its corrections, or (last word) a prefix. */
export function wordMatcher(groups: TermGroup[]): (word: string) => number {
  return (word) =>
    groups.findIndex((g) => word === g.word || g.corrections.includes(word) || (g.prefix && word.startsWith(g.word)));
}

function tokens(text: string, match: (word: string) => number): Token[] {
  const out: Token[] = [];
  for (const m of text.matchAll(TOKEN)) {
    // Decomposition can split a token (`½` is 1⁄2); it matches when one of its words does.
    const words = normalize(m[0])
      .split(/[^\p{L}\p{N}]+/u)
      .filter(Boolean);
    const group = words.map(match).find((g) => g >= 0) ?? -1;
    out.push({ start: m.index, end: m.index + m[0].length, group });
  }
  return out;
}

function render(text: string, list: Token[], from: number, to: number): string {
  let out = '';
  let at = from;
  for (const t of list) {
    if (t.group < 0 || t.start < from || t.end > to) continue;
    out += `${text.slice(at, t.start)}${MARK_OPEN}${text.slice(t.start, t.end)}${MARK_CLOSE}`;
    at = t.end;
  }
  return out + text.slice(at, to);
}

/** The whole text with its matches marked, or null when nothing in it matches. */
export function highlightText(text: string | null, match: (word: string) => number): string | null {
  if (!text) return null;
  const list = tokens(text, match);
  return list.some((t) => t.group >= 0) ? render(text, list, 0, text.length) : null;
}

/**
 * A window of `size` tokens around the matches, with an ellipsis where text was cut, or null when nothing
 * matches. The window holds as many different query words as possible, then as many matches, as near its
 * middle as it can (FTS5's snippet also prefers distinct phrases; its exact choice of window may differ).
 */
export function snippetText(
  text: string | null,
  match: (word: string) => number,
  size = SNIPPET_TOKENS,
): string | null {
  if (!text) return null;
  const list = tokens(text, match);
  if (!list.some((t) => t.group >= 0)) return null;
  if (list.length <= size) return render(text, list, 0, text.length);
  // Most different query words, then most matches, then the matches nearest the middle, then earliest.
  let best = { start: 0, score: -1, offCentre: Number.POSITIVE_INFINITY };
  for (let start = 0; start + size <= list.length; start++) {
    const hits = list
      .slice(start, start + size)
      .map((t, i) => ({ group: t.group, at: start + i }))
      .filter((t) => t.group >= 0);
    const score = new Set(hits.map((t) => t.group)).size * 1000 + hits.length;
    const first = hits[0]?.at ?? start;
    const last = hits.at(-1)?.at ?? start;
    const offCentre = Math.abs((first + last) / 2 - (start + (size - 1) / 2));
    if (score > best.score || (score === best.score && offCentre < best.offCentre)) {
      best = { start, score, offCentre };
    }
  }
  const first = list[best.start] as Token;
  const last = list[best.start + size - 1] as Token;
  const atStart = best.start === 0;
  const atEnd = best.start + size === list.length;
  const from = atStart ? 0 : first.start;
  const to = atEnd ? text.length : last.end;
  return `${atStart ? '' : ELLIPSIS}${render(text, list, from, to)}${atEnd ? '' : ELLIPSIS}`;
}
