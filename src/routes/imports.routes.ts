import {
  CreateImportQuery,
  ImportErrorsQuery,
  ImportListQuery,
  ImportRowErrorSchema,
  ImportSchema,
  TemplateQuery,
} from '../contracts/imports.schemas';
import type { JobMessage } from '../jobs/messages';
import { importTemplate } from '../services/imports/csv-file';
import { createImport, getImport, importErrorsCsv, listImports, viewOf } from '../services/imports.service';
import { createProtectedRouter, IdParams, jsonResponse, protectedRoute, serviceContext, z } from './openapi';

/** CSV imports of customers and products (docs/imports.md). */
const tags = ['Imports'];

const csvContent = (description: string) => ({
  description,
  content: { 'text/csv': { schema: z.string() } },
});

export const importsRouter = createProtectedRouter()
  .openapi(
    protectedRoute({
      method: 'get',
      path: '/template',
      tags,
      summary: 'A CSV template for an import: the header and one example row',
      request: { query: TemplateQuery },
      responses: { 200: csvContent('The template') },
    }),
    (c) => {
      const { kind } = c.req.valid('query');
      return c.body(`\ufeff${importTemplate(kind)}\r\n`, 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="fieldline-${kind}-template.csv"`,
      });
    },
  )
  .openapi(
    protectedRoute({
      method: 'post',
      path: '/',
      tags,
      summary: 'Import customers or products from a CSV file (the raw file is the body)',
      description:
        'Rows upsert on the customer’s externalId or the product’s SKU. Up to 200 rows are imported before ' +
        'answering (201); larger files (up to 10,000 rows, 1 MiB) are queued (202) and followed with ' +
        'GET /v1/imports/{id}. Delimiter `,` `;` or tab, UTF-8; columns in docs/imports.md.',
      request: {
        query: CreateImportQuery,
        body: { required: true, content: { 'text/csv': { schema: z.string() } } },
      },
      responses: {
        201: jsonResponse(ImportSchema, 'Imported (or refused as a whole: status failed, with the row errors)'),
        202: jsonResponse(ImportSchema, 'Queued: poll the import for its progress'),
      },
    }),
    async (c) => {
      const query = c.req.valid('query');
      const ctx = serviceContext(c);
      const result = await createImport(ctx, { ...query, csv: await c.req.text() }, async (importId) => {
        const message: JobMessage = { job: 'import', tenantId: ctx.principal.tenantId, importId, at: Date.now() };
        await c.env.JOBS.send(message, { contentType: 'json' });
      });
      const status = result.queued ? 202 : 201;
      return c.json(viewOf(result.import), status, { location: `/v1/imports/${result.import.id}` });
    },
  )
  .openapi(
    protectedRoute({
      method: 'get',
      path: '/',
      tags,
      summary: 'The organisation’s imports, newest first',
      request: { query: ImportListQuery },
      responses: {
        200: jsonResponse(z.object({ data: z.array(ImportSchema), nextCursor: z.string().nullable() }), 'Imports'),
      },
    }),
    async (c) => {
      const page = await listImports(serviceContext(c), c.req.valid('query'));
      return c.json({ data: page.data.map((row) => viewOf(row)), nextCursor: page.nextCursor }, 200);
    },
  )
  .openapi(
    protectedRoute({
      method: 'get',
      path: '/{id}',
      tags,
      summary: 'One import: status, progress, counts and the first row errors',
      request: { params: IdParams },
      responses: { 200: jsonResponse(ImportSchema, 'The import') },
    }),
    async (c) => c.json(viewOf(await getImport(serviceContext(c), c.req.valid('param').id)), 200),
  )
  .openapi(
    protectedRoute({
      method: 'get',
      path: '/{id}/errors',
      tags,
      summary: 'Every row error of an import, as JSON or as a CSV report (?format=csv)',
      request: { params: IdParams, query: ImportErrorsQuery },
      responses: {
        200: {
          description: 'The row errors',
          content: {
            'application/json': { schema: z.object({ data: z.array(ImportRowErrorSchema) }) },
            'text/csv': { schema: z.string() },
          },
        },
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { format, delimiter } = c.req.valid('query');
      const wantsCsv =
        format === 'csv' || (format === undefined && (c.req.header('accept') ?? '').includes('text/csv'));
      if (!wantsCsv) return c.json({ data: (await getImport(serviceContext(c), id)).errors }, 200);
      const { importId, csv } = await importErrorsCsv(serviceContext(c), id, delimiter);
      return c.body(`\ufeff${csv}\r\n`, 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="import-${importId}-errors.csv"`,
      });
    },
  );
