import { describe, expect, it } from 'vitest';
import { distanceMetres } from '../../src/lib/geo';
import { matchExpression } from '../../src/search/fts5-query';
import { documentUid, quote, searchFilters } from '../../src/search/meili-settings';
import { boundingBox } from '../../src/search/near';
import {
  damerauLevenshtein,
  letterSignature,
  normalize,
  pickCorrections,
  prefixDistance,
  tokenize,
  typoBudget,
} from '../../src/search/text';

describe('Damerau-Levenshtein (optimal string alignment)', () => {
  it.each([
    ['bolt', 'bolt', 0],
    ['blot', 'bolt', 1], // adjacent transposition costs one edit
    ['bolt', 'bolts', 1],
    ['bolt', 'bot', 1],
    ['bolt', 'belt', 1],
    ['hydrolic', 'hydraulic', 2],
    ['ca', 'abc', 3], // OSA: no edit of a transposed pair
    ['', 'abc', 3],
    ['abc', '', 3],
    ['straße', 'strasse', 2],
    ['👍ok', 'ok👍', 2], // code points, not UTF-16 units
  ])('%s → %s = %i', (a, b, d) => {
    expect(damerauLevenshtein(a, b)).toBe(d);
    expect(damerauLevenshtein(b, a)).toBe(d);
  });

  it('stops early past the bound', () => {
    expect(damerauLevenshtein('hydraulic', 'pneumatic', 2)).toBe(3);
    expect(damerauLevenshtein('a', 'abcdef', 1)).toBe(2);
    expect(damerauLevenshtein('blot', 'bolt', 1)).toBe(1);
  });

  it('measures a word being typed against the start of a term', () => {
    expect(prefixDistance('hydarul', 'hydraulic', 2)).toBe(1);
    expect(prefixDistance('hydrol', 'hydraulic', 2)).toBe(2);
    expect(prefixDistance('hydr', 'hydraulic', 1)).toBe(0);
    expect(prefixDistance('pmup', 'pump', 1)).toBe(1);
    expect(prefixDistance('xylo', 'hydraulic', 1)).toBe(2);
  });
});

describe('typo rules', () => {
  it('allows no typo below 4 letters, one from 4, two from 8, none with digits', () => {
    expect(['bo', 'bol', 'bolt', 'hydrolc', 'hydrolic', 'm8', 'hx1234', 'über'].map(typoBudget)).toEqual([
      0, 0, 1, 1, 2, 0, 0, 1,
    ]);
  });

  it('normalises and tokenises like unicode61 with diacritics removed', () => {
    expect(normalize('Bäckerei ÉCOLE')).toBe('backerei ecole');
    expect(tokenize('  Hex-Bolt M8, "zinc"*  ')).toEqual(['hex', 'bolt', 'm8', 'zinc']);
    expect(tokenize('a b c d e f g h i j')).toHaveLength(8);
    expect(tokenize('*:() "')).toEqual([]);
  });

  it('computes the letter signature SQLite stores', () => {
    expect(letterSignature('abc')).toBe(0b111);
    expect(letterSignature('zz')).toBe(1 << 25);
    expect(letterSignature('a1ä')).toBe(1);
  });

  it('picks the closest, then most frequent, corrections within the budget', () => {
    const candidates = [
      { term: 'belt', docs: 3 },
      { term: 'bolt', docs: 40 },
      { term: 'boat', docs: 2 },
      { term: 'blotter', docs: 9 },
      { term: 'hydraulic', docs: 5 },
    ];
    expect(pickCorrections('blot', candidates, { prefix: false })).toEqual([{ term: 'bolt', distance: 1 }]);
    expect(pickCorrections('bolt', candidates, { prefix: false })).toBeNull();
    expect(pickCorrections('bolx', candidates, { prefix: false })).toEqual([{ term: 'bolt', distance: 1 }]);
    expect(pickCorrections('blot', candidates, { prefix: true })).toBeNull(); // "blotter" starts with it
    expect(pickCorrections('hydrolic', candidates, { prefix: false })).toEqual([{ term: 'hydraulic', distance: 2 }]);
    expect(pickCorrections('bxt', candidates, { prefix: false })).toEqual([]);
    // While typing, whole-word corrections win over terms that merely start like the word.
    const typing = [
      { term: 'boots', docs: 90 },
      { term: 'blatecste', docs: 50 },
      { term: 'bolt', docs: 10 },
    ];
    expect(pickCorrections('blot', typing, { prefix: true })).toEqual([{ term: 'bolt', distance: 1 }]);
    expect(pickCorrections('hydarul', [{ term: 'hydraulic', docs: 1 }], { prefix: true })).toEqual([
      { term: 'hydraulic', distance: 1 },
    ]);
    expect(pickCorrections('hydarul', [{ term: 'hydraulic', docs: 1 }], { prefix: false })).toEqual([]);
    // Vocabulary rows may hold unnormalised text (SQLite lower() is ASCII only).
    expect(pickCorrections('backerei', [{ term: 'BÄckerei', docs: 1 }], { prefix: false })).toBeNull();
  });
});

describe('FTS5 query syntax', () => {
  it('quotes every word and scopes by tenant key and columns', () => {
    const expr = matchExpression(
      '0190F1C2-7A3E-7C3D-9A51-2F7F5E3B1A10',
      ['name', 'sku'],
      [
        { word: 'blot', prefix: false, corrections: ['bolt'] },
        { word: 'm8', prefix: true, corrections: [] },
      ],
      'all',
    );
    expect(expr).toBe(
      'tenant_key : "t0190f1c27a3e7c3d9a512f7f5e3b1a10" AND {name sku} : (("blot" OR "bolt") AND "m8"*)',
    );
    expect(
      matchExpression(
        't',
        ['name'],
        [
          { word: 'a', prefix: false, corrections: [] },
          { word: 'b', prefix: true, corrections: [] },
        ],
        'any',
      ),
    ).toBe('tenant_key : "tt" AND {name} : ("a" OR "b"*)');
  });
});

describe('geo bounding box', () => {
  it('contains the whole circle', () => {
    for (const [lat, lng] of [
      [52.52, 13.405],
      [-33.9, 151.2],
      [70, 20],
    ] as const) {
      const box = boundingBox(lat, lng, 5_000);
      for (let bearing = 0; bearing < 360; bearing += 15) {
        // A point ~4,900 m away along the bearing (flat approximation is fine at this scale).
        const dLat = (4_900 * Math.cos((bearing * Math.PI) / 180)) / 111_195;
        const dLng = (4_900 * Math.sin((bearing * Math.PI) / 180)) / (111_195 * Math.cos((lat * Math.PI) / 180));
        const p = { lat: lat + dLat, lng: lng + dLng };
        expect(distanceMetres({ lat, lng }, p)).toBeLessThan(5_000);
        expect(p.lat).toBeGreaterThanOrEqual(box.minLat);
        expect(p.lat).toBeLessThanOrEqual(box.maxLat);
        expect(box.lngRanges?.some(([w, e]) => p.lng >= w && p.lng <= e)).toBe(true);
      }
    }
  });

  it('splits at the antimeridian and gives up on longitude at the poles', () => {
    const box = boundingBox(0, 179.99, 5_000);
    expect(box.lngRanges).toHaveLength(2);
    expect(box.lngRanges?.[1]?.[0]).toBe(-180);
    expect(boundingBox(89.99, 0, 5_000).lngRanges).toBeNull();
  });
});

describe('Meilisearch filters and ids', () => {
  const tenant = '0190f1c2-7a3e-7c3d-9a51-2f7f5e3b1a10';

  it('always starts with the tenant and escapes values', () => {
    expect(
      searchFilters(tenant, {
        type: 'products',
        q: 'x',
        limit: 5,
        sort: 'relevance',
        filters: { category: 'Tools "Pro" \\ Co', minPrice: 5, maxPrice: 9, active: false },
      }),
    ).toEqual([
      `tenantId = "${tenant}"`,
      'category = "Tools \\"Pro\\" \\\\ Co"',
      'priceMinor >= 5',
      'priceMinor <= 9',
      'active = false',
    ]);
    expect(quote('a"b')).toBe('"a\\"b"');
  });

  it('makes document ids unique across tenants and valid for any record id', () => {
    expect(documentUid(tenant, 'abc')).toBe(`${tenant}_abc`);
    expect(documentUid(tenant, 'abc')).not.toBe(documentUid('other', 'abc'));
    const odd = documentUid(tenant, 'a/b c');
    expect(odd).toMatch(/^b64_[A-Za-z0-9_-]+$/);
    expect(odd).not.toBe(documentUid(tenant, 'a/b d'));
  });
});
