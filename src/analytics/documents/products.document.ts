import type { DateRange } from '../domain/periods';
import type { ProductAnalytics } from '../domain/products';
import type { DocMeta } from './document-parts';
import { col, subtitleOf } from './document-parts';
import type { ReportDocument } from './report-document';
import { formatDecimal, formatInt, formatMoney } from './value-format';

/** Product analytics as a document: top products, categories, slow movers. */
export function productsDocument(r: ProductAnalytics & { range: DateRange }, meta: DocMeta): ReportDocument {
  const productColumns = [
    col('sku', 'SKU', 'text'),
    col('name', 'Product', 'text'),
    col('category', 'Category', 'text'),
    col('units', 'Units'),
    col('revenueMinor', 'Revenue', 'money'),
    col('velocityPerDay', 'Units/day', 'decimal'),
    col('onHand', 'On hand'),
    col('daysOfCover', 'Days of cover'),
  ];
  return {
    title: 'Product analytics',
    subtitle: subtitleOf(r.range, meta, ` · last ${r.days} days`),
    fileName: `products-${r.range.start}-${r.range.end}`,
    currency: meta.currency,
    locale: meta.locale,
    kpis: [
      { label: 'Revenue', value: formatMoney(r.totals.revenueMinor, meta), change: null },
      { label: 'Units sold', value: formatInt(r.totals.units, meta), change: null },
      { label: 'Units per day', value: formatDecimal(r.totals.velocityPerDay, meta), change: null },
      { label: 'Products sold', value: formatInt(r.totals.productsSold, meta), change: null },
    ],
    chart: {
      title: 'Top products by revenue',
      kind: 'bar',
      labels: r.top.slice(0, 12).map((p) => p.sku),
      series: [{ name: 'Revenue', values: r.top.slice(0, 12).map((p) => p.revenueMinor) }],
      unit: 'money',
    },
    tables: [
      { title: `Top ${r.top.length} products by revenue`, columns: productColumns, rows: r.top.map((p) => ({ ...p })) },
      {
        title: 'Categories',
        columns: [
          col('category', 'Category', 'text'),
          col('products', 'Products'),
          col('units', 'Units'),
          col('revenueMinor', 'Revenue', 'money'),
          col('revenueSharePct', 'Share %', 'percent'),
        ],
        rows: r.categories.map((c) => ({ ...c })),
      },
      { title: 'Slow movers (active, in stock)', columns: productColumns, rows: r.slowMovers.map((p) => ({ ...p })) },
    ],
    notes: ['Product revenue: line totals after line discounts of confirmed and fulfilled orders.'],
  };
}
