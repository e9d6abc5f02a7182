/** The CSV import contract (POST/GET /v1/imports) and the plain rules the Import screen follows. */

export type ImportKind = 'customers' | 'products';
export type ImportMode = 'all_or_nothing' | 'valid_rows';
export type ImportStatus = 'queued' | 'running' | 'completed' | 'failed';

export interface RowError {
  row: number;
  column: string | null;
  code: string;
  message: string;
}

export interface ImportJob {
  id: string;
  kind: ImportKind;
  mode: ImportMode;
  status: ImportStatus;
  fileName: string | null;
  totalRows: number;
  processedRows: number;
  createdRows: number;
  updatedRows: number;
  /** Rows matching a record that already held their values (not written again). */
  unchangedRows: number;
  failedRows: number;
  errorCount: number;
  /** The first 100; the first 2,000 are in GET /v1/imports/{id}/errors?format=csv. */
  errors: RowError[];
  /** Why the import as a whole failed. */
  failure: string | null;
  createdAt: string;
  finishedAt: string | null;
  createdBy: string;
}

/** The error report (GET /v1/imports/{id}/errors) keeps this many; `errorCount` counts them all. */
export const REPORTED_ERRORS = 2_000;

/** The API takes at most 1 MiB per file. */
export const MAX_BYTES = 1024 * 1024;

export const KINDS: Record<ImportKind, { label: string; columns: string; key: string }> = {
  customers: {
    label: 'Customers',
    columns:
      'externalId, name (required), email, phone, company, address, city, lat, lng, territory (id or name), salesman (id, employee code or his email), notes',
    key: 'A row with an externalId already imported updates that customer; without one, a new customer is created.',
  },
  products: {
    label: 'Products',
    columns:
      'sku (required), name (required), price (required, in the organisation’s currency; or priceMinor in cents), description, category, active',
    key: 'A row whose SKU exists updates that product; a new SKU creates one.',
  },
};

export const MODES: Record<ImportMode, { label: string; explain: string }> = {
  all_or_nothing: {
    label: 'All or nothing',
    explain: 'If any row is invalid, nothing is imported: fix the file and import it again.',
  },
  valid_rows: {
    label: 'Valid rows only',
    explain: 'Invalid rows are skipped and listed; every valid row is imported.',
  },
};

/** Why a file cannot be sent, or null. */
export function fileProblem(file: { name: string; size: number; type: string }): string | null {
  if (file.size === 0) return `${file.name} is empty.`;
  if (file.size > MAX_BYTES) {
    return `${file.name} is ${(file.size / MAX_BYTES).toFixed(1)} MiB; the limit is 1 MiB. Split it into smaller files.`;
  }
  const csvType = !file.type || /csv|text\/plain|ms-excel/.test(file.type);
  if (!/\.(csv|txt)$/i.test(file.name) && !csvType) return `${file.name} does not look like a CSV file.`;
  return null;
}

export const isRunning = (status: ImportStatus): boolean => status === 'queued' || status === 'running';

/** The import URL for a kind, mode and file name. */
export function uploadPath(kind: ImportKind, mode: ImportMode, fileName: string): string {
  return `/v1/imports?${new URLSearchParams({ kind, mode, fileName })}`;
}

/** One sentence on how an import ended (or where it is). */
export function outcome(job: ImportJob): string {
  const n = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
  if (job.status === 'queued') return 'Waiting to start…';
  if (job.status === 'running') return `Importing: ${job.processedRows} of ${job.totalRows || '?'} rows read…`;
  const invalid = job.failedRows || job.errorCount;
  if (job.mode === 'all_or_nothing' && invalid > 0) {
    const them = invalid === 1 ? 'row is invalid. Fix it' : 'rows are invalid. Fix them';
    return `Nothing was imported: ${invalid} ${them} and import the file again.`;
  }
  if (job.status === 'failed') return job.failure ?? 'The import failed. Check the file and try again.';
  const unchanged = job.unchangedRows > 0 ? `, ${job.unchangedRows} unchanged` : '';
  const done = `${n(job.createdRows, 'row')} created, ${job.updatedRows} updated${unchanged}`;
  return invalid > 0 ? `Imported: ${done}; ${n(invalid, 'invalid row')} skipped.` : `Imported: ${done}.`;
}
