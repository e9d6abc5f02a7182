import type { Customer, OnlineSalesman, Order, Page, Salesman, Target, Tenant, Visit } from '../api/types';
import type { AuthSession } from '../auth/session';
import { localDate } from '../ui/format';

export interface SalesmanDay {
  salesman: Salesman;
  presence: OnlineSalesman | null;
  /** Today's visits (checked in, or planned for today), in check-in order. */
  visits: Visit[];
  /** Today's orders, most recent first. */
  orders: Order[];
  targets: Target[];
  customers: Map<string, string>;
  today: string;
}

/** Customers named at most: each is one request, and a day rarely has more. */
const NAMED_CUSTOMERS = 40;

/**
 * One salesman's day in the tenant's timezone, from the public REST API: his profile, his presence,
 * today's visits and orders (the newest page, filtered to the local day), and the targets running today
 * with their attainment.
 */
export async function loadSalesmanDay(auth: AuthSession, tenant: Tenant, id: string): Promise<SalesmanDay> {
  const tz = tenant.timezone;
  const today = localDate(Date.now(), tz);
  const q = encodeURIComponent(id);
  const [salesman, online, visits, orders, targets] = await Promise.all([
    auth.fetch<Salesman>(`/v1/salesmen/${q}`),
    auth.fetch<{ data: OnlineSalesman[] }>('/v1/salesmen/online'),
    auth.fetch<Page<Visit>>(`/v1/visits?salesmanId=${q}&sort=-createdAt&limit=100`),
    // Orders are taken on a day: the newest hundred from yesterday's UTC start cover any timezone's today.
    auth.fetch<Page<Order>>(
      `/v1/orders?salesmanId=${q}&sort=-orderedAt&limit=100&from=${encodeURIComponent(new Date(Date.now() - 2 * 86_400_000).toISOString())}`,
    ),
    auth.fetch<Page<Target>>(`/v1/targets?salesmanId=${q}&activeOn=${today}&limit=20`),
  ]);
  const todays = visits.data
    .filter((v) => v.status !== 'cancelled' && localDate(v.checkInAt ?? v.plannedAt ?? v.createdAt, tz) === today)
    .sort((a, b) =>
      (a.checkInAt ?? a.plannedAt ?? a.createdAt).localeCompare(b.checkInAt ?? b.plannedAt ?? b.createdAt),
    );
  const todaysOrders = orders.data.filter((o) => localDate(o.orderedAt, tz) === today);
  // The list answers targets without attainment; each one's own read includes it.
  const detailed = await Promise.all(
    targets.data.map((t) => auth.fetch<Target>(`/v1/targets/${encodeURIComponent(t.id)}`).catch(() => t)),
  );
  const ids = [...new Set([...todays.map((v) => v.customerId), ...todaysOrders.map((o) => o.customerId)])];
  const named = await Promise.all(
    ids.slice(0, NAMED_CUSTOMERS).map((cid) =>
      auth.fetch<Customer>(`/v1/customers/${encodeURIComponent(cid)}`).then(
        (c) => [cid, c.name] as const,
        () => null,
      ),
    ),
  );
  return {
    salesman,
    presence: online.data.find((o) => o.salesmanId === id) ?? null,
    visits: todays,
    orders: todaysOrders,
    targets: detailed,
    customers: new Map(named.filter((n) => n !== null)),
    today,
  };
}
