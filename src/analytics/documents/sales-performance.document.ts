import type { SalesPerformance } from '../domain/sales-performance';
import type { DocMeta } from './document-parts';
import { col, dailyTable, kpiCards, rangeLabel, revenueChart, subtitleOf } from './document-parts';
import type { ReportDocument } from './report-document';

/** Sales performance as a document: KPIs, revenue chart, the salesmen table. */
export function salesPerformanceDocument(r: SalesPerformance, meta: DocMeta): ReportDocument {
  return {
    title: `Sales performance (${r.period.type})`,
    subtitle: subtitleOf(r.current, meta, r.period.complete ? '' : ' · period to date'),
    fileName: `sales-performance-${r.period.type}-${r.current.start}`,
    currency: meta.currency,
    locale: meta.locale,
    kpis: kpiCards(r.totals, r.previousTotals, meta),
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
