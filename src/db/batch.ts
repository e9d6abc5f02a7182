import { type SQL, sql } from 'drizzle-orm';
import { AppError, ErrorCode } from '../lib/errors';
import type { Db, Statement } from './client';
import { DeferredUnitFailed } from './deferred-units';
import { isEventAppend } from './event-log';
import { runPostgresUnit } from './pg/unit';
import { isPostgres, rawStatement } from './sql';
import { compileStatement, d1StatementResult, GuardFailed, type StatementResult } from './unit-result';

export type { Statement, StatementResult };

/** Guard statements of the units being built: tagged, so the Postgres runner can check them itself. */
const guards = new WeakSet<object>();

export const isGuard = (statement: Statement): boolean => guards.has(statement);

/**
 * Aborts the unit unless the statement just before it changed at least one row, so a conditional write
 * ("confirm only if still draft") stays atomic. On D1, which runs a batch as one transaction but has no
 * interactive transactions, the guard is SQL: the NOT NULL violation rolls back every earlier statement.
 * On Postgres the unit is a transaction and its runner checks the previous statement's row count.
 */
export function assertChanged(db: Db): Statement {
  const statement = isPostgres(db)
    ? rawStatement(db, sql`SELECT 1`)
    : rawStatement(db, sql`INSERT INTO batch_guard (row_changed) SELECT NULL WHERE changes() = 0`);
  guards.add(statement);
  return statement;
}

/** Constraint names our units rely on, the same on both databases (src/db/schema, src/db/pg/schema). */
const STOCK_CONSTRAINTS = ['inventory_reserved_within_stock', 'inventory_on_hand_non_negative'];

/**
 * Translates the failures our units rely on into stable API errors: a guard, the stock checks, unique
 * and foreign-key violations. D1 reports them as messages; Postgres as SQLSTATEs (23505 unique, 23503
 * foreign key, 23514 check, 40001/40P01 serialization or deadlock).
 */
export function mapBatchError(err: unknown, onGuard: () => AppError): never {
  if (err instanceof AppError || err instanceof DeferredUnitFailed) throw err;
  if (err instanceof GuardFailed) throw onGuard();
  const pg = postgresError(err);
  if (pg) {
    if (pg.code === '23514' && STOCK_CONSTRAINTS.includes(pg.constraint ?? '')) throw insufficientStock();
    if (pg.code === '23505') throw new AppError(ErrorCode.ALREADY_EXISTS, uniqueDetail(pg.detail ?? ''));
    if (pg.code === '23503') throw new AppError(ErrorCode.NOT_FOUND, 'A referenced record does not exist');
    if (pg.code === '40001' || pg.code === '40P01') {
      throw new AppError(ErrorCode.CONFLICT, 'The record was changed concurrently; retry');
    }
    throw err;
  }
  const message =
    err instanceof Error ? `${err.message} ${String((err as { cause?: unknown }).cause ?? '')}` : String(err);
  if (message.includes('batch_guard.row_changed')) throw onGuard();
  if (STOCK_CONSTRAINTS.some((name) => message.includes(name))) throw insufficientStock();
  if (message.includes('UNIQUE constraint failed')) {
    throw new AppError(ErrorCode.ALREADY_EXISTS, uniqueDetail(message));
  }
  if (message.includes('FOREIGN KEY constraint failed')) {
    throw new AppError(ErrorCode.NOT_FOUND, 'A referenced record does not exist');
  }
  throw err;
}

const insufficientStock = () => new AppError(ErrorCode.INSUFFICIENT_STOCK, 'Not enough stock available');

/** The fields of a Postgres error (the Neon driver's DatabaseError) that the mapping reads. */
interface PostgresError {
  code: string;
  constraint?: string;
  detail?: string;
}

function postgresError(err: unknown): PostgresError | undefined {
  let e: unknown = err;
  // drizzle wraps driver errors in a "Failed query" error whose cause is the driver's.
  for (let depth = 0; depth < 3 && e instanceof Error; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return e as unknown as PostgresError;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** "A record with this email already exists", from either database's wording of a unique violation. */
function uniqueDetail(message: string): string {
  const sqlite = /UNIQUE constraint failed: ([\w.,\s]+)/.exec(message)?.[1];
  const pg = /^Key \(([^)]+)\)=/.exec(message)?.[1];
  const cols = (sqlite ?? pg)
    ?.split(',')
    .map((c) => c.trim().split('.').pop())
    .filter((c) => c && c !== 'tenant_id');
  return cols?.length ? `A record with this ${cols.join(', ')} already exists` : 'Record already exists';
}

/**
 * Runs statements that append no event as one atomic unit: the few writes made before a caller is known
 * (sign-in, token refresh). Everything else commits through the write pipeline (services/write-pipeline.ts),
 * which hands the appended events on; an event appended here would reach no consumer until its poll.
 */
export async function runBatch(db: Db, statements: Statement[], onGuard?: () => AppError): Promise<StatementResult[]> {
  if (statements.some(isEventAppend)) throw new Error('Events are committed through the write pipeline');
  return executeBatch(db, statements, onGuard);
}

/**
 * Runs statements as one atomic unit and returns each statement's result: one D1 batch (a transaction),
 * or one Postgres transaction. Statements are compiled by drizzle and sent to the driver directly,
 * because drizzle's own batch cannot carry raw statements and Postgres has no batch.
 */
export async function executeBatch(
  db: Db,
  statements: Statement[],
  onGuard?: () => AppError,
): Promise<StatementResult[]> {
  if (statements.length === 0) return [];
  const guardError = onGuard ?? (() => new AppError(ErrorCode.CONFLICT, 'The record was changed concurrently; retry'));
  try {
    if (isPostgres(db)) return await runPostgresUnit(db, statements.map(toUnitStatement));
    const d1 = db.$client;
    const prepared = statements.map((statement) => {
      const query = compileStatement(statement);
      return d1.prepare(query.sql).bind(...query.params);
    });
    return (await d1.batch(prepared)).map(d1StatementResult);
  } catch (err) {
    mapBatchError(err, guardError);
  }
}

const toUnitStatement = (statement: Statement) =>
  isGuard(statement) ? ({ guard: true } as const) : ({ guard: false, ...compileStatement(statement) } as const);

export type { SQL };
