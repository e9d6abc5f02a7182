import { env } from 'cloudflare:test';
import fontkit from '@cantoo/fontkit';
import { PDFDict, PDFDocument, PDFName, StandardFonts } from '@cantoo/pdf-lib';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { cjkFontFromAssets } from '../../src/analytics/documents/cjk-font';
import { documentToCsv } from '../../src/analytics/documents/csv';
import { NOTO_SANS_REGULAR } from '../../src/analytics/documents/fonts.generated';
import { documentToHtml } from '../../src/analytics/documents/html';
import { documentToPdf } from '../../src/analytics/documents/pdf';
import { encodable } from '../../src/analytics/documents/pdf-text';
import type { ReportDocument } from '../../src/analytics/documents/report-document';
import {
  formatChange,
  formatInt,
  formatMoney,
  formatPercent,
  minorToDecimal,
} from '../../src/analytics/documents/value-format';
import { csvDialect, toCsv } from '../../src/lib/csv';

const doc = (rows: number, locale = 'en-US'): ReportDocument => ({
  title: 'Weekly report · Bäckerei Łódź <script>',
  subtitle: '3 Mar 2025 – 9 Mar 2025 · Europe/Berlin · EUR',
  fileName: 'weekly',
  currency: 'EUR',
  locale,
  kpis: [{ label: 'Revenue', value: '€1,234.50', change: '+12.5 %' }],
  chart: {
    title: 'Revenue per day',
    kind: 'bar',
    labels: ['a', 'b', 'c'],
    series: [{ name: 'Revenue', values: [100, 0, 250] }],
    unit: 'money',
  },
  tables: [
    {
      title: 'By day',
      columns: [
        { key: 'date', label: 'Date', kind: 'text' },
        { key: 'revenueMinor', label: 'Revenue', kind: 'money' },
        { key: 'orders', label: 'Orders', kind: 'int' },
        { key: 'note', label: 'Note', kind: 'text' },
      ],
      rows: Array.from({ length: rows }, (_, i) => ({
        date: `day ${i}`,
        revenueMinor: -5 + i * 1001,
        orders: i,
        note: i === 1 ? '=HYPERLINK("x")' : 'Größe, "quoted"\nline',
      })),
    },
  ],
  notes: ['R ≥ 4 → champions'],
});

describe('money formatting', () => {
  it('converts minor units exactly, with the currency’s digits', () => {
    expect(minorToDecimal(123456, 'EUR')).toBe('1234.56');
    expect(minorToDecimal(-5, 'EUR')).toBe('-0.05');
    expect(minorToDecimal(0, 'EUR')).toBe('0.00');
    expect(minorToDecimal(1234, 'JPY')).toBe('1234');
    expect(minorToDecimal(1234, 'KWD')).toBe('1.234');
    expect(formatMoney(123456, { currency: 'EUR', locale: 'en-US' })).toBe('€1,234.56');
  });

  it('writes money, counts and changes as the tenant’s locale does', () => {
    const de = { currency: 'EUR', locale: 'de-DE' };
    // Intl puts a no-break space between the amount and the symbol.
    expect(formatMoney(123456, de).replace(/\s/g, ' ')).toBe('1.234,56 €');
    expect(formatMoney(-5, de).replace(/\s/g, ' ')).toBe('-0,05 €');
    expect(formatInt(1234567, de)).toBe('1.234.567');
    expect(formatPercent(12.5, de)).toBe('12,5 %');
    expect(formatChange(-3.25, de)).toBe('-3,3 %');
    expect(formatMoney(123456, { currency: 'JPY', locale: 'ja-JP' })).toBe('￥123,456');
    // Swiss German groups thousands with an apostrophe (ICU versions differ on which one).
    expect(formatMoney(123456, { currency: 'CHF', locale: 'de-CH' }).replace(/\s/g, ' ')).toMatch(/^CHF 1['’]234\.56$/);
  });
});

describe('CSV export', () => {
  it('round-trips through a CSV parser: header, money in major units, quoting, formula guard', () => {
    const csv = documentToCsv(doc(3));
    const parsed = Papa.parse<string[]>(csv, { skipEmptyLines: true });
    expect(parsed.errors).toEqual([]);
    expect(parsed.data[0]).toEqual(['Date', 'Revenue (EUR)', 'Orders', 'Note']);
    expect(parsed.data[1]).toEqual(['day 0', '-0.05', '0', 'Größe, "quoted"\nline']);
    expect(parsed.data[2]).toEqual(['day 1', '9.96', '1', `'=HYPERLINK("x")`]);
    expect(parsed.data).toHaveLength(4);
  });

  it('writes `;` and decimal commas for a locale that writes decimals with a comma, unless asked otherwise', () => {
    const csv = documentToCsv(doc(3, 'de-DE'));
    expect(csv.split('\r\n')[0]).toBe('Date;Revenue (EUR);Orders;Note');
    const parsed = Papa.parse<string[]>(csv, { skipEmptyLines: true, delimiter: ';' });
    expect(parsed.errors).toEqual([]);
    // A negative amount stays a number (not formula-escaped); a comma inside text is no longer quoted for it.
    expect(parsed.data[1]).toEqual(['day 0', '-0,05', '0', 'Größe, "quoted"\nline']);
    expect(parsed.data[2]).toEqual(['day 1', '9,96', '1', `'=HYPERLINK("x")`]);
    expect(documentToCsv(doc(3, 'de-DE'), 'comma').split('\r\n')[1]).toBe('day 0,-0.05,0,"Größe, ""quoted""\nline"');
    // en-GB writes decimal points: `,` by default, and `;` with points when asked.
    expect(documentToCsv(doc(3, 'en-GB')).split('\r\n')[0]).toBe('Date,Revenue (EUR),Orders,Note');
    expect(documentToCsv(doc(3, 'en-GB'), 'semicolon').split('\r\n')[2]).toBe(`day 1;9.96;1;"'=HYPERLINK(""x"")"`);
  });

  it('chooses the dialect from the locale and turns only numbers into decimal commas', () => {
    expect(csvDialect('fr-FR')).toEqual({ delimiter: ';', decimalComma: true });
    expect(csvDialect('en-US')).toEqual({ delimiter: ',', decimalComma: false });
    expect(csvDialect('fr-FR', 'comma')).toEqual({ delimiter: ',', decimalComma: false });
    expect(csvDialect('not a locale')).toEqual({ delimiter: ',', decimalComma: false });
    const fr = csvDialect('fr-FR');
    expect(toCsv(['sku', 'price'], [['10.5', 10.5]], fr)).toBe('sku;price\r\n10.5;10,5');
  });
});

/** The BaseFont names of the fonts a PDF embeds. */
async function fontNames(bytes: Uint8Array): Promise<string[]> {
  const pdf = await PDFDocument.load(bytes);
  const names: string[] = [];
  for (const [, object] of pdf.context.enumerateIndirectObjects()) {
    if (!(object instanceof PDFDict) || object.get(PDFName.of('Type')) !== PDFName.of('Font')) continue;
    const base = object.get(PDFName.of('BaseFont'));
    if (base instanceof PDFName) names.push(base.decodeText());
  }
  return names;
}

describe('PDF export', () => {
  it('replaces what a font cannot draw (here the standard WinAnsi Helvetica)', async () => {
    const pdf = await PDFDocument.create();
    const font = await pdf.embedFont(StandardFonts.Helvetica);
    const set = new Set(font.getCharacterSet());
    expect(encodable('Bäckerei Łódź ≥ 5 → €', set)).toBe('Bäckerei Lódz >= 5 -> €');
    expect(encodable('東京', set)).toBe('??');
    expect(() => font.encodeText(encodable('Łódź ≥ 東京 “quotes” – …', set))).not.toThrow();
  });

  it('keeps Latin, Greek and Cyrillic names whole with the shipped Noto Sans, and only CJK becomes ?', async () => {
    const pdf = await PDFDocument.create();
    pdf.registerFontkit(fontkit);
    const font = await pdf.embedFont(Uint8Array.from(atob(NOTO_SANS_REGULAR), (c) => c.charCodeAt(0)));
    const set = new Set(font.getCharacterSet());
    expect(encodable('Łódź · Москва · Αθήνα · Tiệm Phở · € –', set)).toBe('Łódź · Москва · Αθήνα · Tiệm Phở · € –');
    expect(encodable('東京', set)).toBe('??');
    const rendered = await PDFDocument.load(await documentToPdf(doc(3)));
    expect(rendered.getPageCount()).toBe(1);
  });

  it('prints CJK names in Noto Sans CJK, loaded from the static assets only for a document that has some', async () => {
    const cjkFont = cjkFontFromAssets(env.ASSETS);
    const cjkDoc = doc(3);
    cjkDoc.tables[0]?.rows.push({ date: '東京 緑茶 · 서울 김치 · ひらがな', revenueMinor: 1, orders: 1, note: '北京' });
    expect((await cjkFont())?.byteLength).toBeGreaterThan(1_000_000);
    expect(await fontNames(await documentToPdf(cjkDoc, { cjkFont }))).toEqual(
      expect.arrayContaining([expect.stringMatching(/^NotoSansCJK/)]),
    );
    // Without CJK letters the CJK font is not embedded.
    expect((await fontNames(await documentToPdf(doc(3), { cjkFont }))).some((n) => n.includes('CJK'))).toBe(false);
    // Without a loader the document still renders, in Noto Sans alone (its CJK letters as `?`).
    const without = await fontNames(await documentToPdf(cjkDoc));
    expect(without.length).toBeGreaterThan(0);
    expect(without.some((n) => n.includes('CJK'))).toBe(false);
  });

  it('renders one page for a short report and stops at two for a long one', async () => {
    const short = await PDFDocument.load(await documentToPdf(doc(5)));
    expect(short.getPageCount()).toBe(1);
    expect(short.getTitle()).toBe('Weekly report · Bäckerei Łódź <script>');
    const long = await PDFDocument.load(await documentToPdf(doc(400)));
    expect(long.getPageCount()).toBe(2);
    const bytes = await documentToPdf(doc(1));
    expect(new TextDecoder().decode(bytes.slice(0, 5))).toBe('%PDF-');
  });
});

describe('a map in the PDF', () => {
  const square = (lng: number, lat: number, d = 0.05) => [
    [lng, lat],
    [lng + d, lat],
    [lng + d, lat + d],
    [lng, lat + d],
    [lng, lat],
  ];
  const withMap = (areas: number): ReportDocument => ({
    ...doc(3),
    map: {
      title: 'Where the revenue is',
      areas: Array.from({ length: areas }, (_, i) => ({
        ring: square(13.3 + (i % 10) * 0.05, 52.4 + Math.floor(i / 10) * 0.05),
        band: (['high', 'medium', 'low'] as const)[i % 3] ?? 'low',
      })),
      outlines: [{ ring: square(13.2, 52.3, 0.8), label: 'Berlin & Potsdam' }],
      points: [[13.5, 52.5]],
      legend: { high: 'High', medium: 'Medium', low: 'Low', points: 'Not visited in 30 days' },
    },
  });

  it('draws every area, the outline and the points, on the same pages', async () => {
    const plain = await documentToPdf(doc(3));
    const few = await documentToPdf(withMap(3));
    const many = await documentToPdf(withMap(60));
    expect((await PDFDocument.load(many)).getPageCount()).toBe((await PDFDocument.load(plain)).getPageCount());
    // Each area is a path of its own in the page's content.
    expect(few.length).toBeGreaterThan(plain.length);
    expect(many.length).toBeGreaterThan(few.length);
  });

  it('is skipped when there is nothing to draw', async () => {
    const empty = await documentToPdf({
      ...withMap(0),
      map: { ...(withMap(0).map as NonNullable<ReportDocument['map']>), points: [] },
    });
    expect(empty.length).toBe((await documentToPdf(doc(3))).length);
  });
});

describe('e-mail HTML', () => {
  it('escapes report text and carries the unsubscribe link', () => {
    const html = documentToHtml(doc(2), { unsubscribeUrl: 'https://x.test/u?token=a&b', attachments: ['weekly.pdf'] });
    expect(html).toContain('Bäckerei Łódź &lt;script&gt;');
    expect(html).not.toContain('<script>');
    expect(html).toContain('href="https://x.test/u?token=a&amp;b"');
    expect(html).toContain('weekly.pdf');
  });
});
