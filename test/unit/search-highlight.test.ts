import { describe, expect, it } from 'vitest';
import { highlightText, snippetText, wordMatcher } from '../../src/search/highlight';
import { tsqueryText } from '../../src/search/pg-sql';
import { asTyped, type TermGroup } from '../../src/search/query-terms';

const words = (...list: string[]) => asTyped(list);

describe('highlighting (Postgres backend)', () => {
  it('marks whole words as stored, found through the query normalisation', () => {
    const match = wordMatcher(words('backerei'));
    expect(highlightText('Bäckerei Schmidt GmbH', match)).toBe('<mark>Bäckerei</mark> Schmidt GmbH');
    // Decomposed accents stay inside the word they belong to.
    expect(highlightText('Ba\u0308ckerei', match)).toBe('<mark>Ba\u0308ckerei</mark>');
    expect(highlightText('Schmidt GmbH', match)).toBeNull();
    expect(highlightText(null, match)).toBeNull();
  });

  it('marks both parts of a code, prefixes of the last word and corrections', () => {
    expect(highlightText('HX-1234', wordMatcher(words('hx', '12')))).toBe('<mark>HX</mark>-<mark>1234</mark>');
    const typo: TermGroup[] = [{ word: 'blot', prefix: true, corrections: ['bolt'] }];
    expect(highlightText('Hex Bolt M8, bolts', wordMatcher(typo))).toBe('Hex <mark>Bolt</mark> M8, bolts');
    expect(highlightText('anna@schmidt-backwaren.de', wordMatcher(words('backw')))).toBe(
      'anna@schmidt-<mark>backwaren</mark>.de',
    );
  });

  it('cuts long text to a window of twelve words around the matches, with ellipses', () => {
    const text = 'One two three four five six seven eight nine ten eleven twelve thirteen bolt fifteen sixteen.';
    // The match as near the middle as the text allows; the end of the text needs no ellipsis.
    expect(snippetText(text, wordMatcher(words('bolt')))).toBe(
      '…five six seven eight nine ten eleven twelve thirteen <mark>bolt</mark> fifteen sixteen.',
    );
    expect(snippetText(text, wordMatcher(words('one')))).toBe(
      '<mark>One</mark> two three four five six seven eight nine ten eleven twelve…',
    );
    // The window with both query words wins over the one with more matches of one word.
    const two = 'Bolt bolt bolt bolt a b c d e f g h nut i j k l m n o p q r s';
    expect(snippetText(two, wordMatcher(words('bolt', 'nut')))).toBe(
      '…<mark>bolt</mark> <mark>bolt</mark> <mark>bolt</mark> a b c d e f g h <mark>nut</mark>…',
    );
    expect(snippetText('Short text about a bolt.', wordMatcher(words('bolt')))).toBe(
      'Short text about a <mark>bolt</mark>.',
    );
    expect(snippetText(text, wordMatcher(words('zinc')))).toBeNull();
  });
});

describe('tsquery text (Postgres backend)', () => {
  it('quotes every word, prefixes the last, ORs corrections, and ANDs or ORs the words', () => {
    const groups: TermGroup[] = [
      { word: 'hex', prefix: false, corrections: [] },
      { word: 'blot', prefix: true, corrections: ['bolt', 'blob'] },
    ];
    expect(tsqueryText(groups, 'all')).toBe("'hex' & ('blot':* | 'bolt' | 'blob')");
    expect(tsqueryText(groups, 'any')).toBe("'hex' | ('blot':* | 'bolt' | 'blob')");
    expect(tsqueryText(groups, 'all', 'AB')).toBe("'hex':AB & ('blot':*AB | 'bolt':AB | 'blob':AB)");
    expect(tsqueryText(words("o'neil"), 'all')).toBe("'o''neil':*");
    expect(() => tsqueryText([], 'all')).toThrow();
  });
});
