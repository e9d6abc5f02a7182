import { getTableColumns, type SQL } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';

/**
 * Rows a piece of work already holds, by table and id: those it read ahead and those it wrote since.
 *
 * A sync push processes up to 1,000 mutations, and most of them read what an earlier one named or just
 * wrote: a check-in reads the visit created before it, an order reads that visit and its products'
 * prices. On D1 each such read is a call of its own, and every unit waiting to ride the next call
 * (deferred-units.ts) goes with it, so a push made about one call per mutation. With the records the
 * mutations name read ahead in one call, and each write recorded here as it is made, those reads are
 * answered in hand and the units ride together in a few large batches.
 *
 * What a held row is: the row as the holder's own reads and writes left it. A writer outside the push
 * may have changed it since. The guard on `version` catches that when the push writes the row, and the
 * push then drops what it holds and processes that mutation again from the database (sync.service.ts).
 * Reads that only decide (an id exists, the customer a visit is at) see the record as it was when the
 * push read it: the push behaves as if it had run a moment earlier, as any read-then-write does.
 *
 * Only writes through the entity layer (`insertEntity`, `updateEntity`) are recorded, so a table is held
 * only if every write a push makes to it goes through them (`heldTables` in services/sync-read-ahead.ts).
 */
export interface HeldRow {
  tenantId: string;
  id: string;
  deletedAt: string | null;
}

export class RowsInHand {
  private readonly held = new Map<SQLiteTable, Map<string, HeldRow | null>>();
  /** Set when a held answer was handed out; the holder resets it to learn whether a decision used one. */
  served = false;

  constructor(tables: readonly SQLiteTable[]) {
    for (const table of tables) this.held.set(table, new Map());
  }

  /** Records a read by id: `found` are the rows among `ids` that exist; the others are known missing. */
  read(table: SQLiteTable, ids: readonly string[], found: readonly HeldRow[]): void {
    const rows = this.held.get(table);
    if (!rows) return;
    for (const id of ids) rows.set(id, null);
    for (const row of found) rows.set(row.id, row);
  }

  /** Records a row as just written (inserted, or updated to this state). */
  wrote(table: SQLiteTable, row: HeldRow): void {
    this.held.get(table)?.set(row.id, row);
  }

  /** The row held for `id` as stored (deleted or not): the row, null when known missing, undefined when not held. */
  get(table: SQLiteTable, id: string): HeldRow | null | undefined {
    return this.held.get(table)?.get(id);
  }

  /** Drops everything held (what was written may not have been, or was changed by someone else). */
  forget(): void {
    for (const rows of this.held.values()) rows.clear();
  }
}

/**
 * Conditions of the form `column = value` that a held row can be checked against in memory, as the
 * database would check them (a salesman's "own rows only" rule registers its condition here).
 */
const equalities = new WeakMap<SQL, { column: SQLiteColumn; value: unknown }>();

/** Registers `condition` (which must be `column = value`) as checkable on held rows; returns it. */
export function checkableEquality(condition: SQL, column: SQLiteColumn, value: unknown): SQL {
  equalities.set(condition, { column, value });
  return condition;
}

/** Whether `row` of `table` satisfies `condition`; undefined when it is not a condition known here. */
export function satisfies(table: SQLiteTable, row: HeldRow, condition: SQL | undefined): boolean | undefined {
  if (condition === undefined) return true;
  const rule = equalities.get(condition);
  if (!rule) return undefined;
  const key = propertyOf(table, rule.column);
  return key === undefined ? undefined : (row as unknown as Record<string, unknown>)[key] === rule.value;
}

/** The row property a column maps to (drizzle rows are keyed by the schema's property names). */
const properties = new WeakMap<SQLiteColumn, string | undefined>();

function propertyOf(table: SQLiteTable, column: SQLiteColumn): string | undefined {
  if (properties.has(column)) return properties.get(column);
  const entry = Object.entries(getTableColumns(table)).find(([, c]) => c === column);
  properties.set(column, entry?.[0]);
  return entry?.[0];
}
