import { and, eq, inArray } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { HeldRow } from '../db/rows-in-hand';
import { readTogether } from '../db/sql';
import { customers, products, salesmen, visits } from '../db/tables';
import { chunk, IDS_PER_QUERY } from '../lib/chunk';
import type { ServiceContext } from './context';
import type { EntityTable } from './entity';
import type { SyncEntity } from './sync-mutations';

/**
 * What a sync push reads before its first mutation: every record its mutations name (the visits they
 * check in, the customers they visit, the products they order, the salesmen they name) and the customer
 * of each of those visits, in one call. The mutations' own reads by id are then answered from these
 * rows and from what the push writes (db/rows-in-hand.ts), so its units ride together in a few batches.
 *
 * The tables held are those a push writes only through the entity layer (whose writes the hand
 * records): customers and visits, which mutations create and change, and products and salesmen, which
 * no mutation writes. Orders are not held: recording a payment changes its order directly.
 */
export const heldTables = (): EntityTable[] => [customers, visits, products, salesmen];

/** A prepared mutation, as far as reading ahead goes: its entity, the record it targets, its arguments. */
export interface Naming {
  entity: SyncEntity;
  targetId: string | undefined;
  args: object;
}

/**
 * The arguments that name records, by the table holding them (the same names in every mutation), and
 * the table of each entity a mutation targets. Functions, not constants: the tables are the database's
 * (db/tables.ts swaps in Postgres's), known once the Worker runs.
 */
const namedBy = (): Record<string, EntityTable> => ({ customerId: customers, visitId: visits, salesmanId: salesmen });
const targets = (): Partial<Record<SyncEntity, EntityTable>> => ({ customer: customers, visit: visits });

/** The ids `mutations` name, by table (the caller's own salesman too: his visits and orders name him). */
function namedRecords(ctx: ServiceContext, mutations: readonly Naming[]): Map<EntityTable, Set<string>> {
  const named = new Map<EntityTable, Set<string>>(heldTables().map((table) => [table, new Set<string>()]));
  const add = (table: EntityTable | undefined, id: unknown) => {
    if (table && typeof id === 'string') named.get(table)?.add(id);
  };
  add(salesmen, ctx.principal.kind === 'user' ? ctx.principal.salesmanId : undefined);
  const [byArgument, byEntity] = [namedBy(), targets()];
  for (const { entity, targetId, args } of mutations) {
    add(byEntity[entity], targetId);
    for (const [key, value] of Object.entries(args)) add(byArgument[key], value);
    const lines = (args as { lines?: { productId: string }[] }).lines;
    for (const line of lines ?? []) add(products, line.productId);
  }
  return named;
}

/**
 * Reads the records `mutations` name into the context's hand (those of the caller's tenant, deleted or
 * not: the hand judges them as the entity layer would), with the customers of the visits among them.
 */
export async function readAhead(ctx: ServiceContext, mutations: readonly Naming[]): Promise<void> {
  const hand = ctx.held;
  if (!hand || mutations.length === 0) return;
  const tenantId = ctx.principal.tenantId;
  const reads: { table: EntityTable; ids: string[] | null; rows: PromiseLike<HeldRow[]> }[] = [];
  const byIds = (table: EntityTable, ids: string[]) =>
    ctx.db
      .select()
      .from(table as SQLiteTable)
      .where(and(eq(table.tenantId, tenantId), inArray(table.id, ids))) as unknown as PromiseLike<HeldRow[]>;
  for (const [table, named] of namedRecords(ctx, mutations)) {
    for (const ids of chunk([...named], IDS_PER_QUERY)) {
      reads.push({ table, ids, rows: byIds(table, ids) });
      // A check-in judges the fix by the visit's customer, whom the push may not name itself.
      if (table === visits) {
        const ofVisits = ctx.db
          .select({ id: visits.customerId })
          .from(visits)
          .where(and(eq(visits.tenantId, tenantId), inArray(visits.id, ids)));
        const rows = ctx.db
          .select()
          .from(customers)
          .where(and(eq(customers.tenantId, tenantId), inArray(customers.id, ofVisits)));
        reads.push({ table: customers, ids: null, rows: rows as unknown as PromiseLike<HeldRow[]> });
      }
    }
  }
  const [first, ...rest] = reads.map((read) => read.rows);
  if (!first) return;
  const results = await readTogether(ctx.db, [first, ...rest]);
  reads.forEach(({ table, ids }, i) => {
    const rows = results[i] ?? [];
    hand.read(table, ids ?? rows.map((row) => row.id), rows);
  });
}
