import { describe, expect, it } from 'vitest';
import { fileProblem, type ImportJob, isRunning, MAX_BYTES, outcome, uploadPath } from '../src/import/import-model';

const job = (over: Partial<ImportJob>): ImportJob => ({
  id: 'i1',
  kind: 'customers',
  mode: 'valid_rows',
  status: 'completed',
  fileName: 'shops.csv',
  totalRows: 10,
  processedRows: 10,
  createdRows: 5,
  updatedRows: 2,
  unchangedRows: 0,
  failedRows: 3,
  errorCount: 3,
  errors: [],
  failure: null,
  createdAt: '2026-05-01T10:00:00Z',
  finishedAt: '2026-05-01T10:00:01Z',
  createdBy: 'u1',
  ...over,
});

describe('CSV import', () => {
  it('refuses empty files, files over 1 MiB and files that are not CSV before sending them', () => {
    expect(fileProblem({ name: 'shops.csv', size: 120, type: 'text/csv' })).toBeNull();
    // Windows reports CSV files as Excel's.
    expect(fileProblem({ name: 'shops.csv', size: 120, type: 'application/vnd.ms-excel' })).toBeNull();
    expect(fileProblem({ name: 'shops.csv', size: 0, type: 'text/csv' })).toMatch(/empty/);
    expect(fileProblem({ name: 'big.csv', size: MAX_BYTES + 1, type: 'text/csv' })).toMatch(/limit is 1 MiB/);
    expect(fileProblem({ name: 'photo.png', size: 500, type: 'image/png' })).toMatch(/does not look like a CSV/);
  });

  it('sends the kind, mode and file name in the query', () => {
    expect(uploadPath('products', 'all_or_nothing', 'Preise März.csv')).toBe(
      '/v1/imports?kind=products&mode=all_or_nothing&fileName=Preise+M%C3%A4rz.csv',
    );
  });

  it('polls while queued or running, and says how it ended', () => {
    expect(isRunning('queued')).toBe(true);
    expect(isRunning('running')).toBe(true);
    expect(isRunning('completed')).toBe(false);
    expect(outcome(job({}))).toBe('Imported: 5 rows created, 2 updated; 3 invalid rows skipped.');
    expect(outcome(job({ failedRows: 0, errorCount: 0, createdRows: 1, unchangedRows: 4 }))).toBe(
      'Imported: 1 row created, 2 updated, 4 unchanged.',
    );
    expect(outcome(job({ mode: 'all_or_nothing', status: 'failed', createdRows: 0, updatedRows: 0 }))).toBe(
      'Nothing was imported: 3 rows are invalid. Fix them and import the file again.',
    );
    expect(outcome(job({ status: 'running', processedRows: 400, totalRows: 1000 }))).toBe(
      'Importing: 400 of 1000 rows read…',
    );
    expect(outcome(job({ status: 'failed', failedRows: 0, errorCount: 0, failure: 'Rows 2–101 were written' }))).toBe(
      'Rows 2–101 were written',
    );
  });
});
