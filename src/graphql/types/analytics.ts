import type { KpiLine } from '../../analytics/domain/executive';
import type { DailyPoint } from '../../analytics/domain/metrics';
import { PERIOD_TYPES } from '../../analytics/domain/periods';
import { SEGMENTS } from '../../analytics/domain/segments';
import { getExecutiveReport } from '../../analytics/services/executive-report.service';
import { getForecast } from '../../analytics/services/forecast.service';
import type { ReportMeta } from '../../analytics/services/report-scope';
import { type CustomerSegmentation, getCustomerSegmentation } from '../../analytics/services/segmentation.service';
import { builder } from '../builder';
import { pageSize } from '../connection';
import { valueEnum } from '../enums';
import { badInput } from '../errors';
import { CustomerRef, SalesmanRef } from '../refs';

/**
 * The analytics reports (docs/analytics.md) through the same services as GET /v1/analytics/*: RFM
 * segments, the executive report and the revenue forecast. Figures are money in minor units of
 * `meta.currency`, days in the tenant's timezone; a salesman gets his own figures (`meta.scope`).
 */

const LOCAL_DATE = /^\d{4}-\d{2}-\d{2}$/;
const localDate = (value: string | null | undefined, field: string) => {
  if (value == null) return undefined;
  if (!LOCAL_DATE.test(value)) throw badInput(`${field} must be a date YYYY-MM-DD`);
  return value;
};

const PeriodTypeEnum = valueEnum('ReportPeriod', PERIOD_TYPES);
const SegmentEnum = valueEnum('RfmSegment', SEGMENTS);

const ReportMetaRef = builder.objectRef<ReportMeta>('ReportMeta').implement({
  fields: (t) => ({
    timezone: t.exposeString('timezone'),
    currency: t.exposeString('currency'),
    generatedAt: t.field({ type: 'DateTime', resolve: (m) => m.generatedAt }),
    scope: t.exposeString('scope', { description: '`tenant`, or `salesman` when limited to the caller' }),
  }),
});

const DateRangeRef = builder.objectRef<{ start: string; end: string; until?: string }>('DateRange').implement({
  description: 'Inclusive range of local dates (YYYY-MM-DD)',
  fields: (t) => ({
    start: t.exposeString('start'),
    end: t.exposeString('end'),
    until: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'A running period stops here: now, or the same time of day in the span it is compared with',
      resolve: (r) => r.until ?? null,
    }),
  }),
});

const KpiLineRef = builder.objectRef<KpiLine>('KpiLine').implement({
  fields: (t) => ({
    key: t.exposeString('key'),
    label: t.exposeString('label'),
    unit: t.exposeString('unit', { description: 'money (minor units), count, percent or minutes' }),
    value: t.exposeFloat('value', { nullable: true }),
    previous: t.exposeFloat('previous', { nullable: true }),
    changePct: t.exposeFloat('changePct', { nullable: true }),
  }),
});

const DailyPointRef = builder.objectRef<DailyPoint>('DailyPoint').implement({
  fields: (t) => ({
    date: t.exposeString('date'),
    revenueMinor: t.field({ type: 'SafeInt', resolve: (p) => p.revenueMinor }),
    orders: t.exposeInt('orders'),
    visits: t.exposeInt('visits'),
  }),
});

type Executive = Awaited<ReturnType<typeof getExecutiveReport>>;
const ExecutiveReportRef = builder.objectRef<Executive>('ExecutiveReport').implement({
  fields: (t) => ({
    period: t.field({ type: PeriodTypeEnum, resolve: (r) => r.period.type }),
    complete: t.boolean({ resolve: (r) => r.period.complete }),
    current: t.field({ type: DateRangeRef, resolve: (r) => r.current }),
    previous: t.field({ type: DateRangeRef, resolve: (r) => r.previous }),
    summary: t.field({
      type: [KpiLineRef],
      description: 'Each KPI against the previous period',
      resolve: (r) => r.summary,
    }),
    trend: t.field({ type: [DailyPointRef], resolve: (r) => r.trend }),
    meta: t.field({ type: ReportMetaRef, resolve: (r) => r.meta }),
  }),
});

type ForecastResult = Awaited<ReturnType<typeof getForecast>>;
const ForecastPointRef = builder.objectRef<ForecastResult['forecast'][number]>('ForecastPoint').implement({
  fields: (t) => ({
    date: t.exposeString('date'),
    revenueMinor: t.field({ type: 'SafeInt', resolve: (p) => p.revenueMinor }),
    lowerMinor: t.field({ type: 'SafeInt', resolve: (p) => p.lowerMinor }),
    upperMinor: t.field({ type: 'SafeInt', resolve: (p) => p.upperMinor }),
  }),
});
const BacktestRef = builder.objectRef<NonNullable<ForecastResult['backtest']>>('ForecastBacktest').implement({
  description: 'How well the method predicted the last known days when fitted without them (docs/analytics.md)',
  fields: (t) => ({
    days: t.exposeInt('days', { description: 'Days held out and predicted' }),
    mapePct: t.exposeFloat('mapePct', {
      nullable: true,
      description: 'Mean absolute percentage error, days with revenue',
    }),
    wapePct: t.exposeFloat('wapePct', { nullable: true, description: 'Σ|error| ÷ Σ actual, in percent' }),
    zeroDaysExcluded: t.exposeInt('zeroDaysExcluded', {
      description: 'Held-out days without revenue, left out of MAPE',
    }),
  }),
});
const SpecialDayRef = builder.objectRef<ForecastResult['specialDays'][number]>('ForecastSpecialDay').implement({
  description: 'A closed or reduced day of the forecast, predicted at its share of a normal day',
  fields: (t) => ({
    date: t.exposeString('date'),
    share: t.exposeFloat('share', { description: '0 closed, 1 a normal day' }),
    reason: t.exposeString('reason', { description: 'calendar (the organisation’s holidays) or history' }),
    name: t.exposeString('name', { nullable: true }),
  }),
});
const ForecastRef = builder.objectRef<ForecastResult>('Forecast').implement({
  fields: (t) => ({
    method: t.exposeString('method'),
    backtest: t.field({ type: BacktestRef, nullable: true, resolve: (f) => f.backtest }),
    methodDescription: t.exposeString('methodDescription'),
    historyFrom: t.string({ nullable: true, resolve: (f) => f.history.from }),
    historyTo: t.string({ resolve: (f) => f.history.to }),
    historyDays: t.int({ resolve: (f) => f.history.days }),
    historySpecialDays: t.int({
      description: 'Days of the history skipped as closed or reduced',
      resolve: (f) => f.history.specialDays,
    }),
    specialDays: t.field({ type: [SpecialDayRef], resolve: (f) => f.specialDays }),
    points: t.field({ type: [ForecastPointRef], resolve: (f) => f.forecast }),
    meta: t.field({ type: ReportMetaRef, resolve: (f) => f.meta }),
  }),
});

type SegmentRow = CustomerSegmentation['segments'][number];
const SegmentSummaryRef = builder.objectRef<SegmentRow & { rule: string }>('RfmSegmentSummary').implement({
  fields: (t) => ({
    segment: t.field({ type: SegmentEnum, resolve: (s) => s.segment }),
    rule: t.exposeString('rule'),
    customers: t.exposeInt('customers'),
    revenueMinor: t.field({ type: 'SafeInt', resolve: (s) => s.revenueMinor }),
    revenueSharePct: t.exposeFloat('revenueSharePct', { nullable: true }),
    movedIn: t.exposeInt('movedIn'),
    movedOut: t.exposeInt('movedOut'),
  }),
});

type Scored = CustomerSegmentation['customers']['data'][number];
const SegmentedCustomerRef = builder.objectRef<Scored>('RfmCustomer').implement({
  fields: (t) => ({
    customer: t.field({ type: CustomerRef, nullable: true, resolve: (c) => c.customerId }),
    name: t.exposeString('name'),
    salesman: t.field({ type: SalesmanRef, nullable: true, resolve: (c) => c.salesmanId }),
    segment: t.field({ type: SegmentEnum, resolve: (c) => c.segment }),
    previousSegment: t.field({ type: SegmentEnum, nullable: true, resolve: (c) => c.previousSegment }),
    recencyDays: t.exposeInt('recencyDays', { nullable: true }),
    frequency: t.exposeInt('frequency'),
    monetaryMinor: t.field({ type: 'SafeInt', resolve: (c) => c.monetaryMinor }),
    lastOrderDate: t.exposeString('lastOrderDate', { nullable: true }),
    r: t.exposeInt('r', { nullable: true }),
    f: t.exposeInt('f', { nullable: true }),
    m: t.exposeInt('m', { nullable: true }),
  }),
});

const SegmentationRef = builder.objectRef<CustomerSegmentation>('RfmSegmentation').implement({
  fields: (t) => ({
    runDate: t.string({
      nullable: true,
      description: 'The nightly run shown; null when computed live',
      resolve: (s) => s.run?.runDate ?? null,
    }),
    live: t.boolean({
      description: 'Computed now (before the first nightly run)',
      resolve: (s) => s.run?.live ?? true,
    }),
    segments: t.field({
      type: [SegmentSummaryRef],
      resolve: (s) => s.segments.map((row) => ({ ...row, rule: s.rules[row.segment] })),
    }),
    customers: t.field({
      type: [SegmentedCustomerRef],
      description: 'One page, biggest spenders first',
      resolve: (s) => s.customers.data,
    }),
    nextCursor: t.string({
      nullable: true,
      description: 'Pass as `after` for the next page',
      resolve: (s) => s.customers.nextCursor,
    }),
    meta: t.field({ type: ReportMetaRef, resolve: (s) => s.meta }),
  }),
});

builder.queryFields((t) => ({
  executiveReport: t.field({
    type: ExecutiveReportRef,
    description: 'KPIs of a period against the previous one (like for like while it runs)',
    args: {
      period: t.arg({ type: PeriodTypeEnum, required: true, defaultValue: 'month' }),
      date: t.arg.string({ description: 'A day of the period, YYYY-MM-DD (default today)' }),
    },
    complexity: 20,
    resolve: (_root, args, ctx) =>
      getExecutiveReport(ctx.service, { period: args.period, date: localDate(args.date, 'date') }),
  }),
  forecast: t.field({
    type: ForecastRef,
    description: 'Daily revenue forecast from today, with an 80 % interval',
    args: { days: t.arg.int({ required: true, defaultValue: 30, description: '1 to 90' }) },
    complexity: 20,
    resolve: (_root, args, ctx) => {
      if (args.days < 1 || args.days > 90) throw badInput('days must be between 1 and 90');
      return getForecast(ctx.service, { days: args.days });
    },
  }),
  customerSegments: t.field({
    type: SegmentationRef,
    description: 'RFM segments of the latest nightly run and one page of scored customers',
    args: { segment: t.arg({ type: SegmentEnum }), first: t.arg.int(), after: t.arg.string() },
    complexity: (args) => ({ field: 20, multiplier: args.first ?? 20 }),
    resolve: (_root, args, ctx) =>
      getCustomerSegmentation(ctx.service, {
        segment: args.segment ?? undefined,
        limit: pageSize(args),
        cursor: args.after ?? undefined,
      }),
  }),
}));
