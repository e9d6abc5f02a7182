import { pct } from './periods';

/**
 * Product analytics over a window of `days` local days (pure; the sums, the top list and the slow-mover
 * candidates come from SQL). Product revenue is the sum of line totals (after line discounts) of
 * confirmed and fulfilled orders; refunds are recorded per order, not per line, so they are not
 * spread over products.
 */
export interface ProductSales {
  productId: string;
  sku: string;
  name: string;
  category: string | null;
  active: boolean;
  onHand: number;
  units: number;
  revenueMinor: number;
  orders: number;
}

export interface ProductRow extends ProductSales {
  /** Units per day over the window, two decimals. */
  velocityPerDay: number;
  revenueSharePct: number | null;
  /** On-hand stock ÷ velocity: days until it runs out at this pace; null when nothing sells. */
  daysOfCover: number | null;
}

export interface CategorySales {
  category: string | null;
  products: number;
  units: number;
  revenueMinor: number;
}

export interface CategoryRow extends CategorySales {
  category: string;
  revenueSharePct: number | null;
  velocityPerDay: number;
}

export interface ProductAnalytics {
  days: number;
  totals: { units: number; revenueMinor: number; orders: number; productsSold: number; velocityPerDay: number };
  top: ProductRow[];
  categories: CategoryRow[];
  slowMovers: ProductRow[];
}

export const UNCATEGORISED = 'Uncategorised';
const round2 = (v: number) => Math.round(v * 100) / 100;

export function enrichProduct(p: ProductSales, days: number, totalRevenue: number): ProductRow {
  const velocity = days > 0 ? p.units / days : 0;
  return {
    ...p,
    velocityPerDay: round2(velocity),
    revenueSharePct: pct(p.revenueMinor, totalRevenue),
    daysOfCover: velocity > 0 ? Math.round(p.onHand / velocity) : null,
  };
}

export function productAnalytics(input: {
  days: number;
  totals: { units: number; revenueMinor: number; orders: number; productsSold: number };
  top: readonly ProductSales[];
  categories: readonly CategorySales[];
  slow: readonly ProductSales[];
}): ProductAnalytics {
  const { days, totals } = input;
  const total = totals.revenueMinor;
  const top = input.top
    .map((p) => enrichProduct(p, days, total))
    .sort((a, b) => b.revenueMinor - a.revenueMinor || b.units - a.units || a.sku.localeCompare(b.sku));
  // Slowest first; among equals, the most stock tied up first.
  const slowMovers = input.slow
    .map((p) => enrichProduct(p, days, total))
    .sort((a, b) => a.units - b.units || b.onHand - a.onHand || a.sku.localeCompare(b.sku));
  const categories = input.categories
    .map((c) => ({
      ...c,
      category: c.category ?? UNCATEGORISED,
      revenueSharePct: pct(c.revenueMinor, total),
      velocityPerDay: round2(days > 0 ? c.units / days : 0),
    }))
    .sort((a, b) => b.revenueMinor - a.revenueMinor || a.category.localeCompare(b.category));
  return {
    days,
    totals: { ...totals, velocityPerDay: round2(days > 0 ? totals.units / days : 0) },
    top,
    categories,
    slowMovers,
  };
}
