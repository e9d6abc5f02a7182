import type { CustomerSegmentationBody } from '../../contracts/analytics.schemas';
import type { DocMeta } from './document-parts';
import { col, subtitleOf } from './document-parts';
import type { ReportDocument } from './report-document';
import { formatInt } from './value-format';

/** The RFM segmentation as a document: segments and their customers (all of them in an export). */
export function segmentationDocument(r: CustomerSegmentationBody, meta: DocMeta): ReportDocument {
  const day = r.run?.runDate ?? meta.generatedAt.slice(0, 10);
  return {
    title: 'Customer segmentation (RFM)',
    subtitle: subtitleOf({ start: day, end: day }, meta, r.run?.live ? ' · computed live' : ''),
    fileName: `segmentation-${day}`,
    currency: meta.currency,
    locale: meta.locale,
    kpis: r.segments.slice(0, 8).map((s) => ({
      label: s.segment.replace('_', ' '),
      value: formatInt(s.customers, meta),
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
    notes: [
      ...(r.customers.nextCursor
        ? [`The first ${r.customers.data.length} customers are listed; the JSON API pages through the rest.`]
        : []),
      ...Object.entries(r.rules).map(([segment, rule]) => `${segment}: ${rule}`),
    ],
  };
}
