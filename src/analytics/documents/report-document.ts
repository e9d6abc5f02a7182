/**
 * What every report looks like once exported: the same document becomes CSV (its first table), PDF
 * (everything, with the chart) and the scheduled e-mail (HTML). Builders per report are in documents.ts.
 */
export type ColumnKind = 'text' | 'money' | 'int' | 'percent' | 'decimal';

export interface Column {
  key: string;
  label: string;
  kind: ColumnKind;
}

/** Table cells: numbers and strings are shown (per column kind); anything else as text, null as a dash. */
export type Cell = unknown;

export interface Table {
  title: string;
  columns: Column[];
  rows: Record<string, Cell>[];
}

export interface Kpi {
  label: string;
  value: string;
  /** e.g. "+12.5 %" against the previous period, or null. */
  change: string | null;
  /** A remark shown instead of a change, e.g. "12.5 % of revenue". */
  note?: string | undefined;
}

export interface Chart {
  title: string;
  kind: 'bar' | 'line';
  labels: string[];
  /** Values in minor units when `money`. */
  series: { name: string; values: number[] }[];
  /** Optional band drawn behind a line chart (e.g. a forecast interval). */
  band?: { lower: number[]; upper: number[] } | undefined;
  unit: 'money' | 'count';
}

/** A map drawn in the PDF: shaded areas, outlines and marked points, in [lng, lat] coordinates. */
export interface MapFigure {
  title: string;
  /** Each area's outer ring and its class (darker for `high`). */
  areas: { ring: number[][]; band: 'high' | 'medium' | 'low' }[];
  /** Rings drawn as outlines only (territory boundaries), named beside them. */
  outlines: { ring: number[][]; label: string }[];
  /** Points marked on top (e.g. customers not visited lately). */
  points: number[][];
  /** What the shades and the points mean. */
  legend: { high: string; medium: string; low: string; points: string };
}

export interface ReportDocument {
  title: string;
  subtitle: string;
  /** Base name for downloads and attachments, without extension. */
  fileName: string;
  currency: string;
  /** BCP 47: how numbers and money are written, and the CSV's delimiter. */
  locale: string;
  kpis: Kpi[];
  chart: Chart | null;
  /** A map, drawn in the PDF after the chart (the heatmap). */
  map?: MapFigure | undefined;
  /** The first table is the CSV export. */
  tables: Table[];
  notes: string[];
}
