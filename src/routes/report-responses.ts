import type { Context } from 'hono';
import { cjkFontFromAssets } from '../analytics/documents/cjk-font';
import { documentToCsv } from '../analytics/documents/csv';
import { documentToPdf } from '../analytics/documents/pdf';
import type { ReportDocument } from '../analytics/documents/report-document';
import type { ExportFormat } from '../contracts/analytics.schemas';
import type { AppEnv } from '../env';
import type { CsvDelimiter } from '../lib/csv';
import { auditAccess } from '../services/audit.service';
import { serviceContext, z } from './openapi';

/**
 * Content negotiation for reports: `?format=csv|pdf|json` wins, else the Accept header (text/csv,
 * application/pdf), else JSON.
 */
export function negotiate(format: ExportFormat | undefined, accept: string | undefined): ExportFormat {
  if (format) return format;
  const a = (accept ?? '').toLowerCase();
  if (a.includes('text/csv')) return 'csv';
  if (a.includes('application/pdf')) return 'pdf';
  return 'json';
}

/** Response schemas for the three representations, for the OpenAPI document. */
export const reportContent = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: {
    'application/json': { schema },
    'text/csv': { schema: z.string().openapi({ description: 'The report’s main table, one header row' }) },
    'application/pdf': { schema: z.string().openapi({ format: 'binary' }) },
  },
});

const filename = (name: string) => name.replace(/[^A-Za-z0-9._-]+/g, '-');

/**
 * A report in the representation asked for. `data` must have the type of the route's JSON response
 * schema (`schema`, the one reportContent documents), so the route's typed response is what the
 * service returned; the JSON body is `data` as it is (the contract tests prove it has no other field).
 */
export async function respondWith<S extends z.ZodType>(
  c: Context,
  format: ExportFormat | undefined,
  _schema: S,
  data: z.infer<S>,
  toDocument: (data: z.infer<S>) => ReportDocument,
) {
  const chosen = negotiate(format, c.req.header('accept'));
  const headers = { vary: 'Accept' };
  if (chosen === 'json') return c.json(data as z.infer<S> & object, 200, headers);
  const doc = toDocument(data);
  // A download leaves the product: the audit log records who took which report, in which form.
  await auditAccess(serviceContext(c as Context<AppEnv>), 'export:downloaded', {
    export: c.req.path,
    format: chosen,
    file: doc.fileName,
  });
  if (chosen === 'csv') {
    // The route's query schema (FormatQuery) has validated it.
    const delimiter = c.req.query('delimiter') as CsvDelimiter | undefined;
    return c.body(`\ufeff${documentToCsv(doc, delimiter)}`, 200, {
      ...headers,
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${filename(doc.fileName)}.csv"`,
    });
  }
  // A copy typed as backed by a plain ArrayBuffer, as a response body must be.
  const pdf = await documentToPdf(doc, { cjkFont: cjkFontFromAssets((c as Context<AppEnv>).env.ASSETS) });
  return c.body(pdf.slice(), 200, {
    ...headers,
    'content-type': 'application/pdf',
    'content-disposition': `inline; filename="${filename(doc.fileName)}.pdf"`,
  });
}
