import { type Db, type Statement, withBinding } from './client';
import { isPostgres } from './sql';
import { compileStatement, d1StatementResult, type StatementResult } from './unit-result';

/**
 * Atomic units sent with the database's next call instead of on their own (D1 only).
 *
 * A sync push runs hundreds of units one after the other, and most of a unit's cost on D1 is the call
 * itself. When nobody needs a unit's results, it can wait: the next statement the database runs, a
 * read or another unit, goes in the same D1 batch after it. The batch is one transaction, so the
 * waiting units commit or roll back with it, and a read sent after them sees their writes. With its
 * reads by id answered from the rows it holds (rows-in-hand.ts), a push of 1,000 mutations of a phone's
 * day (create a visit, check in, take an order) makes about 20 calls rather than about 3,000.
 *
 * What the caller gives up: when such a batch fails, it cannot tell which unit failed. It is told
 * (`DeferredUnitFailed`) where the first waiting unit began, nothing of the batch was written, and it
 * runs that work again without waiting units to find the one that fails and why.
 */
export class DeferredUnits {
  /** Drizzle over this queue's binding: every call it makes first takes the waiting units along. */
  readonly db: Db;
  /** Whether `defer` may hold units back (a caller re-running failed work turns it off). */
  enabled = true;
  /** The caller's mark for the work being done now (a push: the mutation's index), kept with its units. */
  mark = 0;
  private waiting: {
    statements: D1PreparedStatement[];
    mark: number;
    committed(results: D1Result[]): void;
    advance: Advance | undefined;
  }[] = [];
  private waitingStatements = 0;
  /** The batch in flight: anything sent meanwhile waits for it, so it sees what the batch wrote. */
  private inFlight: Promise<unknown> = Promise.resolve();
  /** Batches carrying waiting units that have not answered yet. */
  private flights = 0;

  constructor(private readonly binding: D1Database) {
    this.db = withBinding(new QueueBinding(this, binding));
  }

  /** Holds `statements` back for the next call; `committed` receives their results once they are in. */
  defer(statements: Statement[], committed: (results: StatementResult[]) => void): void {
    // A shared advance leaves the unit: the batch runs one for all its units (see `sendNow`).
    const at = statements.findIndex((statement) => advances.has(statement));
    const advance = at < 0 ? undefined : advances.get(statements[at] as Statement);
    const kept = advance ? [...statements.slice(0, at), ...statements.slice(at + advance.size)] : statements;
    const prepared = kept.map((statement) => this.prepare(statement));
    this.waiting.push({
      statements: prepared,
      mark: this.mark,
      // The unit's caller reads results by its own statements' positions: the advance's are put back.
      committed: (results) => {
        const own = results.map(d1StatementResult);
        if (advance)
          own.splice(at, 0, ...Array.from({ length: advance.size }, () => ({ results: [], meta: { changes: 1 } })));
        committed(own);
      },
      advance,
    });
    this.waitingStatements += prepared.length;
  }

  private prepare(statement: Statement): D1PreparedStatement {
    const query = compileStatement(statement);
    return this.binding.prepare(query.sql).bind(...query.params);
  }

  /** Sends the waiting units on their own (the end of a push, or too many waiting). */
  async flush(): Promise<void> {
    await this.send([]);
  }

  /** Runs `own` after the waiting units in one batch and returns `own`'s results. */
  async send(own: D1PreparedStatement[]): Promise<D1Result[]> {
    const previous = this.inFlight;
    const run = previous.then(() => this.sendNow(own));
    this.inFlight = run.catch(() => undefined);
    return run;
  }

  /** Whether a call should wait its turn (units are waiting or a batch is in flight). */
  get busy(): boolean {
    return this.waiting.length > 0 || this.flights > 0;
  }

  private async sendNow(own: D1PreparedStatement[]): Promise<D1Result[]> {
    const taken = this.waiting;
    this.waiting = [];
    this.waitingStatements = 0;
    if (taken.length === 0) return own.length === 0 ? [] : this.binding.batch(own);
    const statements = [...taken.flatMap((unit) => unit.statements), ...this.sharedAdvances(taken)];
    const ownAt = statements.length;
    this.flights++;
    let results: D1Result[];
    try {
      results = await this.binding.batch([...statements, ...own]);
    } catch (failure) {
      throw new DeferredUnitFailed(taken[0]?.mark ?? 0, failure);
    } finally {
      this.flights--;
    }
    let at = 0;
    for (const unit of taken) {
      unit.committed(results.slice(at, at + unit.statements.length));
      at += unit.statements.length;
    }
    return results.slice(ownAt);
  }

  /**
   * The advances of `units`, one per run of consecutive advances of the same counter: from where the
   * run's first starts to where its last ends. The batch is one transaction, so that advance fails it
   * exactly when one of the units' own would have.
   */
  private sharedAdvances(units: { advance: Advance | undefined }[]): D1PreparedStatement[] {
    const runs: Advance[] = [];
    for (const { advance } of units) {
      if (!advance) continue;
      const run = runs.at(-1);
      if (run && run.counter === advance.counter && run.to === advance.from) run.to = advance.to;
      else runs.push({ ...advance });
    }
    return runs.flatMap((run) => run.statements(run.from, run.to).map((statement) => this.prepare(statement)));
  }

  /** Too many statements waiting make one batch too large; the caller flushes before deferring more. */
  get full(): boolean {
    return this.waitingStatements >= MAX_WAITING_STATEMENTS;
  }
}

const MAX_WAITING_STATEMENTS = 200;

/**
 * A counter's guarded advance inside a unit (a sync client's last mutation id, from `from` to `to`; the
 * unit fails unless the counter stood at `from`). Units that wait in one batch share one: consecutive
 * advances of the same counter become a single one from the first's `from` to the last's `to`.
 */
export interface Advance {
  /** Which counter (advances of different counters are never merged). */
  counter: string;
  from: number;
  to: number;
  /** The advance's statements, in order (the guarded update, then its guard). */
  statements(from: number, to: number): Statement[];
  /** How many statements `statements` returns. */
  size: number;
}

const advances = new WeakMap<object, Advance>();

/** The statements of `advance`, marked so that a batch of waiting units may share it (`DeferredUnits`). */
export function sharedAdvance(advance: Omit<Advance, 'size'>): Statement[] {
  const statements = advance.statements(advance.from, advance.to);
  const [first] = statements;
  if (first) advances.set(first, { ...advance, size: statements.length });
  return statements;
}

/**
 * A batch carrying waiting units failed, so none of it was written. `since` is the mark of the first
 * waiting unit: the work from there on has to run again. (The driver's error is `failure`, not `cause`:
 * the unit runner reads a cause's message to tell a guard or a constraint, and this is neither.)
 */
export class DeferredUnitFailed extends Error {
  constructor(
    readonly since: number,
    readonly failure: unknown,
  ) {
    super('A batch of deferred units failed; nothing of it was written');
  }
}

/** The `DeferredUnitFailed` behind `err` (drizzle wraps a driver's error in its own). */
export function deferredFailureIn(err: unknown): DeferredUnitFailed | undefined {
  let e: unknown = err;
  for (let depth = 0; depth < 4 && e instanceof Error; depth++) {
    if (e instanceof DeferredUnitFailed) return e;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** A queue over `db`'s binding; none on Postgres, whose unit is a transaction of its own. */
export const deferUnitsOn = (db: Db): DeferredUnits | undefined =>
  isPostgres(db) ? undefined : new DeferredUnits(db.$client);

/** The queue behind `db`, if it is one's (`DeferredUnits.db`). */
export const deferredUnitsOf = (db: Db): DeferredUnits | undefined => {
  const client = db.$client as unknown;
  return client instanceof QueueBinding ? client.queue : undefined;
};

/**
 * The D1 binding as drizzle sees it through a queue: statements are prepared on the real binding, and
 * running one sends the waiting units first, in the same batch when it is a read.
 */
class QueueBinding {
  constructor(
    readonly queue: DeferredUnits,
    private readonly binding: D1Database,
  ) {}

  prepare(query: string): QueuedStatement {
    return new QueuedStatement(this.queue, this.binding, query, [], this.binding.prepare(query));
  }

  batch(statements: QueuedStatement[]): Promise<D1Result[]> {
    return this.queue.send(statements.map((s) => s.real));
  }

  async exec(query: string): Promise<D1ExecResult> {
    await this.queue.flush();
    return this.binding.exec(query);
  }
}

/** A read whose rows come back as objects can ride the batch; so can one as arrays, re-wrapped below. */
const READ = /^\s*select\b/i;

class QueuedStatement {
  constructor(
    private readonly queue: DeferredUnits,
    private readonly binding: D1Database,
    private readonly query: string,
    private readonly params: unknown[],
    readonly real: D1PreparedStatement,
  ) {}

  bind(...params: unknown[]): QueuedStatement {
    return new QueuedStatement(this.queue, this.binding, this.query, params, this.real.bind(...params));
  }

  async all<T>(): Promise<D1Result<T>> {
    if (!this.queue.busy) return this.real.all<T>();
    if (!READ.test(this.query)) return this.afterFlush(() => this.real.all<T>());
    const [result] = await this.queue.send([this.real]);
    return result as D1Result<T>;
  }

  async first<T>(column?: string): Promise<T | null> {
    const { results } = await this.all<Record<string, unknown>>();
    const row = results[0];
    if (!row) return null;
    return (column === undefined ? row : row[column]) as T;
  }

  async run<T>(): Promise<D1Result<T>> {
    if (!this.queue.busy) return this.real.run<T>();
    return this.afterFlush(() => this.real.run<T>());
  }

  /**
   * Rows as arrays (how drizzle reads selects). A batch returns objects, and a join's two `id` columns
   * would become one key; wrapped as `SELECT * FROM (…)`, SQLite names the second `id:1`, so every
   * column keeps its own key, in order. Keys that look like numbers are reordered by JavaScript objects:
   * that read is then run again on its own (the waiting units are in by then).
   */
  async raw<T = unknown[]>(options?: { columnNames?: boolean }): Promise<T[]> {
    if (!this.queue.busy || options?.columnNames || !READ.test(this.query)) {
      if (this.queue.busy) await this.queue.flush();
      return this.real.raw<T>(options as { columnNames?: false });
    }
    const wrapped = this.binding.prepare(`SELECT * FROM (${this.query})`).bind(...this.params);
    const [result] = await this.queue.send([wrapped]);
    const rows = (result?.results ?? []) as Record<string, unknown>[];
    if (rows.some((row) => Object.keys(row).some((key) => /^\d+$/.test(key)))) return this.real.raw<T>();
    return rows.map((row) => Object.values(row)) as T[];
  }

  private async afterFlush<R>(run: () => Promise<R>): Promise<R> {
    await this.queue.flush();
    return run();
  }
}
