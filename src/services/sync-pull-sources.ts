import { and, eq, inArray, isNull, or, type SQL } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { Permission } from '../auth/permissions';
import { ownSalesmanScope, type Principal } from '../auth/principal';
import { PULL_ENTITY_NAMES } from '../contracts/sync.schemas';
import { dialect } from '../db/sql';
import {
  customers,
  events,
  inventory,
  notifications,
  orders,
  payments,
  products,
  salesmen,
  targets,
  territories,
  visits,
} from '../db/tables';
import { chunk } from '../lib/chunk';
import { forbidden } from '../lib/errors';
import type { ServiceContext } from './context';
import type { EntityTable } from './entity';
import { visibleTo } from './notifications.service';
import { getLinesByOrderIds, ofVisibleOrders } from './orders.service';

/**
 * What a sync pull reads, entity type by entity type (docs/sync.md): who the caller is and the working
 * set that follows from it, which rows of each type fall in that set, which event payloads once put a
 * record there, and how the rows are shaped into the records the REST API returns. The paging over
 * snapshot and log is in sync-pull.service.ts.
 */

export const PULL_ENTITIES = PULL_ENTITY_NAMES;
export type PullEntity = (typeof PULL_ENTITIES)[number];

/** Ids per `IN (…)` list: D1 binds at most 100 parameters a statement, and each query has a few more. */
export const IDS_PER_QUERY = 90;

/** Who is pulling, and the working set that follows from it. */
export interface Viewer {
  principal: Principal;
  /** The salesman whose records a salesman user carries; null for the whole tenant. */
  salesmanId: string | null;
  /** That salesman's territory: its customers are in his working set. */
  territoryId: string | null;
}

/** How one entity type is read for sync. */
export interface Source {
  entity: PullEntity;
  permission: Permission;
  table: EntityTable;
  /** The viewer's working set within the tenant's live rows; undefined: all of them. */
  workingSet(ctx: ServiceContext, viewer: Viewer): SQL | undefined;
  /**
   * For records a manager can hand from one salesman to another: whether an event payload of the record
   * (its state at some point) put it in this viewer's working set. A record not visible now is removed
   * from the device only if it once was. Entity types without it never change hands: a record not
   * visible now is removed only if it is the viewer's and deleted.
   */
  wasAssigned?(viewer: Viewer): SQL | undefined;
  /** The rows as the REST API returns them. */
  toRecords(ctx: ServiceContext, rows: Row[]): Promise<Record<string, unknown>[]>;
}

export type Row = Record<string, unknown> & { tenantId: string; id: string; version: number };

const apiShape = ({ tenantId: _tenant, ...record }: Row): Record<string, unknown> => record;
const asRecords = async (_ctx: ServiceContext, rows: Row[]) => rows.map(apiShape);

/** `column = the viewer's salesman` for a salesman, nothing for the rest. */
const mine = (column: SQLiteColumn, viewer: Viewer): SQL | undefined =>
  viewer.salesmanId ? eq(column, viewer.salesmanId) : undefined;

/** A payload's member equal to the viewer's salesman (or territory). */
const payloadIs = (key: string, value: string | null): SQL | undefined =>
  value === null ? undefined : eq(dialect.jsonText(events.payload, key), value);

/**
 * The sources in the order a snapshot sends them: references before what refers to them. Built per
 * call, since `../db/tables` binds the tables of the deployment's database when it opens.
 */
export function sources(): Source[] {
  return [
    {
      entity: 'territory',
      permission: 'territories:read',
      table: territories,
      workingSet: () => undefined,
      toRecords: asRecords,
    },
    {
      entity: 'salesman',
      permission: 'salesmen:read',
      table: salesmen,
      // A salesman's phone carries his own profile; managers carry the team.
      workingSet: (_ctx, viewer) => mine(salesmen.id, viewer),
      toRecords: asRecords,
    },
    {
      entity: 'product',
      permission: 'products:read',
      table: products,
      workingSet: () => undefined,
      toRecords: withStock,
    },
    {
      entity: 'customer',
      permission: 'customers:read',
      table: customers,
      // His own customers and those of his territory.
      workingSet: (_ctx, viewer) =>
        viewer.salesmanId
          ? or(
              eq(customers.salesmanId, viewer.salesmanId),
              viewer.territoryId ? eq(customers.territoryId, viewer.territoryId) : undefined,
            )
          : undefined,
      wasAssigned: (viewer) =>
        viewer.salesmanId
          ? or(payloadIs('salesmanId', viewer.salesmanId), payloadIs('territoryId', viewer.territoryId))
          : undefined,
      toRecords: asRecords,
    },
    {
      entity: 'visit',
      permission: 'visits:read',
      table: visits,
      workingSet: (_ctx, viewer) => mine(visits.salesmanId, viewer),
      wasAssigned: (viewer) => payloadIs('salesmanId', viewer.salesmanId),
      toRecords: asRecords,
    },
    {
      entity: 'order',
      permission: 'orders:read',
      table: orders,
      workingSet: (_ctx, viewer) => mine(orders.salesmanId, viewer),
      toRecords: withLines,
    },
    {
      entity: 'payment',
      permission: 'payments:read',
      table: payments,
      workingSet: (ctx) => ofVisibleOrders(ctx, payments.orderId),
      toRecords: asRecords,
    },
    {
      entity: 'target',
      permission: 'targets:read',
      table: targets,
      workingSet: (_ctx, viewer) => mine(targets.salesmanId, viewer),
      wasAssigned: (viewer) => payloadIs('salesmanId', viewer.salesmanId),
      toRecords: asRecords,
    },
    {
      entity: 'notification',
      permission: 'salesmen:read',
      table: notifications,
      // A salesman: his own and the team-wide ones; others: the managers' messages and their own.
      workingSet: (_ctx, viewer) => visibleTo(viewer.principal),
      toRecords: asRecords,
    },
  ];
}

/** The log's entity types that are pulled as another one: stock travels inside its product. */
export const LOGGED_AS: Record<string, PullEntity> = { inventory: 'product' };

/** Products as the catalogue a phone needs: with their stock (null where none is kept). */
async function withStock(ctx: ServiceContext, rows: Row[]) {
  const stock = new Map<string, { onHand: number; reserved: number; available: number; lowStockThreshold: number }>();
  for (const part of chunk(
    rows.map((r) => r.id),
    IDS_PER_QUERY,
  )) {
    const found = await ctx.db
      .select({
        productId: inventory.productId,
        onHand: inventory.onHand,
        reserved: inventory.reserved,
        lowStockThreshold: inventory.lowStockThreshold,
      })
      .from(inventory)
      .where(and(eq(inventory.tenantId, ctx.principal.tenantId), inArray(inventory.productId, part)));
    for (const { productId, ...s } of found) stock.set(productId, { ...s, available: s.onHand - s.reserved });
  }
  return rows.map((r) => ({ ...apiShape(r), stock: stock.get(r.id) ?? null }));
}

/** Orders as `GET /v1/orders/{id}` returns them: with their lines. */
async function withLines(ctx: ServiceContext, rows: Row[]) {
  const lines = await getLinesByOrderIds(
    ctx,
    rows.map((r) => r.id),
  );
  const byOrder = new Map<string, typeof lines>();
  for (const line of lines) byOrder.set(line.orderId, [...(byOrder.get(line.orderId) ?? []), line]);
  return rows.map((r) => ({
    ...apiShape(r),
    lines: (byOrder.get(r.id) ?? []).map((l) => apiShape(l as unknown as Row)),
  }));
}

/** The caller's identity and working set as a cursor pins it. */
export const whoOf = (viewer: Viewer) =>
  [viewer.principal.kind, viewer.principal.id, viewer.principal.role, viewer.salesmanId, viewer.territoryId].join('|');

export async function viewerOf(ctx: ServiceContext): Promise<Viewer> {
  const { principal } = ctx;
  if (principal.kind === 'system') throw forbidden('Sync is for users and API keys');
  const salesmanId = ownSalesmanScope(principal);
  let territoryId: string | null = null;
  if (salesmanId) {
    const [row] = await ctx.db
      .select({ territoryId: salesmen.territoryId })
      .from(salesmen)
      .where(and(eq(salesmen.tenantId, principal.tenantId), eq(salesmen.id, salesmanId), isNull(salesmen.deletedAt)))
      .limit(1);
    territoryId = row?.territoryId ?? null;
  }
  return { principal, salesmanId, territoryId };
}
