import Papa from 'papaparse';

/**
 * Text a spreadsheet would run as a formula: starting with =, +, @, a tab or a carriage return, or with a
 * minus unless the whole cell is a plain decimal number (a negative amount stays a number).
 */
const FORMULA = /^[=+@\t\r]|^-(?!\d+(\.\d+)?$)/;

/**
 * CSV with a header row (CRLF lines, RFC 4180 quoting); papaparse quote-prefixes text that would run as a
 * formula (`escapeFormulae`).
 */
export function toCsv(header: string[], rows: unknown[][]): string {
  return Papa.unparse({ fields: header, data: rows }, { newline: '\r\n', escapeFormulae: FORMULA });
}
