import type { ExecutiveReport } from '../domain/executive';
import type { DocMeta } from './document-parts';
import { col, dailyTable, rangeLabel, revenueChart, subtitleOf } from './document-parts';
import type { ReportDocument } from './report-document';
import { formatChange, formatDecimal, formatInt, formatMoney, formatPercent, minorToDecimal } from './value-format';

const UNIT_LABEL: Record<string, string | undefined> = { count: 'count', percent: '%', minutes: 'minutes' };

/** The executive report as a document (also the body and attachments of the report e-mails). */
export function executiveDocument(r: ExecutiveReport, meta: DocMeta, title = 'Executive report'): ReportDocument {
  return {
    title,
    subtitle: subtitleOf(r.current, meta, r.period.complete ? '' : ' · period to date'),
    fileName: `executive-${r.period.type}-${r.current.start}`,
    currency: meta.currency,
    locale: meta.locale,
    kpis: r.summary.slice(0, 8).map((line) => ({
      label: line.label,
      value:
        line.unit === 'money'
          ? formatMoney(line.value, meta)
          : line.unit === 'percent'
            ? formatPercent(line.value, meta)
            : line.unit === 'minutes'
              ? line.value === null
                ? '–'
                : `${formatDecimal(line.value, meta)} min`
              : formatInt(line.value, meta),
      change: formatChange(line.changePct, meta, line.unit === 'percent' ? 'points' : 'percent'),
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
