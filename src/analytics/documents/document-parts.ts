import type { Kpis } from '../domain/metrics';
import type { DateRange } from '../domain/periods';
import type { Chart, Column, Kpi, Table } from './report-document';
import {
  formatChange,
  formatDecimal,
  formatInt,
  formatMoney,
  formatPercent,
  minorToDecimal,
  type NumberStyle,
} from './value-format';

/** Pieces every report's document is built from: labels, KPI cards, the revenue chart, the daily table. */
/** What the documents say about the report: its calendar, currency and scope. */
export interface DocMeta {
  timezone: string;
  currency: string;
  /** BCP 47: how numbers and money are written. */
  locale: string;
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

export const col = (key: string, label: string, kind: Column['kind'] = 'int'): Column => ({ key, label, kind });

/** Money in major units (a number), for numeric table columns. */
export const major = (v: number | null, currency: string) => (v === null ? null : Number(minorToDecimal(v, currency)));

export function kpiCards(k: Kpis, previous: Kpis | null, style: NumberStyle): Kpi[] {
  const change = (a: number | null, b: number | null | undefined) =>
    previous && a !== null && b !== null && b !== undefined && b !== 0
      ? formatChange(Math.round(((a - b) / Math.abs(b)) * 1000) / 10, style)
      : null;
  return [
    {
      label: 'Revenue',
      value: formatMoney(k.revenueMinor, style),
      change: change(k.revenueMinor, previous?.revenueMinor),
    },
    { label: 'Orders', value: formatInt(k.orders, style), change: change(k.orders, previous?.orders) },
    {
      label: 'Average order value',
      value: formatMoney(k.aovMinor, style),
      change: change(k.aovMinor, previous?.aovMinor),
    },
    { label: 'Completed visits', value: formatInt(k.visits, style), change: change(k.visits, previous?.visits) },
    {
      label: 'Buying customers',
      value: formatInt(k.customers, style),
      change: change(k.customers, previous?.customers),
    },
    { label: 'Strike rate', value: formatPercent(k.strikeRatePct, style), change: null },
    {
      label: 'Avg. time on site',
      value: k.avgTimeOnSiteMinutes === null ? '–' : `${formatDecimal(k.avgTimeOnSiteMinutes, style)} min`,
      change: null,
    },
    { label: 'Refunds', value: formatMoney(k.refundsMinor, style), change: null },
  ];
}

export const revenueChart = (title: string, points: { date: string; revenueMinor: number }[]): Chart => ({
  title,
  kind: 'bar',
  labels: points.map((p) => dayLabel(p.date)),
  series: [{ name: 'Revenue', values: points.map((p) => p.revenueMinor) }],
  unit: 'money',
});

export const dailyTable = (
  points: { date: string; revenueMinor: number; orders: number; visits: number }[],
): Table => ({
  title: 'By day',
  columns: [
    col('date', 'Date', 'text'),
    col('revenueMinor', 'Revenue', 'money'),
    col('orders', 'Orders'),
    col('visits', 'Visits'),
  ],
  rows: points.map((p) => ({ ...p })),
});
