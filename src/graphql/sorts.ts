import { sortEnum } from './connection';

/** Sort orders of the connections: the fields each service can sort by, ascending and descending. */
const RELEVANCE = {
  RELEVANCE: { value: 'relevance', description: 'Best match first (with `search` only; its default there)' },
};

export const CustomerSort = sortEnum('CustomerSort', ['name', 'createdAt', 'updatedAt'], RELEVANCE);
export const ProductSort = sortEnum('ProductSort', ['name', 'sku', 'priceMinor', 'createdAt', 'updatedAt'], RELEVANCE);
export const SalesmanSort = sortEnum('SalesmanSort', ['name', 'createdAt', 'updatedAt']);
export const TerritorySort = sortEnum('TerritorySort', ['name', 'createdAt', 'updatedAt']);
export const OrderSort = sortEnum('OrderSort', ['orderedAt', 'totalMinor', 'createdAt', 'updatedAt']);
export const VisitSort = sortEnum('VisitSort', ['createdAt', 'updatedAt']);
export const PaymentSort = sortEnum('PaymentSort', ['receivedAt', 'amountMinor', 'createdAt', 'updatedAt']);
export const TargetSort = sortEnum('TargetSort', ['periodStart', 'createdAt', 'updatedAt']);
export const NotificationSort = sortEnum('NotificationSort', ['createdAt', 'updatedAt']);
export const UserSort = sortEnum('UserSort', ['name', 'email', 'createdAt', 'updatedAt']);
