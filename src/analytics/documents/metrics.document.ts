import type { MetricsReport } from '../domain/metrics-report';
import type { DocMeta } from './document-parts';
import { col, kpiCards, major, rangeLabel, subtitleOf } from './document-parts';
import type { ReportDocument } from './report-document';

/** The metrics report as a document: KPIs against the previous N days. */
export function metricsDocument(r: MetricsReport, meta: DocMeta): ReportDocument {
  const k = r.kpis;
  const p = r.previousKpis;
  const rows = [
    {
      metric: 'Revenue',
      unit: meta.currency,
      value: k.revenueMinor,
      previous: p.revenueMinor,
      changePct: r.growth.revenue,
    },
    { metric: 'Orders', unit: 'count', value: k.orders, previous: p.orders, changePct: r.growth.orders },
    {
      metric: 'Average order value',
      unit: meta.currency,
      value: k.aovMinor,
      previous: p.aovMinor,
      changePct: r.growth.aov,
    },
    {
      metric: 'Buying customers',
      unit: 'count',
      value: k.customers,
      previous: p.customers,
      changePct: r.growth.customers,
    },
    { metric: 'New customers', unit: 'count', value: k.newCustomers, previous: p.newCustomers, changePct: null },
    { metric: 'Completed visits', unit: 'count', value: k.visits, previous: p.visits, changePct: r.growth.visits },
    { metric: 'Strike rate', unit: '%', value: k.strikeRatePct, previous: p.strikeRatePct, changePct: null },
    {
      metric: 'Cancelled orders',
      unit: 'count',
      value: k.cancelledOrders,
      previous: p.cancelledOrders,
      changePct: null,
    },
    {
      metric: 'Cancellation rate',
      unit: '%',
      value: k.cancellationRatePct,
      previous: p.cancellationRatePct,
      changePct: null,
    },
    { metric: 'Refunds', unit: meta.currency, value: k.refundsMinor, previous: p.refundsMinor, changePct: null },
  ].map((row) =>
    row.unit === meta.currency
      ? { ...row, value: major(row.value, meta.currency), previous: major(row.previous, meta.currency) }
      : row,
  );
  return {
    title: `Metrics, last ${r.days} days`,
    subtitle: subtitleOf(r.current, meta, ` · against ${rangeLabel(r.previous)}`),
    fileName: `metrics-${r.days}d-${r.current.end}`,
    currency: meta.currency,
    locale: meta.locale,
    kpis: kpiCards(k, p, meta),
    chart: null,
    tables: [
      {
        title: 'Metrics',
        columns: [
          col('metric', 'Metric', 'text'),
          col('unit', 'Unit', 'text'),
          col('value', 'Value', 'decimal'),
          col('previous', 'Previous', 'decimal'),
          col('changePct', 'Change %', 'decimal'),
        ],
        rows,
      },
    ],
    notes: [],
  };
}
