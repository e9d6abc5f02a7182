import { describe, expect, it } from 'vitest';
import type { VocabularyTerm } from '../../src/search/fts5-vocabulary';
import { letterSignature } from '../../src/search/text';
import { MAX_TERMS_PER_TENANT, VOCABULARY_TTL_MS, vocabularyCopy } from '../../src/search/vocabulary-memory';

/** Only the shape vocabularyCopy touches: a statement to hand back to the caller. */
const fakeD1 = () =>
  ({ prepare: (sql: string) => ({ bind: (...params: unknown[]) => ({ sql, params }) }) }) as unknown as D1Database;

const term = (word: string, docs = 1): VocabularyTerm => ({
  entity: 'customer',
  term: word,
  docs,
  len: word.length,
  sig: letterSignature(word),
});
const result = (terms: VocabularyTerm[]) => ({ results: terms }) as D1Result<VocabularyTerm>;
const words = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => term(`${prefix}${i}`));

describe('vocabularyCopy', () => {
  it('asks to be loaded, serves the stored terms, learns from lookups, and is reloaded once expired', () => {
    const d1 = fakeD1();
    const start = 1_000_000;
    const empty = vocabularyCopy(d1, 'tenant-a', start);
    expect(empty.terms).toBeNull();
    expect(empty.loadStatement).toMatchObject({ params: ['tenant-a', MAX_TERMS_PER_TENANT] });
    empty.store(result([term('muller', 3), term('schmidt', 2)]));

    const loaded = vocabularyCopy(d1, 'tenant-a', start + 1);
    expect(loaded.loadStatement).toBeNull();
    expect(loaded.terms?.map((t) => t.term)).toEqual(['muller', 'schmidt']);
    expect(vocabularyCopy(d1, 'tenant-b', start + 1).terms).toBeNull();
    expect(vocabularyCopy(fakeD1(), 'tenant-a', start + 1).terms).toBeNull();

    loaded.learn([result([term('schmidt', 5), term('kowalczyk')])]);
    expect(vocabularyCopy(d1, 'tenant-a', start + 2).terms).toEqual([
      term('muller', 3),
      term('schmidt', 5),
      term('kowalczyk'),
    ]);

    // Expired: reloaded with the next batch, and until then still the best guess there is.
    const expired = vocabularyCopy(d1, 'tenant-a', start + VOCABULARY_TTL_MS);
    expect(expired.terms).toHaveLength(3);
    expect(expired.loadStatement).not.toBeNull();
    expired.store(result([term('muller', 4)]));
    const reloaded = vocabularyCopy(d1, 'tenant-a', start + VOCABULARY_TTL_MS + 1);
    expect(reloaded.terms).toEqual([term('muller', 4)]);
    expect(reloaded.loadStatement).toBeNull();
  });

  it('drops the tenants searched least recently once the isolate holds too many terms', () => {
    const d1 = fakeD1();
    const now = 2_000_000;
    for (let i = 0; i < 10; i++) vocabularyCopy(d1, `t${i}`, now).store(result(words(MAX_TERMS_PER_TENANT, `w${i}x`)));
    // t0 is searched again, so t1 is now the least recent; one more tenant pushes past 200,000 terms.
    expect(vocabularyCopy(d1, 't0', now).terms).toHaveLength(MAX_TERMS_PER_TENANT);
    vocabularyCopy(d1, 't10', now).store(result(words(MAX_TERMS_PER_TENANT, 'new')));
    const kept = (id: string) => vocabularyCopy(d1, id, now).terms !== null;
    expect(kept('t1')).toBe(false);
    expect(['t0', 't2', 't9', 't10'].map(kept)).toEqual([true, true, true, true]);
  });
});
