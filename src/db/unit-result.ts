/** The result of one statement of an atomic unit: the rows it returned and how many rows it changed. */
export interface StatementResult {
  results: Record<string, unknown>[];
  meta: { changes: number };
}

/** Thrown inside a Postgres unit when a guard finds that nothing changed (D1's guard is SQL, src/db/batch.ts). */
export class GuardFailed extends Error {
  constructor() {
    super('batch_guard.row_changed');
  }
}
