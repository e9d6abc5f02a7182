import type { Context } from 'hono';
import { documentToCsv } from '../analytics/documents/csv';
import { documentToPdf } from '../analytics/documents/pdf';
import type { ReportDocument } from '../analytics/documents/report-document';
import { z } from './openapi';

/**
 * Content negotiation for reports: `?format=csv|pdf|json` wins, else the Accept header (text/csv,
 * application/pdf), else JSON.
 */
export const EXPORT_FORMATS = ['json', 'csv', 'pdf'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const FormatQuery = {
  format: z.enum(EXPORT_FORMATS).optional().openapi({
    description:
      'json (default), csv (the main table) or pdf (one or two pages with a chart); or send Accept: text/csv / application/pdf',
  }),
};

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

export async function respondWith<T>(
  c: Context,
  format: ExportFormat | undefined,
  data: T,
  toDocument: (data: T) => ReportDocument,
): Promise<Response> {
  const chosen = negotiate(format, c.req.header('accept'));
  const headers = { vary: 'Accept' };
  if (chosen === 'json') return c.json(data as object, 200, headers);
  const doc = toDocument(data);
  if (chosen === 'csv') {
    return new Response(`\ufeff${documentToCsv(doc)}`, {
      headers: {
        ...headers,
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="${filename(doc.fileName)}.csv"`,
      },
    });
  }
  return new Response(await documentToPdf(doc), {
    headers: {
      ...headers,
      'content-type': 'application/pdf',
      'content-disposition': `inline; filename="${filename(doc.fileName)}.pdf"`,
    },
  });
}
