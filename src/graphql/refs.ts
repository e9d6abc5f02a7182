import { type Customer, getCustomersByIds } from '../services/customers.service';
import type { InventoryLevel } from '../services/inventory.service';
import type { Notification } from '../services/notifications.service';
import { getOrdersByIds, type Order, type OrderLine } from '../services/orders.service';
import type { Payment } from '../services/payments.service';
import { getProductsByIds, type Product } from '../services/products.service';
import { getSalesmenByIds, type Salesman } from '../services/salesmen.service';
import type { Target } from '../services/targets.service';
import { getTerritoriesByIds, type Territory } from '../services/territories.service';
import type { PublicUser } from '../services/users.service';
import { getVisitsByIds, type Visit } from '../services/visits.service';
import { builder } from './builder';

/**
 * Type references, declared before their fields so types can point at each other. The loadable ones
 * are fetched by id through a per-request DataLoader (batched, cached for the request); a resolver that
 * returns an id string gets the record loaded, one returning a row skips the loader.
 */
const byId = { sort: (row: { id: string }) => row.id, id: { resolve: (row: { id: string }) => row.id } };

/** Rows as services return them; events carry the same shape without `tenantId`. */
type Wire<T> = Omit<T, 'tenantId'> & { tenantId?: string };

export const CustomerRef = builder.loadableNodeRef<Wire<Customer>>('Customer', {
  load: (ids: string[], ctx) => getCustomersByIds(ctx.service, ids),
  ...byId,
});
export const ProductRef = builder.loadableNodeRef<Wire<Product>>('Product', {
  load: (ids: string[], ctx) => getProductsByIds(ctx.service, ids),
  ...byId,
});
export const SalesmanRef = builder.loadableNodeRef<Wire<Salesman>>('Salesman', {
  load: (ids: string[], ctx) => getSalesmenByIds(ctx.service, ids),
  ...byId,
});
export const TerritoryRef = builder.loadableNodeRef<Wire<Territory>>('Territory', {
  load: (ids: string[], ctx) => getTerritoriesByIds(ctx.service, ids),
  ...byId,
});
export const OrderRef = builder.loadableNodeRef<Wire<Order> & { lines?: Wire<OrderLine>[] }>('Order', {
  load: (ids: string[], ctx) => getOrdersByIds(ctx.service, ids),
  ...byId,
});
export const VisitRef = builder.loadableNodeRef<Wire<Visit>>('Visit', {
  load: (ids: string[], ctx) => getVisitsByIds(ctx.service, ids),
  ...byId,
});

export const PaymentRef = builder.objectRef<Wire<Payment>>('Payment');
export const TargetRef = builder.objectRef<Wire<Target>>('Target');
export const NotificationRef = builder.objectRef<Wire<Notification>>('Notification');
export const UserRef = builder.objectRef<PublicUser>('User');
export const OrderLineRef = builder.objectRef<Wire<OrderLine>>('OrderLine');
export const InventoryRef = builder.objectRef<InventoryLevel>('Inventory');

const totalCount = {
  description: 'All records matching the filters, not only this page (counted only when selected)',
  resolve: (c: { totalCount?: (() => Promise<number>) | undefined }) => c.totalCount?.() ?? 0,
};

/** One connection type per record type, shared by every field that pages through it. */
export const CustomerConnection = builder.connectionObject(
  { type: CustomerRef, name: 'CustomerConnection', fields: (t) => ({ totalCount: t.int(totalCount) }) },
  { name: 'CustomerEdge' },
);
export const ProductConnection = builder.connectionObject(
  { type: ProductRef, name: 'ProductConnection', fields: (t) => ({ totalCount: t.int(totalCount) }) },
  { name: 'ProductEdge' },
);
export const SalesmanConnection = builder.connectionObject(
  { type: SalesmanRef, name: 'SalesmanConnection', fields: (t) => ({ totalCount: t.int(totalCount) }) },
  { name: 'SalesmanEdge' },
);
export const OrderConnection = builder.connectionObject(
  { type: OrderRef, name: 'OrderConnection', fields: (t) => ({ totalCount: t.int(totalCount) }) },
  { name: 'OrderEdge' },
);
export const VisitConnection = builder.connectionObject(
  { type: VisitRef, name: 'VisitConnection', fields: (t) => ({ totalCount: t.int(totalCount) }) },
  { name: 'VisitEdge' },
);
export const TerritoryConnection = builder.connectionObject(
  { type: TerritoryRef, name: 'TerritoryConnection' },
  { name: 'TerritoryEdge' },
);
export const PaymentConnection = builder.connectionObject(
  { type: PaymentRef, name: 'PaymentConnection' },
  { name: 'PaymentEdge' },
);
export const TargetConnection = builder.connectionObject(
  { type: TargetRef, name: 'TargetConnection' },
  { name: 'TargetEdge' },
);
export const NotificationConnection = builder.connectionObject(
  { type: NotificationRef, name: 'NotificationConnection' },
  { name: 'NotificationEdge' },
);
export const UserConnection = builder.connectionObject({ type: UserRef, name: 'UserConnection' }, { name: 'UserEdge' });

export type { Wire };
