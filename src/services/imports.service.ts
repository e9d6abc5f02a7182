import { and, eq } from 'drizzle-orm';
import type { Permission } from '../auth/permissions';
import { requirePermission } from '../auth/principal';
import { assertChanged, type Statement } from '../db/batch';
import { listPage, type Page, type PageRequest } from '../db/pagination';
import { type ImportKind, type ImportMode, type ImportRowError, imports } from '../db/tables';
import { chunk } from '../lib/chunk';
import { type CsvDelimiter, csvDialect, toCsv } from '../lib/csv';
import { AppError, ErrorCode } from '../lib/errors';
import { newId } from '../lib/ids';
import { auditAccess, auditStatement } from './audit.service';
import type { ServiceContext } from './context';
import { findEntity, newEntity } from './entity';
import { readCsv } from './imports/csv-file';
import { existingByKey, loadLookups, type RowWrite, rowStatements } from './imports/record-upserts';
import { type RowValues, rowValues } from './imports/row-values';
import { tenantCurrency } from './products.service';
import { tenantSettings } from './tenant-settings';
import { commit } from './write-pipeline';

/**
 * CSV imports of customers and products (docs/imports.md). A file is checked whole when it arrives
 * (header, size); its rows are then written `UNIT_ROWS` at a time, each unit one atomic write that also
 * moves the import's progress, so an interrupted import resumes exactly where it stopped. Rows upsert on
 * the kind's key (a customer's externalId, a product's SKU) through the same statements the customer and
 * product services write, events included.
 *
 * Modes: `all_or_nothing` checks every row before writing any, and writes nothing if one is invalid;
 * `valid_rows` writes the valid rows and lists the others. Small files finish within the request; larger
 * ones continue on the jobs queue (`ROWS_PER_STEP` per message) and are followed by polling the import.
 *
 * The file is read in imports/csv-file.ts, a row turned into a service's input in imports/row-values.ts,
 * and the records it creates or updates are looked up and written in imports/record-upserts.ts.
 */

export type Import = typeof imports.$inferSelect;

/** 1 MiB of CSV: about 10,000 customer rows. */
export const IMPORT_MAX_BYTES = 1_048_576;
export const IMPORT_MAX_ROWS = 10_000;
/** Files of up to this many rows are imported within the request (201); larger ones are queued (202). */
export const INLINE_ROWS = 200;
/** Rows per atomic write. An all-or-nothing file of up to this many rows is written as one unit. */
export const UNIT_ROWS = 100;
/** Rows one queue message writes before it hands on to the next. */
export const ROWS_PER_STEP = 1_000;
/** Row errors kept for the report; more are counted (`errorCount`) but not listed. */
export const MAX_STORED_ERRORS = 2_000;

/** The import's errors with `more` added: every one counted, the first MAX_STORED_ERRORS kept. */
const withErrors = (state: Import, more: ImportRowError[]) => ({
  errors: more.length ? [...state.errors, ...more].slice(0, MAX_STORED_ERRORS) : state.errors,
  errorCount: state.errorCount + more.length,
});

const WRITE_PERMISSION: Record<ImportKind, Permission> = {
  customers: 'customers:write',
  products: 'products:write',
};

export interface NewImport {
  kind: ImportKind;
  mode: ImportMode;
  fileName?: string | undefined;
  csv: string;
}

/** The import as the API shows it: the file is not echoed back, the errors are listed up to `errorLimit`. */
export type ImportView = Omit<Import, 'tenantId' | 'source' | 'deletedAt'>;

export const viewOf = (row: Import, errorLimit = 100): ImportView => {
  const { tenantId: _t, source: _s, deletedAt: _d, errors, ...rest } = row;
  return { ...rest, errors: errors.slice(0, errorLimit) };
};

/**
 * Starts an import. The file is read at once (an unreadable one is a 400 and no import); then small
 * files are imported before answering and larger ones are handed to `enqueue`.
 */
export async function createImport(
  ctx: ServiceContext,
  input: NewImport,
  enqueue: (importId: string) => Promise<void>,
): Promise<{ import: Import; queued: boolean }> {
  requirePermission(ctx.principal, WRITE_PERMISSION[input.kind]);
  if (new TextEncoder().encode(input.csv).length > IMPORT_MAX_BYTES) {
    throw new AppError(ErrorCode.PAYLOAD_TOO_LARGE, `An import file may have at most ${IMPORT_MAX_BYTES} bytes`);
  }
  const file = readCsv(input.kind, input.csv, IMPORT_MAX_ROWS);
  const queued = file.rows.length > INLINE_ROWS;
  const row: Import = {
    ...newEntity(ctx, newId()),
    kind: input.kind,
    mode: input.mode,
    status: queued ? 'queued' : 'running',
    fileName: input.fileName ?? null,
    source: input.csv,
    totalRows: file.rows.length,
    processedRows: 0,
    createdRows: 0,
    updatedRows: 0,
    unchangedRows: 0,
    failedRows: 0,
    errors: [],
    errorCount: 0,
    failure: null,
    createdBy: ctx.principal.id,
    finishedAt: null,
  };
  await commit(ctx, [
    ctx.db.insert(imports).values(row),
    auditStatement(ctx, {
      tenantId: ctx.principal.tenantId,
      action: 'import:started',
      actor: { type: ctx.principal.kind, id: ctx.principal.id },
      entity: { type: 'import', id: row.id },
      detail: { kind: row.kind, mode: row.mode, fileName: row.fileName, rows: row.totalRows },
    }),
  ]);
  if (queued) {
    await enqueue(row.id);
    return { import: row, queued: true };
  }
  let step = await runImportStep(ctx, row.id, Number.POSITIVE_INFINITY);
  while (step.status === 'continue') step = await runImportStep(ctx, row.id, Number.POSITIVE_INFINITY);
  return { import: await getImport(ctx, row.id), queued: false };
}

export async function getImport(ctx: ServiceContext, id: string): Promise<Import> {
  const row = await findEntity(ctx, imports, id, 'Import');
  requirePermission(ctx.principal, WRITE_PERMISSION[row.kind]);
  return row;
}

/**
 * An import's row errors as a downloadable CSV report (row, column, code, message) in the organisation's
 * CSV dialect or the delimiter asked for; the download is recorded in the audit log.
 */
export async function importErrorsCsv(
  ctx: ServiceContext,
  id: string,
  delimiter?: CsvDelimiter,
): Promise<{ importId: string; csv: string }> {
  const row = await getImport(ctx, id);
  await auditAccess(ctx, 'export:downloaded', { export: 'import-errors', import: row.id });
  const { locale } = await tenantSettings(ctx);
  const csv = toCsv(
    ['row', 'column', 'code', 'message'],
    row.errors.map((e) => [e.row, e.column ?? '', e.code, e.message]),
    csvDialect(locale, delimiter),
  );
  return { importId: row.id, csv };
}

/** The organisation's imports, newest first (for users who may import something). */
export async function listImports(ctx: ServiceContext, page: PageRequest): Promise<Page<Import>> {
  if (![...Object.values(WRITE_PERMISSION)].some((p) => ctx.principal.permissions.has(p))) {
    requirePermission(ctx.principal, 'customers:write');
  }
  return listPage(ctx.db, imports, {
    tenantId: ctx.principal.tenantId,
    filters: [],
    sortable: { createdAt: imports.createdAt },
    defaultSort: '-createdAt',
    page,
  });
}

/**
 * Works on one import for up to `maxRows` rows. `continue` means rows are left (the queue sends the next
 * message); `done` that it finished now or had finished before (a repeated message changes nothing).
 */
export async function runImportStep(
  ctx: ServiceContext,
  id: string,
  maxRows = ROWS_PER_STEP,
): Promise<{ status: 'continue' | 'done' }> {
  const job = await findEntity(ctx, imports, id, 'Import');
  if (job.status === 'completed' || job.status === 'failed' || job.source === null) return { status: 'done' };
  const file = readCsv(job.kind, job.source, IMPORT_MAX_ROWS);
  const lookups = await loadLookups(ctx);
  const checked = file.rows.map(({ row, cells }) => ({ row, result: rowValues(job.kind, row, cells, lookups) }));
  markRepeatedKeys(checked);

  let state = job;
  if (state.status === 'queued') state = await save(ctx, state, { status: 'running' }, []);
  if (state.mode === 'all_or_nothing' && state.processedRows === 0) {
    const errors = checked.flatMap((c) => ('errors' in c.result ? c.result.errors : []));
    if (errors.length) {
      const failedRows = new Set(errors.map((e) => e.row)).size;
      await save(
        ctx,
        state,
        {
          status: 'failed',
          failedRows,
          ...withErrors(state, errors),
          failure: `${failedRows} of ${state.totalRows} rows are invalid; nothing was imported`,
        },
        [],
        true,
      );
      return { status: 'done' };
    }
  }

  const end = Math.min(checked.length, state.processedRows + maxRows);
  for (const part of chunk(checked.slice(state.processedRows, end), UNIT_ROWS)) {
    state = await writeUnit(ctx, state, part);
    if (state.status === 'failed') return { status: 'done' };
  }
  if (state.processedRows < checked.length) return { status: 'continue' };
  await save(ctx, state, { status: 'completed' }, [], true);
  return { status: 'done' };
}

type Checked = { row: number; result: { values: RowValues } | { errors: ImportRowError[] } };

/** A key given twice in one file is an error on its later rows: which of them should win is not clear. */
function markRepeatedKeys(checked: Checked[]) {
  const firstRow = new Map<string, number>();
  for (const c of checked) {
    if (!('values' in c.result) || c.result.values.key === null) continue;
    const key = c.result.values.key;
    const first = firstRow.get(key);
    if (first === undefined) firstRow.set(key, c.row);
    else {
      const column = c.result.values.kind === 'customers' ? 'externalId' : 'sku';
      c.result = {
        errors: [
          { row: c.row, column, code: 'repeated_key', message: `${c.result.values.key} is also on row ${first}` },
        ],
      };
    }
  }
}

/**
 * Writes one unit of rows: creates and updates through the services' statements plus the import's new
 * progress, atomically. If the database refuses the unit (a record changed or a key taken meanwhile),
 * an all-or-nothing import stops there; a valid-rows import writes the unit's rows one by one instead, to
 * list the ones refused.
 */
async function writeUnit(ctx: ServiceContext, state: Import, part: Checked[]): Promise<Import> {
  const valid = part.filter((c): c is Checked & { result: { values: RowValues } } => 'values' in c.result);
  const invalid = part.flatMap((c) => ('errors' in c.result ? c.result.errors : []));
  if (invalid.length && state.mode === 'all_or_nothing') {
    // Checked whole before the first write; a row can only turn invalid since (a territory removed meanwhile).
    const failure = `Row ${invalid[0]?.row} is no longer valid; the ${state.processedRows} rows before it were imported`;
    return save(ctx, state, { status: 'failed', failure, ...withErrors(state, invalid) }, [], true);
  }
  const existing = await existingByKey(
    ctx,
    state.kind,
    valid.flatMap((c) => (c.result.values.key === null ? [] : [c.result.values.key])),
  );
  const currency = state.kind === 'products' ? await tenantCurrency(ctx, undefined) : '';
  const writes = valid.map((c) => ({ row: c.row, ...rowStatements(ctx, c.result.values, existing, currency) }));
  const progress = {
    processedRows: state.processedRows + part.length,
    ...counted(state, writes),
    failedRows: state.failedRows + new Set(invalid.map((e) => e.row)).size,
  };
  try {
    return await save(
      ctx,
      state,
      { ...progress, ...withErrors(state, invalid) },
      writes.flatMap((w) => w.statements),
    );
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    if (state.mode === 'all_or_nothing') {
      const failure =
        state.processedRows === 0
          ? `Writing failed (${err.message}); nothing was imported`
          : `Writing rows ${part[0]?.row}–${part.at(-1)?.row} failed (${err.message}); the ${state.processedRows} rows before them were imported`;
      return save(ctx, state, { status: 'failed', failure }, [], true);
    }
  }
  // One by one, so that only the rows the database refuses are left out.
  let current = state;
  for (const c of part) {
    const rowErrors = 'errors' in c.result ? c.result.errors : [];
    if ('values' in c.result) {
      const again = await existingByKey(ctx, state.kind, c.result.values.key === null ? [] : [c.result.values.key]);
      const w = rowStatements(ctx, c.result.values, again, currency);
      try {
        current = await save(
          ctx,
          current,
          { processedRows: current.processedRows + 1, ...counted(current, [w]) },
          w.statements,
        );
        continue;
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        rowErrors.push({ row: c.row, column: null, code: err.code.toLowerCase(), message: err.message });
      }
    }
    current = await save(
      ctx,
      current,
      {
        processedRows: current.processedRows + 1,
        failedRows: current.failedRows + 1,
        ...withErrors(current, rowErrors),
      },
      [],
    );
  }
  return current;
}

/** The counters a unit's writes add to the import's. */
const counted = (state: Import, writes: RowWrite[]) => ({
  createdRows: state.createdRows + writes.filter((w) => w.outcome === 'created').length,
  updatedRows: state.updatedRows + writes.filter((w) => w.outcome === 'updated').length,
  unchangedRows: state.unchangedRows + writes.filter((w) => w.outcome === 'unchanged').length,
});

/**
 * Writes `statements` with the import's new state in one unit; `finished` also drops the file and stamps
 * the end. The update is guarded on the version read, so two workers on one import cannot both write it.
 * An import appends no event of its own: the records it writes do.
 */
async function save(
  ctx: ServiceContext,
  state: Import,
  patch: Partial<Import>,
  statements: Statement[],
  finished = false,
): Promise<Import> {
  const updated: Import = {
    ...state,
    ...patch,
    ...(finished ? { source: null, finishedAt: ctx.now } : {}),
    updatedAt: ctx.now,
    version: state.version + 1,
  };
  const { tenantId: _t, id: _i, createdAt: _c, ...columns } = updated;
  await commit(
    ctx,
    [
      ...statements,
      ctx.db
        .update(imports)
        .set(columns)
        .where(
          and(
            eq(imports.tenantId, ctx.principal.tenantId),
            eq(imports.id, state.id),
            eq(imports.version, state.version),
          ),
        ),
      assertChanged(ctx.db),
    ],
    () => new AppError(ErrorCode.VERSION_MISMATCH, 'A record was changed by someone else while it was being imported'),
  );
  return updated;
}
