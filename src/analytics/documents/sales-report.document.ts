import type { MetricsReport, SalesReport, TrendsReport } from '../domain/sales-report';
import type { TerritoryHeatmap } from '../services/heatmap.service';
import type { ForecastResponse } from '../services/sales-performance.service';
import type { CustomerSegmentation } from '../services/segmentation.service';
import { type DocMeta, dayLabel, kpiCards, rangeLabel, subtitleOf } from './document-parts';
import type { Column, ReportDocument } from './report-document';
import { formatChange, formatInt, formatMoney, formatPercent, minorToDecimal } from './value-format';

const major = (v: number | null, currency: string) => (v === null ? null : Number(minorToDecimal(v, currency)));

const col = (key: string, label: string, kind: Column['kind'] = 'int'): Column => ({ key, label, kind });
const SALES_TITLES = { daily: 'Daily sales', weekly: 'Weekly sales', monthly: 'Monthly sales' } as const;

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
    kpis: [
      { label: 'Revenue', value: formatMoney(r.totals.revenueMinor, meta.currency), change: null },
      { label: 'Orders', value: formatInt(r.totals.orders), change: null },
      { label: 'Items', value: formatInt(r.totals.items), change: null },
      { label: 'Average order value', value: formatMoney(r.totals.aovMinor, meta.currency), change: null },
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
    notes: [`Refunds of ${formatMoney(r.totals.refundsMinor, meta.currency)} are deducted from revenue.`],
  };
}

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
    kpis: kpiCards(k, p, meta.currency),
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

export function trendsDocument(r: TrendsReport, meta: DocMeta): ReportDocument {
  return {
    title: `Trends, last ${r.days} days`,
    subtitle: subtitleOf(r.range, meta),
    fileName: `trends-${r.days}d-${r.range.end}`,
    currency: meta.currency,
    kpis: [
      { label: 'Direction', value: r.direction, change: null },
      { label: 'Slope per day', value: formatMoney(r.revenueSlopePerDayMinor, meta.currency), change: null },
      {
        label: 'Change over range',
        value: r.revenueTrendPct === null ? '–' : (formatChange(r.revenueTrendPct) ?? '–'),
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

export function forecastDocument(r: ForecastResponse, meta: DocMeta): ReportDocument {
  const start = r.forecast[0]?.date ?? r.history.to;
  const end = r.forecast.at(-1)?.date ?? start;
  return {
    title: 'Revenue forecast',
    subtitle: subtitleOf({ start, end }, meta),
    fileName: `forecast-${start}`,
    currency: meta.currency,
    kpis: [
      {
        label: 'Forecast total',
        value: formatMoney(
          r.forecast.reduce((n, f) => n + f.revenueMinor, 0),
          meta.currency,
        ),
        change: null,
      },
      { label: 'Back-test MAPE', value: formatPercent(r.backtest?.mapePct ?? null), change: null },
      { label: 'Back-test WAPE', value: formatPercent(r.backtest?.wapePct ?? null), change: null },
      { label: 'History (days)', value: formatInt(r.history.days), change: null },
    ],
    chart: {
      title: 'Forecast revenue per day (80 % interval)',
      kind: 'line',
      labels: r.forecast.map((f) => dayLabel(f.date)),
      series: [{ name: 'Forecast', values: r.forecast.map((f) => f.revenueMinor) }],
      band: { lower: r.forecast.map((f) => f.lowerMinor), upper: r.forecast.map((f) => f.upperMinor) },
      unit: 'money',
    },
    tables: [
      {
        title: 'Forecast by day',
        columns: [
          col('date', 'Date', 'text'),
          col('revenueMinor', 'Forecast', 'money'),
          col('lowerMinor', 'Low (10 %)', 'money'),
          col('upperMinor', 'High (90 %)', 'money'),
        ],
        rows: r.forecast.map((f) => ({ ...f })),
      },
    ],
    notes: [
      `Method: ${r.methodDescription}.`,
      r.backtest
        ? `Back-test over the last ${r.backtest.days} known days: MAPE ${formatPercent(r.backtest.mapePct)} (days without sales left out: ${r.backtest.zeroDaysExcluded}), WAPE ${formatPercent(r.backtest.wapePct)}.`
        : 'Too little history for a back-test.',
    ],
  };
}

export function segmentationDocument(r: CustomerSegmentation, meta: DocMeta): ReportDocument {
  const day = r.run?.runDate ?? meta.generatedAt.slice(0, 10);
  return {
    title: 'Customer segmentation (RFM)',
    subtitle: subtitleOf({ start: day, end: day }, meta, r.run?.live ? ' · computed live' : ''),
    fileName: `segmentation-${day}`,
    currency: meta.currency,
    kpis: r.segments.slice(0, 8).map((s) => ({
      label: s.segment.replace('_', ' '),
      value: formatInt(s.customers),
      change: null,
      note: s.revenueSharePct === null ? undefined : `${s.revenueSharePct} % of revenue`,
    })),
    chart: {
      title: 'Revenue by segment',
      kind: 'bar',
      labels: r.segments.map((s) => s.segment.replace('_', ' ')),
      series: [{ name: 'Revenue', values: r.segments.map((s) => s.revenueMinor) }],
      unit: 'money',
    },
    tables: [
      {
        title: r.customers.segment ? `Customers: ${r.customers.segment}` : 'Customers',
        columns: [
          col('name', 'Customer', 'text'),
          col('segment', 'Segment', 'text'),
          col('previousSegment', 'Moved from', 'text'),
          col('recencyDays', 'Days since order'),
          col('frequency', 'Orders'),
          col('monetaryMinor', 'Spend', 'money'),
          col('r', 'R'),
          col('f', 'F'),
          col('m', 'M'),
        ],
        rows: r.customers.data.map((c) => ({ ...c })),
      },
      {
        title: 'Segments',
        columns: [
          col('segment', 'Segment', 'text'),
          col('customers', 'Customers'),
          col('revenueMinor', 'Revenue', 'money'),
          col('revenueSharePct', 'Share %', 'percent'),
          col('movedIn', 'Moved in'),
          col('movedOut', 'Moved out'),
        ],
        rows: r.segments.map((s) => ({ ...s })),
      },
    ],
    notes: Object.entries(r.rules).map(([segment, rule]) => `${segment}: ${rule}`),
  };
}

export function heatmapDocument(r: TerritoryHeatmap, meta: DocMeta): ReportDocument {
  const territories = r.territories.features.map((f) => f.properties);
  return {
    title: 'Territory heatmap',
    subtitle: subtitleOf(r.range, meta, ` · geohash precision ${r.precision}`),
    fileName: `territory-heatmap-${r.range.end}`,
    currency: meta.currency,
    kpis: [
      { label: 'Active cells', value: formatInt(r.cells.features.length), change: null },
      { label: 'Territories', value: formatInt(territories.filter((t) => t.territoryId).length), change: null },
      { label: `Not visited in ${r.coverageGaps.gapDays} days`, value: formatInt(r.coverageGaps.total), change: null },
    ],
    chart: {
      title: 'Revenue by territory',
      kind: 'bar',
      labels: territories.slice(0, 15).map((t) => t.name),
      series: [{ name: 'Revenue', values: territories.slice(0, 15).map((t) => t.revenueMinor) }],
      unit: 'money',
    },
    tables: [
      {
        title: 'Cells',
        columns: [
          col('geohash', 'Geohash', 'text'),
          col('visits', 'Visits'),
          col('orders', 'Orders'),
          col('revenueMinor', 'Revenue', 'money'),
          col('revenueBand', 'Revenue band', 'text'),
          col('visitBand', 'Visit band', 'text'),
        ],
        rows: r.cells.features.map((f) => ({ ...f.properties })),
      },
      {
        title: 'Territories',
        columns: [
          col('name', 'Territory', 'text'),
          col('visits', 'Visits'),
          col('orders', 'Orders'),
          col('revenueMinor', 'Revenue', 'money'),
          col('revenueBand', 'Band', 'text'),
        ],
        rows: territories.map((t) => ({ ...t })),
      },
      {
        title: `Coverage gaps (first ${r.coverageGaps.features.length} of ${r.coverageGaps.total})`,
        columns: [
          col('name', 'Customer', 'text'),
          col('lastVisitAt', 'Last visit', 'text'),
          col('daysSinceVisit', 'Days since'),
        ],
        rows: r.coverageGaps.features.map((f) => ({ ...f.properties })),
      },
    ],
    notes: [],
  };
}
