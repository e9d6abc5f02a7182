import type { TerritoryHeatmapBody } from '../../contracts/analytics.schemas';
import type { DocMeta } from './document-parts';
import { col, subtitleOf } from './document-parts';
import type { ReportDocument } from './report-document';
import { formatInt } from './value-format';

/** The territory heatmap as a document: territories, cells and coverage gaps. */
export function heatmapDocument(r: TerritoryHeatmapBody, meta: DocMeta): ReportDocument {
  const territories = r.territories.features.map((f) => f.properties);
  return {
    title: 'Territory heatmap',
    subtitle: subtitleOf(r.range, meta, ` · geohash precision ${r.precision}`),
    fileName: `territory-heatmap-${r.range.end}`,
    currency: meta.currency,
    locale: meta.locale,
    kpis: [
      { label: 'Active cells', value: formatInt(r.cells.features.length, meta), change: null },
      { label: 'Territories', value: formatInt(territories.filter((t) => t.territoryId).length, meta), change: null },
      {
        label: `Not visited in ${r.coverageGaps.gapDays} days`,
        value: formatInt(r.coverageGaps.total, meta),
        change: null,
      },
    ],
    chart: {
      title: 'Revenue by territory',
      kind: 'bar',
      labels: territories.slice(0, 15).map((t) => t.name),
      series: [{ name: 'Revenue', values: territories.slice(0, 15).map((t) => t.revenueMinor) }],
      unit: 'money',
    },
    map: {
      title: 'Where the revenue is',
      areas: r.cells.features.map((f) => ({ ring: f.geometry.coordinates[0] ?? [], band: f.properties.revenueBand })),
      outlines: r.territories.features.flatMap((f) =>
        outerRings(f.geometry).map((ring, i) => ({ ring, label: i === 0 ? f.properties.name : '' })),
      ),
      points: r.coverageGaps.features.flatMap((f) => (f.geometry ? [f.geometry.coordinates] : [])),
      legend: {
        high: 'High revenue',
        medium: 'Medium',
        low: 'Low',
        points: `Customer not visited in ${r.coverageGaps.gapDays} days`,
      },
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

/** The outer rings of a territory's area (a Polygon, or each polygon of a MultiPolygon). */
function outerRings(geometry: TerritoryHeatmapBody['territories']['features'][number]['geometry']): number[][][] {
  if (!geometry) return [];
  if (geometry.type === 'Polygon') return geometry.coordinates.slice(0, 1);
  return geometry.coordinates.map((polygon) => polygon[0] ?? []);
}
