import Papa from 'papaparse';

/** Text starting with =, +, -, @ would run as a formula in a spreadsheet: it is quote-prefixed. */
export const spreadsheetSafe = (text: string): string => (/^[=+\-@\t\r]/.test(text) ? `'${text}` : text);

/** CSV with a header row (CRLF lines, RFC 4180 quoting); text cells are made spreadsheet-safe. */
export function toCsv(header: string[], rows: (string | number)[][]): string {
  const data = rows.map((row) => row.map((cell) => (typeof cell === 'string' ? spreadsheetSafe(cell) : cell)));
  return Papa.unparse({ fields: header, data }, { newline: '\r\n' });
}
