import { PERIOD_TYPES } from '../analytics/domain/periods';
import { SEGMENTS } from '../analytics/domain/segments';
import { AreaGeometry } from '../lib/geojson';
import { CsvDelimiterQuery, z } from './common';

/**
 * Analytics (/v1/analytics): what the API accepts and returns, exactly. Every response object is strict,
 * so the OpenAPI document lists every field and a test can prove the services return nothing else
 * (test/integration/analytics-contracts.test.ts). Shared by the report routes (reports.schemas.ts).
 */

// ---------------------------------------------------------------- request building blocks

export const EXPORT_FORMATS = ['json', 'csv', 'pdf'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** `?format=`: every report answers JSON, CSV or PDF. */
export const FormatQuery = {
  format: z.enum(EXPORT_FORMATS).optional().openapi({
    description:
      'json (default), csv (the main table) or pdf (one or two pages with a chart); or send Accept: text/csv / application/pdf',
  }),
  ...CsvDelimiterQuery,
};

/** A calendar date in the tenant's timezone. */
export const LocalDateQuery = z.iso
  .date()
  .openapi({ description: 'YYYY-MM-DD in the tenant’s timezone', example: '2025-03-14' });

const days = (def: number, max: number) => z.coerce.number().int().min(1).max(max).default(def);

export const SegmentSchema = z.enum(SEGMENTS).openapi('RfmSegment');

export const SalesPerformanceQuery = z.object({
  period: z.enum(['week', 'month', 'quarter']).default('month'),
  date: LocalDateQuery.optional(),
  ...FormatQuery,
});

export const TerritoryHeatmapQuery = z.object({
  days: days(90, 366),
  precision: z.coerce
    .number()
    .int()
    .min(3)
    .max(8)
    .default(5)
    .openapi({ description: 'Geohash length (5 ≈ 4.9 × 4.9 km)' }),
  gapDays: days(30, 366).openapi({ description: 'Customers without a completed visit for this many days are gaps' }),
  gapLimit: z.coerce.number().int().min(1).max(1000).default(100),
  ...FormatQuery,
});

export const ProductAnalyticsQuery = z.object({
  days: days(90, 366),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  ...FormatQuery,
});

export const CustomerSegmentationQuery = z.object({
  segment: SegmentSchema.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(512).optional(),
  ...FormatQuery,
});

export const ExecutiveReportQuery = z.object({
  period: z.enum(PERIOD_TYPES).default('month'),
  date: LocalDateQuery.optional(),
  ...FormatQuery,
});

export const ForecastQuery = z.object({ days: days(30, 90), ...FormatQuery });

// ---------------------------------------------------------------- response building blocks

const int = () => z.number().int();
const LocalDate = z.string().openapi({ description: 'YYYY-MM-DD in the tenant’s timezone' });

export const ReportMetaSchema = z
  .strictObject({
    timezone: z.string(),
    currency: z.string(),
    locale: z.string().openapi({ description: 'BCP 47: how the CSV, PDF and e-mail of the report write numbers' }),
    generatedAt: z.string(),
    scope: z.enum(['tenant', 'salesman']).openapi({ description: 'salesman: only the caller’s own figures' }),
  })
  .openapi('ReportMeta');

export const DateRangeSchema = z
  .strictObject({
    start: LocalDate,
    end: LocalDate,
    until: z.string().optional().openapi({
      description:
        'For a period still running: the instant (UTC, exclusive) the figures stop at: now for the current span, the same time of day for the span it is compared with',
    }),
  })
  .openapi('DateRange');

export const PeriodSchema = z
  .strictObject({ type: z.enum(PERIOD_TYPES), start: LocalDate, end: LocalDate, complete: z.boolean() })
  .openapi('ReportPeriod');

const kpiFields = {
  revenueMinor: int(),
  orders: int(),
  aovMinor: int().nullable(),
  customers: int(),
  visits: int(),
  strikeRatePct: z.number().nullable(),
  avgTimeOnSiteMinutes: z.number().nullable(),
  refundsMinor: int(),
};
export const KpisSchema = z.strictObject(kpiFields).openapi('Kpis');

export const GrowthSchema = z
  .strictObject({
    revenue: z.number().nullable(),
    orders: z.number().nullable(),
    aov: z.number().nullable(),
    customers: z.number().nullable(),
    visits: z.number().nullable(),
  })
  .openapi('Growth', { description: 'Change against the previous period in percent; null when that was 0' });

const dailyPointFields = { date: LocalDate, revenueMinor: int(), orders: int(), visits: int() };
export const DailyPointSchema = z.strictObject(dailyPointFields).openapi('DailyPoint');

/** KPI fields of the executive and metrics reports beyond the common ones. */
export const kpiFieldsWith = <S extends z.ZodRawShape>(extra: S) => z.strictObject({ ...kpiFields, ...extra });

/** Fields of a daily point, for series that add their own. */
export const dailyPointWith = <S extends z.ZodRawShape>(extra: S) => z.strictObject({ ...dailyPointFields, ...extra });

const BandSchema = z.enum(['high', 'medium', 'low']);

// ---------------------------------------------------------------- responses

export const SalesPerformanceSchema = z
  .strictObject({
    period: PeriodSchema,
    current: DateRangeSchema,
    previous: DateRangeSchema,
    totals: KpisSchema,
    previousTotals: KpisSchema,
    growth: GrowthSchema,
    trend: z.array(DailyPointSchema),
    salesmen: z.array(
      z.strictObject({
        salesmanId: z.string(),
        name: z.string(),
        ...kpiFields,
        revenueGrowthPct: z.number().nullable(),
        targetRevenueMinor: int().nullable(),
        targetVisits: int().nullable(),
        revenueAchievementPct: z.number().nullable(),
        visitAchievementPct: z.number().nullable(),
      }),
    ),
    topPerformers: z.strictObject({
      byRevenue: z.array(z.string()),
      byOrders: z.array(z.string()),
      byVisits: z.array(z.string()),
    }),
    meta: ReportMetaSchema,
  })
  .openapi('SalesPerformance');

const cellStats = {
  visits: int(),
  orders: int(),
  revenueMinor: int(),
  revenueBand: BandSchema,
  visitBand: BandSchema,
};

export const TerritoryHeatmapSchema = z
  .strictObject({
    range: DateRangeSchema,
    precision: int(),
    cells: z.strictObject({
      type: z.literal('FeatureCollection'),
      features: z.array(
        z.strictObject({
          type: z.literal('Feature'),
          id: z.string(),
          geometry: z.strictObject({ type: z.literal('Polygon'), coordinates: z.array(z.array(z.array(z.number()))) }),
          properties: z.strictObject({ geohash: z.string(), ...cellStats }),
        }),
      ),
    }),
    territories: z.strictObject({
      type: z.literal('FeatureCollection'),
      features: z.array(
        z.strictObject({
          type: z.literal('Feature'),
          id: z.string(),
          geometry: AreaGeometry.nullable(),
          properties: z.strictObject({ territoryId: z.string().nullable(), name: z.string(), ...cellStats }),
        }),
      ),
    }),
    coverageGaps: z.strictObject({
      gapDays: int(),
      total: int(),
      type: z.literal('FeatureCollection'),
      features: z.array(
        z.strictObject({
          type: z.literal('Feature'),
          id: z.string(),
          geometry: z
            .strictObject({ type: z.literal('Point'), coordinates: z.tuple([z.number(), z.number()]) })
            .nullable(),
          properties: z.strictObject({
            customerId: z.string(),
            name: z.string(),
            salesmanId: z.string().nullable(),
            territoryId: z.string().nullable(),
            lastVisitAt: z.string().nullable(),
            daysSinceVisit: int().nullable().openapi({ description: 'Local days since the last visit; null: never' }),
          }),
        }),
      ),
    }),
    meta: ReportMetaSchema,
  })
  .openapi('TerritoryHeatmap');

const ProductRowSchema = z
  .strictObject({
    productId: z.string(),
    sku: z.string(),
    name: z.string(),
    category: z.string().nullable(),
    active: z.boolean(),
    onHand: int(),
    units: int(),
    revenueMinor: int(),
    orders: int(),
    velocityPerDay: z.number(),
    revenueSharePct: z.number().nullable(),
    daysOfCover: int().nullable(),
  })
  .openapi('ProductSalesRow');

export const ProductAnalyticsSchema = z
  .strictObject({
    days: int(),
    range: DateRangeSchema,
    totals: z.strictObject({
      units: int(),
      revenueMinor: int(),
      orders: int(),
      productsSold: int(),
      velocityPerDay: z.number(),
    }),
    top: z.array(ProductRowSchema),
    categories: z.array(
      z.strictObject({
        category: z.string(),
        products: int(),
        units: int(),
        revenueMinor: int(),
        revenueSharePct: z.number().nullable(),
        velocityPerDay: z.number(),
      }),
    ),
    slowMovers: z.array(ProductRowSchema),
    meta: ReportMetaSchema,
  })
  .openapi('ProductAnalytics');

const quintileBounds = z.array(z.number().nullable());

export const CustomerSegmentationSchema = z
  .strictObject({
    run: z
      .strictObject({
        runDate: LocalDate,
        asOf: z.string(),
        completedAt: z.string().nullable(),
        previousRunDate: LocalDate.nullable(),
        live: z.boolean().openapi({ description: 'true: no nightly run yet, scores computed now' }),
      })
      .nullable(),
    rules: z.strictObject(
      Object.fromEntries(SEGMENTS.map((s) => [s, z.string()])) as Record<(typeof SEGMENTS)[number], z.ZodString>,
    ),
    thresholds: z
      .strictObject({ recencyDays: quintileBounds, frequency: quintileBounds, monetaryMinor: quintileBounds })
      .nullable(),
    segments: z.array(
      z.strictObject({
        segment: SegmentSchema,
        customers: int(),
        revenueMinor: int(),
        revenueSharePct: z.number().nullable(),
        movedIn: int(),
        movedOut: int(),
      }),
    ),
    customers: z.strictObject({
      segment: SegmentSchema.nullable(),
      data: z.array(
        z.strictObject({
          customerId: z.string(),
          name: z.string(),
          salesmanId: z.string().nullable(),
          segment: SegmentSchema,
          previousSegment: SegmentSchema.nullable(),
          recencyDays: int().nullable(),
          frequency: int(),
          monetaryMinor: int(),
          lastOrderDate: LocalDate.nullable(),
          r: int().nullable(),
          f: int().nullable(),
          m: int().nullable(),
        }),
      ),
      nextCursor: z.string().nullable(),
    }),
    meta: ReportMetaSchema,
  })
  .openapi('CustomerSegmentation');

const ExecutiveKpisSchema = kpiFieldsWith({ newCustomers: int(), cancelledOrders: int() });

export const ExecutiveReportSchema = z
  .strictObject({
    period: PeriodSchema,
    current: DateRangeSchema,
    previous: DateRangeSchema,
    kpis: ExecutiveKpisSchema,
    previousKpis: ExecutiveKpisSchema,
    growth: GrowthSchema,
    summary: z.array(
      z.strictObject({
        key: z.string(),
        label: z.string(),
        unit: z.enum(['money', 'count', 'percent', 'minutes']),
        value: z.number().nullable(),
        previous: z.number().nullable(),
        changePct: z.number().nullable().openapi({ description: 'Percent; for rates, percentage points' }),
      }),
    ),
    trend: z.array(DailyPointSchema),
    meta: ReportMetaSchema,
  })
  .openapi('ExecutiveReport');

export const ForecastSchema = z
  .strictObject({
    method: z.enum(['holt-winters-additive-damped', 'seasonal-naive', 'mean', 'none']),
    methodDescription: z.string(),
    params: z.strictObject({ alpha: z.number(), beta: z.number(), gamma: z.number(), phi: z.number() }).nullable(),
    history: z.strictObject({
      from: LocalDate.nullable(),
      to: LocalDate,
      days: int(),
      specialDays: int().openapi({ description: 'Days of the history the model skipped as closed or reduced' }),
    }),
    backtest: z
      .strictObject({
        days: int(),
        mapePct: z.number().nullable(),
        wapePct: z.number().nullable(),
        zeroDaysExcluded: int(),
      })
      .nullable(),
    interval: z.strictObject({ level: z.literal(0.8), basis: z.enum(['backtest', 'in-sample', 'none']) }),
    forecast: z.array(z.strictObject({ date: LocalDate, revenueMinor: int(), lowerMinor: int(), upperMinor: int() })),
    specialDays: z
      .array(
        z.strictObject({
          date: LocalDate,
          share: z.number().openapi({ description: 'Of a normal day: 0 closed, e.g. 0.25 for a quarter day' }),
          reason: z.enum(['calendar', 'history']).openapi({
            description:
              "calendar: on the organisation's holiday calendar (PATCH /v1/tenant), closed; history: the same month-day was closed (under 10 % of a usual day) in every year of the last two the history holds, or reduced (under 60 %) in both",
          }),
          name: z.string().nullable().openapi({ description: "The calendar's name for the day" }),
        }),
      )
      .openapi({ description: 'The special days of the forecast, predicted at their share of a normal day' }),
    meta: ReportMetaSchema,
  })
  .openapi('RevenueForecast');

export type ReportMetaBody = z.infer<typeof ReportMetaSchema>;
export type SalesPerformanceBody = z.infer<typeof SalesPerformanceSchema>;
export type TerritoryHeatmapBody = z.infer<typeof TerritoryHeatmapSchema>;
export type ProductAnalyticsBody = z.infer<typeof ProductAnalyticsSchema>;
export type CustomerSegmentationBody = z.infer<typeof CustomerSegmentationSchema>;
export type ExecutiveReportBody = z.infer<typeof ExecutiveReportSchema>;
export type ForecastBody = z.infer<typeof ForecastSchema>;
