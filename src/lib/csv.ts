import Papa from 'papaparse';

/**
 * Text a spreadsheet would run as a formula: starting with =, +, @, a tab or a carriage return, or with a
 * minus unless the whole cell is a plain decimal number (a negative amount stays a number, with a decimal
 * point or a decimal comma).
 */
const FORMULA = /^[=+@\t\r]|^-(?!\d+([.,]\d+)?$)/;

/** What `?delimiter=` may ask for; without it the tenant's locale decides (csvDialect). */
export const CSV_DELIMITERS = ['comma', 'semicolon'] as const;
export type CsvDelimiter = (typeof CSV_DELIMITERS)[number];

/**
 * How a CSV file is written for the spreadsheet that opens it. Where the locale writes decimals with a
 * comma (de-DE, fr-FR, es-ES…), spreadsheets expect `;` between fields and `1234,50` in them; elsewhere
 * `,` and `1234.50`.
 */
export interface CsvDialect {
  delimiter: ',' | ';';
  /** Decimal numbers written with a comma (only ever with the `;` delimiter). */
  decimalComma: boolean;
}

export const COMMA_CSV: CsvDialect = { delimiter: ',', decimalComma: false };

const decimalComma = new Map<string, boolean>();

/** Whether a locale writes 1.5 as `1,5`. */
function writesDecimalComma(locale: string): boolean {
  let comma = decimalComma.get(locale);
  if (comma === undefined) {
    let separator = '.';
    try {
      separator = new Intl.NumberFormat(locale).formatToParts(1.5).find((p) => p.type === 'decimal')?.value ?? '.';
    } catch {
      // an unknown locale writes as en-US does
    }
    comma = separator === ',';
    decimalComma.set(locale, comma);
  }
  return comma;
}

/**
 * The dialect for a tenant's locale, or the delimiter asked for: `semicolon` writes decimals as the locale
 * does, `comma` always with a point (a comma-separated file cannot hold decimal commas unquoted).
 */
export function csvDialect(locale: string, asked?: CsvDelimiter): CsvDialect {
  const comma = writesDecimalComma(locale);
  const semicolon = asked === undefined ? comma : asked === 'semicolon';
  return semicolon ? { delimiter: ';', decimalComma: comma } : COMMA_CSV;
}

/** A plain decimal number as text ("-1234.50"), the form minorToDecimal and numbers take. */
const DECIMAL = /^-?\d+\.\d+$/;

/** A decimal written with the dialect's separator; other values as they are. */
export function csvDecimal(value: number | string, dialect: CsvDialect): string | number {
  if (!dialect.decimalComma) return value;
  const text = String(value);
  return DECIMAL.test(text) ? text.replace('.', ',') : value;
}

/**
 * CSV with a header row (CRLF lines, RFC 4180 quoting) in the dialect given (default: `,` and decimal
 * points); numbers follow the dialect's decimal separator. papaparse quote-prefixes text that would run as
 * a formula (`escapeFormulae`).
 */
export function toCsv(header: string[], rows: unknown[][], dialect: CsvDialect = COMMA_CSV): string {
  const data = dialect.decimalComma
    ? rows.map((row) => row.map((v) => (typeof v === 'number' ? csvDecimal(v, dialect) : v)))
    : rows;
  return Papa.unparse(
    { fields: header, data },
    { newline: '\r\n', delimiter: dialect.delimiter, escapeFormulae: FORMULA },
  );
}
