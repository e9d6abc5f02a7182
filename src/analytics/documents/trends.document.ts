import type { TrendsReport } from '../domain/trends-report';
import type { DocMeta } from './document-parts';
import { col, dayLabel, subtitleOf } from './document-parts';
import type { ReportDocument } from './report-document';
import { formatChange, formatMoney } from './value-format';

/** The trends report as a document: daily revenue with its moving average. */
export function trendsDocument(r: TrendsReport, meta: DocMeta): ReportDocument {
  return {
    title: `Trends, last ${r.days} days`,
    subtitle: subtitleOf(r.range, meta),
    fileName: `trends-${r.days}d-${r.range.end}`,
    currency: meta.currency,
    locale: meta.locale,
    kpis: [
      { label: 'Direction', value: r.direction, change: null },
      { label: 'Slope per day', value: formatMoney(r.revenueSlopePerDayMinor, meta), change: null },
      {
        label: 'Change over range',
        value: r.revenueTrendPct === null ? '–' : (formatChange(r.revenueTrendPct, meta) ?? '–'),
        change: null,
      },
    ],
    chart: {
      title: 'Revenue per day and 7-day average',
      kind: 'line',
      labels: r.points.map((p) => dayLabel(p.date)),
      series: [
        { name: 'Revenue', values: r.points.map((p) => p.revenueMinor) },
        { name: '7-day average', values: r.points.map((p) => p.revenueMovingAvg7Minor) },
      ],
      unit: 'money',
    },
    tables: [
      {
        title: 'By day',
        columns: [
          col('date', 'Date', 'text'),
          col('revenueMinor', 'Revenue', 'money'),
          col('revenueMovingAvg7Minor', '7-day average', 'money'),
          col('orders', 'Orders'),
          col('visits', 'Visits'),
        ],
        rows: r.points.map((p) => ({ ...p })),
      },
    ],
    notes: [],
  };
}
