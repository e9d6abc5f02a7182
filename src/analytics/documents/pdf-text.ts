/**
 * Every string of a report PDF goes through `encodable`: characters the embedded font has stay as they
 * are; for the others known symbols are spelled out (≥ → >=), an accent the font lacks is dropped
 * (ő → o) and what is left becomes `?` (a letter neither Noto Sans nor, for CJK, Noto Sans CJK has).
 */
const REPLACEMENTS: Record<string, string> = {
  '≥': '>=',
  '≤': '<=',
  '→': '->',
  '←': '<-',
  '−': '-',
  '×': 'x',
  '÷': '/',
  '\u00a0': ' ',
  '\u202f': ' ',
  // Latin letters whose base letter Unicode does not decompose out.
  Ł: 'L',
  ł: 'l',
  Đ: 'D',
  đ: 'd',
  Ħ: 'H',
  ħ: 'h',
  ı: 'i',
};

/** Text the font can draw: known symbols spelled out, accents dropped where the letter is missing. */
export function encodable(text: string, supported: ReadonlySet<number>): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0) as number;
    if (supported.has(code)) out += ch;
    else if (REPLACEMENTS[ch] !== undefined) out += REPLACEMENTS[ch];
    else {
      const base = ch.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
      out += [...base].every((c) => supported.has(c.codePointAt(0) as number)) && base ? base : '?';
    }
  }
  return out;
}
