/** The reports the screen offers, each one endpoint of the API with its own period parameters. */

export interface PeriodChoice {
  /** `period` for calendar periods, `days` for rolling windows, none for the RFM run. */
  kind: 'period' | 'days' | 'none';
  options: string[];
  initial: string;
  /** Calendar periods also take a date inside them (the tenant's local date). */
  dated?: boolean;
}

/** A further parameter a report offers beside its period (the heat map's cell size). */
export interface ExtraChoice {
  param: string;
  label: string;
  options: { value: string; label: string }[];
  initial: string;
}

export interface ReportDef {
  name: string;
  title: string;
  endpoint: string;
  period: PeriodChoice;
  choice?: ExtraChoice;
  /** Fixed parameters (page sizes). */
  extra?: string;
}

export const REPORTS: readonly ReportDef[] = [
  {
    name: 'sales-performance',
    title: 'Sales performance',
    endpoint: '/v1/analytics/sales-performance',
    period: { kind: 'period', options: ['week', 'month', 'quarter'], initial: 'month', dated: true },
  },
  {
    name: 'executive',
    title: 'Executive report',
    endpoint: '/v1/analytics/executive-report',
    period: { kind: 'period', options: ['day', 'week', 'month', 'quarter'], initial: 'month', dated: true },
  },
  {
    name: 'segments',
    title: 'RFM segments',
    endpoint: '/v1/analytics/customer-segmentation',
    period: { kind: 'none', options: [], initial: '' },
  },
  {
    name: 'products',
    title: 'Products',
    endpoint: '/v1/analytics/products',
    period: { kind: 'days', options: ['7', '30', '90', '365'], initial: '90' },
  },
  {
    name: 'heatmap',
    title: 'Heat map',
    endpoint: '/v1/analytics/territory-heatmap',
    period: { kind: 'days', options: ['7', '30', '90', '365'], initial: '90' },
    // Geohash precision: 4 shows a region's towns at a glance, 5 and 6 the streets of one of them.
    choice: {
      param: 'precision',
      label: 'Cells',
      options: [
        { value: '4', label: 'large, 20–40 km' },
        { value: '5', label: 'medium, about 5 km' },
        { value: '6', label: 'small, about 1 km' },
      ],
      initial: '4',
    },
  },
  {
    name: 'forecast',
    title: 'Forecast',
    endpoint: '/v1/analytics/forecast',
    period: { kind: 'days', options: ['14', '30', '60', '90'], initial: '30' },
  },
];

export function reportNamed(name: string | null): ReportDef {
  return REPORTS.find((r) => r.name === name) ?? (REPORTS[0] as ReportDef);
}

export interface PeriodValue {
  value: string;
  date: string;
  /** The value of the report's extra choice, when it has one (else its initial value is sent). */
  choice?: string;
}

/** The report's URL for a period: the same path serves JSON, CSV and PDF. */
export function reportPath(def: ReportDef, p: PeriodValue): string {
  const params = new URLSearchParams(def.extra ?? '');
  if (def.period.kind === 'period') {
    params.set('period', p.value);
    if (p.date) params.set('date', p.date);
  } else if (def.period.kind === 'days') {
    params.set('days', p.value);
  }
  if (def.choice) params.set(def.choice.param, p.choice ?? def.choice.initial);
  const qs = params.toString();
  return qs ? `${def.endpoint}?${qs}` : def.endpoint;
}
