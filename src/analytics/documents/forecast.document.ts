import type { ForecastBody } from '../../contracts/analytics.schemas';
import type { DocMeta } from './document-parts';
import { col, dayLabel, subtitleOf } from './document-parts';
import type { ReportDocument } from './report-document';
import { formatInt, formatMoney, formatPercent } from './value-format';

/** The revenue forecast as a document: the forecast days with their interval. */
export function forecastDocument(r: ForecastBody, meta: DocMeta): ReportDocument {
  const start = r.forecast[0]?.date ?? r.history.to;
  const end = r.forecast.at(-1)?.date ?? start;
  return {
    title: 'Revenue forecast',
    subtitle: subtitleOf({ start, end }, meta),
    fileName: `forecast-${start}`,
    currency: meta.currency,
    locale: meta.locale,
    kpis: [
      {
        label: 'Forecast total',
        value: formatMoney(
          r.forecast.reduce((n, f) => n + f.revenueMinor, 0),
          meta,
        ),
        change: null,
      },
      { label: 'Back-test MAPE', value: formatPercent(r.backtest?.mapePct ?? null, meta), change: null },
      { label: 'Back-test WAPE', value: formatPercent(r.backtest?.wapePct ?? null, meta), change: null },
      { label: 'History (days)', value: formatInt(r.history.days, meta), change: null },
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
        ? `Back-test over the last ${r.backtest.days} known days: MAPE ${formatPercent(r.backtest.mapePct, meta)} (days without sales left out: ${r.backtest.zeroDaysExcluded}), WAPE ${formatPercent(r.backtest.wapePct, meta)}.`
        : 'Too little history for a back-test.',
      ...(r.specialDays.length > 0
        ? [
            `Special days: ${r.specialDays
              .map(
                (d) =>
                  `${dayLabel(d.date)} ${d.share === 0 ? 'closed' : `at ${formatPercent(d.share * 100, meta)} of a normal day`}${d.name ? ` (${d.name})` : d.reason === 'history' ? ' (as in past years)' : ''}`,
              )
              .join(', ')}.`,
          ]
        : []),
    ],
  };
}
