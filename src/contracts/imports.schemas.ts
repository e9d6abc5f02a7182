import { IMPORT_KINDS, IMPORT_MODES, IMPORT_STATUSES } from '../db/tables';
import { CsvDelimiterQuery, z } from './common';

/** CSV imports: what POST/GET /v1/imports take and answer (docs/imports.md). */

export const ImportRowErrorSchema = z
  .object({
    row: z.number().int().openapi({ description: 'Row number in the file; the header is row 1' }),
    column: z.string().nullable().openapi({ description: 'The field the problem is in, when it is one' }),
    code: z.string().openapi({ description: 'Stable reason, e.g. required, invalid_format, unknown_territory' }),
    message: z.string(),
  })
  .openapi('ImportRowError');

export const ImportSchema = z
  .object({
    id: z.string(),
    kind: z.enum(IMPORT_KINDS),
    mode: z.enum(IMPORT_MODES),
    status: z.enum(IMPORT_STATUSES),
    fileName: z.string().nullable(),
    totalRows: z.number().int(),
    processedRows: z.number().int().openapi({ description: 'Rows handled so far (written or refused)' }),
    createdRows: z.number().int(),
    updatedRows: z.number().int(),
    unchangedRows: z.number().int().openapi({ description: 'Rows matching a record that already held their values' }),
    failedRows: z.number().int(),
    errorCount: z.number().int().openapi({ description: 'Row errors in all (a row may have several)' }),
    errors: z.array(ImportRowErrorSchema).openapi({ description: 'The first 100 row errors; up to 2,000: /errors' }),
    failure: z.string().nullable().openapi({ description: 'Why the import as a whole failed' }),
    createdBy: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
    finishedAt: z.string().nullable(),
    version: z.number().int(),
  })
  .openapi('Import');

export const CreateImportQuery = z.object({
  kind: z.enum(IMPORT_KINDS),
  mode: z.enum(IMPORT_MODES).default('all_or_nothing').openapi({
    description:
      'all_or_nothing: any invalid row and nothing is written; valid_rows: invalid rows are skipped and listed',
  }),
  fileName: z.string().trim().min(1).max(255).optional(),
});

export const ImportListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(512).optional(),
});

export const ImportErrorsQuery = z.object({
  format: z
    .enum(['json', 'csv'])
    .optional()
    .openapi({ description: 'csv downloads the report (also Accept: text/csv)' }),
  ...CsvDelimiterQuery,
});

export const TemplateQuery = z.object({ kind: z.enum(IMPORT_KINDS) });
