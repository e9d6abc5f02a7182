import { type SQL, sql } from 'drizzle-orm';
import { AppError, ErrorCode } from '../lib/errors';
import type { Db, Statement } from './client';
import { isEventAppend } from './event-log';

export type { Statement };

/**
 * Aborts the batch unless the statement just before it changed at least one row. D1 runs a batch as one
 * transaction, so the NOT NULL violation rolls back every earlier statement: this is how a conditional
 * write ("confirm only if still draft") stays atomic without interactive transactions.
 */
export const assertChanged = (db: Db): Statement =>
  db.run(sql`INSERT INTO batch_guard (row_changed) SELECT NULL WHERE changes() = 0`);

/** Translates the constraint failures our batches rely on into stable API errors. */
export function mapBatchError(err: unknown, onGuard: () => AppError): never {
  const message =
    err instanceof Error ? `${err.message} ${String((err as { cause?: unknown }).cause ?? '')}` : String(err);
  if (message.includes('batch_guard.row_changed')) throw onGuard();
  if (message.includes('inventory_reserved_within_stock') || message.includes('inventory_on_hand_non_negative')) {
    throw new AppError(ErrorCode.INSUFFICIENT_STOCK, 'Not enough stock available');
  }
  if (message.includes('UNIQUE constraint failed')) {
    throw new AppError(ErrorCode.ALREADY_EXISTS, uniqueDetail(message));
  }
  if (message.includes('FOREIGN KEY constraint failed')) {
    throw new AppError(ErrorCode.NOT_FOUND, 'A referenced record does not exist');
  }
  throw err;
}

function uniqueDetail(message: string): string {
  const m = /UNIQUE constraint failed: ([\w.,\s]+)/.exec(message);
  const cols = m?.[1]
    ?.split(',')
    .map((c) => c.trim().split('.').pop())
    .filter((c) => c && c !== 'tenant_id');
  return cols?.length ? `A record with this ${cols.join(', ')} already exists` : 'Record already exists';
}

/**
 * Runs statements that append no event as one D1 batch: the few writes made before a caller is known
 * (sign-in, token refresh). Everything else commits through the write pipeline (services/write.ts),
 * which hands the appended events on; an event appended here would reach no consumer until its poll.
 */
export async function runBatch(db: Db, statements: Statement[], onGuard?: () => AppError): Promise<D1Result[]> {
  if (statements.some(isEventAppend)) throw new Error('Events are committed through the write pipeline');
  return executeBatch(db, statements, onGuard);
}

/**
 * Runs statements as one D1 batch (one transaction) and returns each statement's result. Statements are
 * compiled by drizzle and sent through the D1 binding directly, because drizzle's own batch cannot carry
 * raw `db.run(sql)` statements.
 */
export async function executeBatch(db: Db, statements: Statement[], onGuard?: () => AppError): Promise<D1Result[]> {
  if (statements.length === 0) return [];
  const d1 = db.$client;
  const prepared = statements.map((statement) => {
    const query = compile(statement);
    return d1.prepare(query.sql).bind(...query.params);
  });
  try {
    return await d1.batch(prepared);
  } catch (err) {
    mapBatchError(
      err,
      onGuard ?? (() => new AppError(ErrorCode.CONFLICT, 'The record was changed concurrently; retry')),
    );
  }
}

function compile(statement: Statement): { sql: string; params: unknown[] } {
  const s = statement as unknown as {
    toSQL?: () => { sql: string; params: unknown[] };
    getQuery?: () => { sql: string; params: unknown[] };
  };
  if (s.toSQL) return s.toSQL();
  if (s.getQuery) return s.getQuery();
  throw new Error('Unsupported batch statement');
}

export type { SQL };
