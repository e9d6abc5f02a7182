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

export interface ReportDocument {
  title: string;
  subtitle: string;
  /** Base name for downloads and attachments, without extension. */
  fileName: string;
  currency: string;
  kpis: Kpi[];
  chart: Chart | null;
  /** The first table is the CSV export. */
  tables: Table[];
  notes: string[];
}
