import type { SalesReport } from '../domain/sales-report';
import type { DocMeta } from './document-parts';
import { col, dayLabel, subtitleOf } from './document-parts';
import type { Column, ReportDocument } from './report-document';
import { formatInt, formatMoney } from './value-format';

const SALES_TITLES = { daily: 'Daily sales', weekly: 'Weekly sales', monthly: 'Monthly sales' } as const;

/** A daily, weekly or monthly sales report as a document: totals, breakdown, top products. */
export function salesReportDocument(r: SalesReport, meta: DocMeta): ReportDocument {
  const breakdownColumns = [
    col('label', r.kind === 'daily' ? 'Hour' : 'Day', 'text'),
    col('revenueMinor', 'Revenue', 'money'),
    col('orders', 'Orders'),
    col('items', 'Items'),
  ];
  return {
    title: SALES_TITLES[r.kind],
    subtitle: subtitleOf(r.range, meta),
    fileName: `${r.kind}-sales-${r.range.start}`,
    currency: meta.currency,
    locale: meta.locale,
    kpis: [
      { label: 'Revenue', value: formatMoney(r.totals.revenueMinor, meta), change: null },
      { label: 'Orders', value: formatInt(r.totals.orders, meta), change: null },
      { label: 'Items', value: formatInt(r.totals.items, meta), change: null },
      { label: 'Average order value', value: formatMoney(r.totals.aovMinor, meta), change: null },
    ],
    chart: {
      title: r.kind === 'daily' ? 'Revenue per hour' : 'Revenue per day',
      kind: 'bar',
      labels: r.breakdown.map((b) => (r.kind === 'daily' ? b.key.slice(0, 2) : dayLabel(b.key))),
      series: [{ name: 'Revenue', values: r.breakdown.map((b) => b.revenueMinor) }],
      unit: 'money',
    },
    tables: [
      {
        title: r.kind === 'daily' ? 'By hour' : 'By day',
        columns: breakdownColumns,
        rows: r.breakdown.map((b) => ({ ...b })),
      },
      ...(r.weeks
        ? [
            {
              title: 'By week',
              columns: [{ ...breakdownColumns[0], label: 'Week' } as Column, ...breakdownColumns.slice(1)],
              rows: r.weeks.map((w) => ({ ...w })),
            },
          ]
        : []),
      {
        title: 'Top 10 products',
        columns: [
          col('sku', 'SKU', 'text'),
          col('name', 'Product', 'text'),
          col('units', 'Units'),
          col('revenueMinor', 'Revenue', 'money'),
        ],
        rows: r.topProducts.map((p) => ({ ...p })),
      },
    ],
    notes: [`Refunds of ${formatMoney(r.totals.refundsMinor, meta)} are deducted from revenue.`],
  };
}
