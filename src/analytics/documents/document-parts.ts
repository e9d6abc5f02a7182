import type { ExecutiveReport } from '../domain/executive';
import type { Kpis } from '../domain/metrics';
import type { DateRange } from '../domain/periods';
import type { ProductAnalytics } from '../domain/products';
import type { SalesPerformance } from '../domain/sales-performance';
import type { Chart, Column, Kpi, ReportDocument, Table } from './report-document';
import { formatChange, formatInt, formatMoney, formatPercent, minorToDecimal } from './value-format';

const UNIT_LABEL: Record<string, string | undefined> = { count: 'count', percent: '%', minutes: 'minutes' };

/** Report → exportable document (CSV = first table; PDF and e-mail show it all). */
export interface DocMeta {
  timezone: string;
  currency: string;
  generatedAt: string;
  scope: 'tenant' | 'salesman';
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
export const dayLabel = (d: string) => `${Number(d.slice(8, 10))} ${MONTHS[Number(d.slice(5, 7)) - 1]}`;
export const rangeLabel = (r: DateRange) =>
  r.start === r.end
    ? `${dayLabel(r.start)} ${r.start.slice(0, 4)}`
    : `${dayLabel(r.start)} ${r.start.slice(0, 4)} – ${dayLabel(r.end)} ${r.end.slice(0, 4)}`;
export const subtitleOf = (range: DateRange, meta: DocMeta, extra = '') =>
  `${rangeLabel(range)} · ${meta.timezone} · ${meta.currency}${meta.scope === 'salesman' ? ' · own figures' : ''}${extra}`;

const col = (key: string, label: string, kind: Column['kind'] = 'int'): Column => ({ key, label, kind });

export function kpiCards(k: Kpis, previous: Kpis | null, currency: string): Kpi[] {
  const change = (a: number | null, b: number | null | undefined) =>
    previous && a !== null && b !== null && b !== undefined && b !== 0
      ? formatChange(Math.round(((a - b) / Math.abs(b)) * 1000) / 10)
      : null;
  return [
    {
      label: 'Revenue',
      value: formatMoney(k.revenueMinor, currency),
      change: change(k.revenueMinor, previous?.revenueMinor),
    },
    { label: 'Orders', value: formatInt(k.orders), change: change(k.orders, previous?.orders) },
    {
      label: 'Average order value',
      value: formatMoney(k.aovMinor, currency),
      change: change(k.aovMinor, previous?.aovMinor),
    },
    { label: 'Completed visits', value: formatInt(k.visits), change: change(k.visits, previous?.visits) },
    { label: 'Buying customers', value: formatInt(k.customers), change: change(k.customers, previous?.customers) },
    { label: 'Strike rate', value: formatPercent(k.strikeRatePct), change: null },
    {
      label: 'Avg. time on site',
      value: k.avgTimeOnSiteMinutes === null ? '–' : `${k.avgTimeOnSiteMinutes} min`,
      change: null,
    },
    { label: 'Refunds', value: formatMoney(k.refundsMinor, currency), change: null },
  ];
}

export const revenueChart = (title: string, points: { date: string; revenueMinor: number }[]): Chart => ({
  title,
  kind: 'bar',
  labels: points.map((p) => dayLabel(p.date)),
  series: [{ name: 'Revenue', values: points.map((p) => p.revenueMinor) }],
  unit: 'money',
});

const dailyTable = (points: { date: string; revenueMinor: number; orders: number; visits: number }[]): Table => ({
  title: 'By day',
  columns: [
    col('date', 'Date', 'text'),
    col('revenueMinor', 'Revenue', 'money'),
    col('orders', 'Orders'),
    col('visits', 'Visits'),
  ],
  rows: points.map((p) => ({ ...p })),
});

export function executiveDocument(r: ExecutiveReport, meta: DocMeta, title = 'Executive report'): ReportDocument {
  return {
    title,
    subtitle: subtitleOf(r.current, meta, r.period.complete ? '' : ' · period to date'),
    fileName: `executive-${r.period.type}-${r.current.start}`,
    currency: meta.currency,
    kpis: r.summary.slice(0, 8).map((line) => ({
      label: line.label,
      value:
        line.unit === 'money'
          ? formatMoney(line.value, meta.currency)
          : line.unit === 'percent'
            ? formatPercent(line.value)
            : line.unit === 'minutes'
              ? line.value === null
                ? '–'
                : `${line.value} min`
              : formatInt(line.value),
      change: formatChange(line.changePct, line.unit === 'percent' ? 'points' : 'percent'),
    })),
    chart: revenueChart('Revenue per day', r.trend),
    tables: [
      {
        title: `Key figures: ${rangeLabel(r.current)} against ${rangeLabel(r.previous)}`,
        columns: [
          col('metric', 'Metric', 'text'),
          col('unit', 'Unit', 'text'),
          col('value', 'Value', 'decimal'),
          col('previous', 'Previous', 'decimal'),
          col('changePct', 'Change % (rates: points)', 'decimal'),
        ],
        rows: r.summary.map((line) => {
          // Money in major units so every row of the numeric columns reads the same way.
          const plain = (v: number | null) =>
            v === null || line.unit !== 'money' ? v : Number(minorToDecimal(v, meta.currency));
          return {
            metric: line.label,
            unit: UNIT_LABEL[line.unit] ?? meta.currency,
            value: plain(line.value),
            previous: plain(line.previous),
            changePct: line.changePct,
          };
        }),
      },
      dailyTable(r.trend),
    ],
    notes: [
      'Revenue: confirmed and fulfilled orders less refunded payments, by the local day the order was taken.',
      `Generated ${meta.generatedAt}.`,
    ],
  };
}

export function salesPerformanceDocument(r: SalesPerformance, meta: DocMeta): ReportDocument {
  return {
    title: `Sales performance (${r.period.type})`,
    subtitle: subtitleOf(r.current, meta, r.period.complete ? '' : ' · period to date'),
    fileName: `sales-performance-${r.period.type}-${r.current.start}`,
    currency: meta.currency,
    kpis: kpiCards(r.totals, r.previousTotals, meta.currency),
    chart: revenueChart('Revenue per day', r.trend),
    tables: [
      {
        title: 'Salesmen',
        columns: [
          col('name', 'Salesman', 'text'),
          col('revenueMinor', 'Revenue', 'money'),
          col('orders', 'Orders'),
          col('visits', 'Visits'),
          col('strikeRatePct', 'Strike rate %', 'percent'),
          col('avgTimeOnSiteMinutes', 'Avg. min on site', 'decimal'),
          col('targetRevenueMinor', 'Revenue goal', 'money'),
          col('revenueAchievementPct', 'Achieved %', 'percent'),
          col('revenueGrowthPct', 'Growth %', 'percent'),
        ],
        rows: r.salesmen.map((s) => ({ ...s })),
      },
      dailyTable(r.trend),
    ],
    notes: [`Compared with ${rangeLabel(r.previous)}. Strike rate: completed visits with an order ÷ completed visits.`],
  };
}

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
    kpis: [
      { label: 'Revenue', value: formatMoney(r.totals.revenueMinor, meta.currency), change: null },
      { label: 'Units sold', value: formatInt(r.totals.units), change: null },
      { label: 'Units per day', value: String(r.totals.velocityPerDay), change: null },
      { label: 'Products sold', value: formatInt(r.totals.productsSold), change: null },
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
