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

/** A unit's statement as SQL and parameters (drizzle's query builders and raw statements alike). */
export function compileStatement(statement: unknown): { sql: string; params: unknown[] } {
  const s = statement as {
    toSQL?: () => { sql: string; params: unknown[] };
    getQuery?: () => { sql: string; params: unknown[] };
  };
  if (s.toSQL) return s.toSQL();
  if (s.getQuery) return s.getQuery();
  throw new Error('Unsupported batch statement');
}

/** One D1 batch result as a unit's statement result. */
export const d1StatementResult = (r: D1Result): StatementResult => ({
  results: (r.results ?? []) as Record<string, unknown>[],
  meta: { changes: r.meta.changes },
});
