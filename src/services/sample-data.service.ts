import { and, eq, isNull } from 'drizzle-orm';
import { requirePermission } from '../auth/principal';
import { customers, orders, products, type SampleRecords, sampleData } from '../db/tables';
import { AppError, ErrorCode } from '../lib/errors';
import { newId } from '../lib/ids';
import type { ServiceContext } from './context';
import { CUSTOMER_CREATED, deleteCustomer, newCustomerRow } from './customers.service';
import { insertEntityStatements } from './entity';
import { cancelOrder, confirmOrder } from './order-lifecycle.service';
import { createOrder, findOrder, loadLines, writeOrder } from './orders.service';
import { deleteProduct, newProductStatements, tenantCurrency } from './products.service';
import { createSalesman, deleteSalesman, type Salesman } from './salesmen.service';
import { tenantSettings } from './tenant-settings';
import { createTerritory, deleteTerritory } from './territories.service';
import { createVisit, deleteVisit } from './visits.service';
import { commit } from './write-pipeline';

/**
 * Sample data for an empty organisation, loaded from the onboarding checklist so the screens have
 * something to show before the real data is in: two territories, three salesmen, 30 customers, 12
 * products with stock, planned visits for today and tomorrow and about 25 orders of the last six days.
 * Everything is written through the services (events, stock, search and sync see it as any other
 * write) and clearly marked: names start with "Sample", keys with `SAMPLE-`. The ids are recorded, so
 * removing it removes exactly those records, whatever was done with them since.
 */

const MARK = 'Sample data: remove it from Getting started when you are ready';

export interface SampleDataSummary {
  loadedAt: string;
  counts: Record<keyof SampleRecords, number>;
}

/** Where the sample sits: a city in the organisation's part of the world. */
const CITIES: [prefix: string, lat: number, lng: number][] = [
  ['Europe/', 52.52, 13.405],
  ['America/', 41.8781, -87.6298],
  ['Asia/', 1.3521, 103.8198],
  ['Australia/', -33.8688, 151.2093],
  ['Africa/', -1.2921, 36.8219],
];

const SHOPS = [
  'Corner Shop',
  'Bakery',
  'Kiosk',
  'Deli',
  'Mini Market',
  'Café',
  'Pharmacy',
  'Grocer',
  'Florist',
  'Bistro',
];
const STREETS = ['Market Street', 'Station Road', 'High Street', 'Park Avenue', 'Church Lane', 'Mill Road'];
const PRODUCTS: [name: string, category: string, priceMinor: number][] = [
  ['Sparkling water 0.5 l', 'Drinks', 89],
  ['Still water 1.5 l', 'Drinks', 119],
  ['Orange juice 1 l', 'Drinks', 249],
  ['Apple juice 1 l', 'Drinks', 229],
  ['Cola 0.33 l', 'Drinks', 99],
  ['Iced tea 0.5 l', 'Drinks', 149],
  ['Salted crisps 150 g', 'Snacks', 179],
  ['Chocolate bar 100 g', 'Snacks', 139],
  ['Mixed nuts 200 g', 'Snacks', 349],
  ['Oat biscuits 250 g', 'Snacks', 219],
  ['Coffee beans 500 g', 'Pantry', 799],
  ['Green tea, 20 bags', 'Pantry', 299],
];
const PEOPLE = ['Anna Berger', 'Luca Moretti', 'Maya Okafor'];

/** A small seeded generator (mulberry32): the same organisation gets the same sample. */
function random(seedText: string) {
  let seed = 0;
  for (const ch of seedText) seed = (Math.imul(seed, 31) + ch.charCodeAt(0)) | 0;
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function getSampleData(ctx: ServiceContext): Promise<SampleDataSummary | null> {
  const [row] = await ctx.db.select().from(sampleData).where(eq(sampleData.tenantId, ctx.principal.tenantId)).limit(1);
  if (!row) return null;
  const counts = Object.fromEntries(Object.entries(row.records).map(([k, ids]) => [k, ids.length]));
  return { loadedAt: row.loadedAt, counts: counts as SampleDataSummary['counts'] };
}

/** Loads the sample (owners and admins), only into an organisation without customers, products or orders. */
export async function loadSampleData(ctx: ServiceContext): Promise<SampleDataSummary> {
  requirePermission(ctx.principal, 'tenant:write');
  if (await getSampleData(ctx)) throw new AppError(ErrorCode.CONFLICT, 'Sample data is already loaded');
  const tenantId = ctx.principal.tenantId;
  for (const table of [customers, products, orders]) {
    const [any] = await ctx.db
      .select({ id: table.id })
      .from(table)
      .where(and(eq(table.tenantId, tenantId), isNull(table.deletedAt)))
      .limit(1);
    if (any) {
      throw new AppError(
        ErrorCode.INVALID_STATE,
        'Sample data goes only into an empty organisation (no customers, products or orders yet)',
      );
    }
  }
  // Claimed first, so two clicks cannot load it twice (the primary key refuses the second).
  const records: SampleRecords = { territories: [], salesmen: [], customers: [], products: [], visits: [], orders: [] };
  await commit(ctx, [
    ctx.db.insert(sampleData).values({ tenantId, loadedAt: ctx.now, loadedBy: ctx.principal.id, records }),
  ]);
  const save = () => commit(ctx, [ctx.db.update(sampleData).set({ records }).where(eq(sampleData.tenantId, tenantId))]);

  const rnd = random(tenantId);
  const pick = <T>(items: readonly T[]) => items[Math.floor(rnd() * items.length)] as T;
  const { timezone } = await tenantSettings(ctx);
  const [, lat0, lng0] = CITIES.find(([prefix]) => timezone.startsWith(prefix)) ?? ['', 51.5072, -0.1276];
  const box = (south: number, north: number) => ({
    type: 'Polygon' as const,
    coordinates: [
      [
        [lng0 - 0.12, south],
        [lng0 + 0.12, south],
        [lng0 + 0.12, north],
        [lng0 - 0.12, north],
        [lng0 - 0.12, south],
      ],
    ],
  });

  const north = await createTerritory(ctx, {
    name: 'Sample · North',
    description: MARK,
    boundary: box(lat0, lat0 + 0.08),
  });
  const south = await createTerritory(ctx, {
    name: 'Sample · South',
    description: MARK,
    boundary: box(lat0 - 0.08, lat0),
  });
  records.territories.push(north.id, south.id);
  const team: Salesman[] = [];
  for (const [k, person] of PEOPLE.entries()) {
    const territoryId = k === 2 ? south.id : north.id;
    const salesman = await createSalesman(ctx, {
      name: `Sample · ${person}`,
      employeeCode: `SAMPLE-${k + 1}`,
      territoryId,
    });
    team.push(salesman);
    records.salesmen.push(salesman.id);
  }
  await save();

  const customerRows = Array.from({ length: 30 }, (_, k) => {
    const lat = lat0 + (rnd() - 0.5) * 0.15;
    const lng = lng0 + (rnd() - 0.5) * 0.22;
    const territoryId = lat >= lat0 ? north.id : south.id;
    const candidates = team.filter((s) => s.territoryId === territoryId);
    return newCustomerRow(ctx, {
      name: `Sample ${pick(SHOPS)} ${k + 1}`,
      externalId: `SAMPLE-C${String(k + 1).padStart(3, '0')}`,
      address: `${1 + Math.floor(rnd() * 120)} ${pick(STREETS)}`,
      lat: Math.round(lat * 1e5) / 1e5,
      lng: Math.round(lng * 1e5) / 1e5,
      territoryId,
      salesmanId: pick(candidates).id,
      notes: MARK,
    });
  });
  const currency = await tenantCurrency(ctx, undefined);
  const productWrites = PRODUCTS.map(([name, category, priceMinor], k) =>
    newProductStatements(
      ctx,
      {
        sku: `SAMPLE-P${String(k + 1).padStart(2, '0')}`,
        name: `Sample ${name}`,
        description: MARK,
        category,
        priceMinor,
        initialStock: 500,
        lowStockThreshold: 40,
      },
      currency,
    ),
  );
  await commit(ctx, [
    ...customerRows.flatMap((row) => insertEntityStatements(ctx, customers, row, CUSTOMER_CREATED)),
    ...productWrites.flatMap((w) => w.statements),
  ]);
  records.customers.push(...customerRows.map((c) => c.id));
  records.products.push(...productWrites.map((w) => w.row.id));
  await save();

  const now = Date.parse(ctx.now);
  for (let k = 0; k < 10; k++) {
    const customer = pick(customerRows);
    const plannedAt = new Date(now + (2 + k * 3) * 3_600_000).toISOString();
    const visit = await createVisit(ctx, {
      customerId: customer.id,
      salesmanId: customer.salesmanId as string,
      plannedAt,
      notes: MARK,
    });
    records.visits.push(visit.id);
  }
  for (let k = 0; k < 25; k++) {
    const customer = pick(customerRows);
    const lines = Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => ({
      productId: pick(productWrites).row.id,
      quantity: 2 + Math.floor(rnd() * 20),
    }));
    const order = await createOrder(ctx, {
      id: newId(),
      customerId: customer.id,
      salesmanId: customer.salesmanId as string,
      orderedAt: new Date(now - Math.floor(rnd() * 6 * 86_400_000)).toISOString(),
      notes: MARK,
      lines: mergeLines(lines),
    });
    records.orders.push(order.id);
    if (rnd() < 0.8) await confirmOrder(ctx, order.id);
  }
  await save();
  const summary = await getSampleData(ctx);
  return summary as SampleDataSummary;
}

/** One line per product (an order may not name a product twice). */
function mergeLines(lines: { productId: string; quantity: number }[]) {
  const byProduct = new Map<string, number>();
  for (const line of lines) byProduct.set(line.productId, (byProduct.get(line.productId) ?? 0) + line.quantity);
  return [...byProduct].map(([productId, quantity]) => ({ productId, quantity }));
}

/**
 * Removes the sample (owners and admins): its orders (a confirmed one cancelled first, which gives its
 * stock back; orders in any state are then deleted, as only sample orders may be), visits, customers,
 * products, salesmen and territories, each through its service. Records already deleted are skipped, so
 * an interrupted removal can simply be repeated; the record of the sample goes last.
 */
export async function removeSampleData(ctx: ServiceContext): Promise<void> {
  requirePermission(ctx.principal, 'tenant:write');
  const [row] = await ctx.db.select().from(sampleData).where(eq(sampleData.tenantId, ctx.principal.tenantId)).limit(1);
  if (!row) throw new AppError(ErrorCode.NOT_FOUND, 'No sample data is loaded');
  const { records } = row;
  for (const id of records.orders) {
    await unlessGone(async () => {
      if ((await findOrder(ctx, id)).status === 'confirmed') await cancelOrder(ctx, id, 'Sample data removed');
      const order = await findOrder(ctx, id);
      await writeOrder(ctx, order, { deletedAt: ctx.now }, await loadLines(ctx, id), [], undefined, 'order:deleted');
    });
  }
  for (const id of records.visits) await unlessGone(() => deleteVisit(ctx, id));
  for (const id of records.customers) await unlessGone(() => deleteCustomer(ctx, id));
  for (const id of records.products) await unlessGone(() => deleteProduct(ctx, id));
  for (const id of records.salesmen) await unlessGone(() => deleteSalesman(ctx, id));
  for (const id of records.territories) await unlessGone(() => deleteTerritory(ctx, id));
  await commit(ctx, [ctx.db.delete(sampleData).where(eq(sampleData.tenantId, ctx.principal.tenantId))]);
}

async function unlessGone(remove: () => Promise<unknown>): Promise<void> {
  try {
    await remove();
  } catch (err) {
    if (!(err instanceof AppError && err.code === ErrorCode.NOT_FOUND)) throw err;
  }
}
