import { type CsvDelimiter, type CsvDialect, csvDecimal, csvDialect, toCsv } from '../../lib/csv';
import type { ReportDocument, Table } from './report-document';
import { minorToDecimal } from './value-format';

/**
 * CSV of a report's first table, for spreadsheets: one header row, money in major units of the tenant
 * currency as plain decimals (exact, no thousands separators), percentages as numbers; decimals with a
 * point, or a comma in the `;` dialect of locales that write them so.
 */
export function tableToCsv(table: Table, currency: string, dialect: CsvDialect): string {
  const header = table.columns.map((c) => (c.kind === 'money' ? `${c.label} (${currency})` : c.label));
  const rows = table.rows.map((row) =>
    table.columns.map((c) => {
      const v = row[c.key];
      if (v === null || v === undefined) return '';
      if (c.kind === 'money' && typeof v === 'number') return csvDecimal(minorToDecimal(v, currency), dialect);
      if (typeof v === 'number') return v;
      return String(v);
    }),
  );
  return toCsv(header, rows, dialect);
}

/** The report's CSV in its locale's dialect, or with the delimiter asked for (`?delimiter=`). */
export function documentToCsv(doc: ReportDocument, delimiter?: CsvDelimiter): string {
  const table = doc.tables[0];
  if (!table) return '';
  return tableToCsv(table, doc.currency, csvDialect(doc.locale, delimiter));
}
