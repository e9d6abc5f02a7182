import { executiveDocument } from '../analytics/documents/executive.document';
import { forecastDocument } from '../analytics/documents/forecast.document';
import { heatmapDocument } from '../analytics/documents/heatmap.document';
import { productsDocument } from '../analytics/documents/products.document';
import { salesPerformanceDocument } from '../analytics/documents/sales-performance.document';
import { segmentationDocument } from '../analytics/documents/segmentation.document';
import { PERIOD_TYPES } from '../analytics/domain/periods';
import { SEGMENTS } from '../analytics/domain/segments';
import { getExecutiveReport } from '../analytics/services/executive-report.service';
import { getForecast } from '../analytics/services/forecast.service';
import { getTerritoryHeatmap } from '../analytics/services/heatmap.service';
import { getProductAnalytics } from '../analytics/services/products.service';
import { getSalesPerformance } from '../analytics/services/sales-performance.service';
import { getCustomerSegmentation } from '../analytics/services/segmentation.service';
import { createProtectedRouter, protectedRoute, serviceContext, z } from './openapi';
import { FormatQuery, reportContent, respondWith } from './report-responses';

const tags = ['Analytics'];

/** A calendar date in the tenant's timezone. */
export const LocalDateQuery = z.iso
  .date()
  .openapi({ description: 'YYYY-MM-DD in the tenant’s timezone', example: '2025-03-14' });

const Meta = z
  .object({
    timezone: z.string(),
    currency: z.string(),
    generatedAt: z.string(),
    scope: z.enum(['tenant', 'salesman']).openapi({ description: 'salesman: only the caller’s own figures' }),
  })
  .openapi('ReportMeta');

const Kpis = z
  .object({
    revenueMinor: z.number().int(),
    orders: z.number().int(),
    aovMinor: z.number().int().nullable(),
    customers: z.number().int(),
    visits: z.number().int(),
    strikeRatePct: z.number().nullable(),
    avgTimeOnSiteMinutes: z.number().nullable(),
    refundsMinor: z.number().int(),
  })
  .openapi('Kpis');

const Range = z.object({ start: z.string(), end: z.string() });
const DailyPoint = z.object({
  date: z.string(),
  revenueMinor: z.number().int(),
  orders: z.number().int(),
  visits: z.number().int(),
});

const SalesPerformance = z
  .looseObject({
    period: Range.extend({ type: z.string(), complete: z.boolean() }),
    current: Range,
    previous: Range,
    totals: Kpis,
    previousTotals: Kpis,
    growth: z.record(z.string(), z.number().nullable()),
    trend: z.array(DailyPoint),
    salesmen: z.array(
      z.looseObject({ salesmanId: z.string(), name: z.string(), revenueAchievementPct: z.number().nullable() }),
    ),
    topPerformers: z.object({
      byRevenue: z.array(z.string()),
      byOrders: z.array(z.string()),
      byVisits: z.array(z.string()),
    }),
    meta: Meta,
  })
  .openapi('SalesPerformance');

const FeatureCollection = z.looseObject({
  type: z.literal('FeatureCollection'),
  features: z.array(z.looseObject({ type: z.literal('Feature') })),
});
const TerritoryHeatmap = z
  .looseObject({
    range: Range,
    precision: z.number().int(),
    cells: FeatureCollection,
    territories: FeatureCollection,
    coverageGaps: FeatureCollection.extend({ gapDays: z.number().int(), total: z.number().int() }),
    meta: Meta,
  })
  .openapi('TerritoryHeatmap');

const ProductAnalytics = z
  .looseObject({
    days: z.number().int(),
    range: Range,
    totals: z.looseObject({ units: z.number().int(), revenueMinor: z.number().int() }),
    top: z.array(
      z.looseObject({
        productId: z.string(),
        units: z.number().int(),
        revenueMinor: z.number().int(),
        velocityPerDay: z.number(),
      }),
    ),
    categories: z.array(z.looseObject({ category: z.string() })),
    slowMovers: z.array(z.looseObject({ productId: z.string() })),
    meta: Meta,
  })
  .openapi('ProductAnalytics');

const Segment = z.enum(SEGMENTS);
const CustomerSegmentation = z
  .looseObject({
    run: z.looseObject({ runDate: z.string(), live: z.boolean(), previousRunDate: z.string().nullable() }).nullable(),
    rules: z.record(z.string(), z.string()),
    segments: z.array(
      z.looseObject({
        segment: Segment,
        customers: z.number().int(),
        revenueMinor: z.number().int(),
        revenueSharePct: z.number().nullable(),
      }),
    ),
    customers: z.object({
      segment: Segment.nullable(),
      data: z.array(
        z.looseObject({
          customerId: z.string(),
          segment: Segment,
          previousSegment: Segment.nullable(),
          r: z.number().int().nullable(),
        }),
      ),
      nextCursor: z.string().nullable(),
    }),
    meta: Meta,
  })
  .openapi('CustomerSegmentation');

const ExecutiveReport = z
  .looseObject({
    period: Range.extend({ type: z.string(), complete: z.boolean() }),
    current: Range,
    previous: Range,
    kpis: Kpis.extend({ newCustomers: z.number().int(), cancelledOrders: z.number().int() }),
    summary: z.array(
      z.object({
        key: z.string(),
        label: z.string(),
        unit: z.string(),
        value: z.number().nullable(),
        previous: z.number().nullable(),
        changePct: z.number().nullable(),
      }),
    ),
    trend: z.array(DailyPoint),
    meta: Meta,
  })
  .openapi('ExecutiveReport');

const Forecast = z
  .looseObject({
    method: z.string(),
    methodDescription: z.string(),
    history: z.object({ from: z.string().nullable(), to: z.string(), days: z.number().int() }),
    backtest: z
      .object({
        days: z.number().int(),
        mapePct: z.number().nullable(),
        wapePct: z.number().nullable(),
        zeroDaysExcluded: z.number().int(),
      })
      .nullable(),
    forecast: z.array(
      z.object({
        date: z.string(),
        revenueMinor: z.number().int(),
        lowerMinor: z.number().int(),
        upperMinor: z.number().int(),
      }),
    ),
    meta: Meta,
  })
  .openapi('RevenueForecast');

const days = (def: number, max: number) => z.coerce.number().int().min(1).max(max).default(def);

export const analyticsRouter = createProtectedRouter()
  .openapi(
    protectedRoute({
      method: 'get',
      path: '/sales-performance',
      tags,
      summary: 'Revenue trend, top performers, target achievement, growth, strike rate, time on site',
      request: {
        query: z.object({
          period: z.enum(['week', 'month', 'quarter']).default('month'),
          date: LocalDateQuery.optional(),
          ...FormatQuery,
        }),
      },
      responses: {
        200: reportContent(SalesPerformance, 'The period containing `date` (default today), compared like for like'),
      },
    }),
    async (c) => {
      const { format, ...q } = c.req.valid('query');
      const data = await getSalesPerformance(serviceContext(c), q);
      return respondWith(c, format, data, (d) => salesPerformanceDocument(d, d.meta)) as never;
    },
  )
  .openapi(
    protectedRoute({
      method: 'get',
      path: '/territory-heatmap',
      tags,
      summary: 'Visits and revenue on a geohash grid and per territory (GeoJSON, high/medium/low bands), coverage gaps',
      request: {
        query: z.object({
          days: days(90, 366),
          precision: z.coerce
            .number()
            .int()
            .min(3)
            .max(8)
            .default(5)
            .openapi({ description: 'Geohash length (5 ≈ 4.9 × 4.9 km)' }),
          gapDays: days(30, 366).openapi({
            description: 'Customers without a completed visit for this many days are gaps',
          }),
          gapLimit: z.coerce.number().int().min(1).max(1000).default(100),
          ...FormatQuery,
        }),
      },
      responses: { 200: reportContent(TerritoryHeatmap, 'Heatmap cells, territories and coverage gaps') },
    }),
    async (c) => {
      const { format, ...q } = c.req.valid('query');
      const data = await getTerritoryHeatmap(serviceContext(c), q);
      return respondWith(c, format, data, (d) => heatmapDocument(d, d.meta)) as never;
    },
  )
  .openapi(
    protectedRoute({
      method: 'get',
      path: '/products',
      tags,
      summary: 'Top products by revenue, category comparison, units sold, velocity, slow movers',
      request: {
        query: z.object({
          days: days(90, 366),
          limit: z.coerce.number().int().min(1).max(100).default(20),
          ...FormatQuery,
        }),
      },
      responses: { 200: reportContent(ProductAnalytics, 'Product analytics of the last `days` days') },
    }),
    async (c) => {
      const { format, ...q } = c.req.valid('query');
      const data = await getProductAnalytics(serviceContext(c), q);
      return respondWith(c, format, data, (d) => productsDocument(d, d.meta)) as never;
    },
  )
  .openapi(
    protectedRoute({
      method: 'get',
      path: '/customer-segmentation',
      tags,
      summary: 'RFM segments from the latest nightly run: counts, revenue share and the customers in each (paginated)',
      request: {
        query: z.object({
          segment: Segment.optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
          cursor: z.string().max(512).optional(),
          ...FormatQuery,
        }),
      },
      responses: {
        200: reportContent(CustomerSegmentation, 'Segments and one page of customers, biggest spenders first'),
      },
    }),
    async (c) => {
      const { format, ...q } = c.req.valid('query');
      const data = await getCustomerSegmentation(serviceContext(c), q);
      return respondWith(c, format, data, (d) => segmentationDocument(d, d.meta)) as never;
    },
  )
  .openapi(
    protectedRoute({
      method: 'get',
      path: '/executive-report',
      tags,
      summary: 'Orders, revenue, visits, unique customers, AOV and growth against the previous period',
      request: {
        query: z.object({
          period: z.enum(PERIOD_TYPES).default('month'),
          date: LocalDateQuery.optional(),
          ...FormatQuery,
        }),
      },
      responses: { 200: reportContent(ExecutiveReport, 'KPI summary of the period containing `date` (default today)') },
    }),
    async (c) => {
      const { format, ...q } = c.req.valid('query');
      const data = await getExecutiveReport(serviceContext(c), q);
      return respondWith(c, format, data, (d) => executiveDocument(d, d.meta)) as never;
    },
  )
  .openapi(
    protectedRoute({
      method: 'get',
      path: '/forecast',
      tags,
      summary: 'Daily revenue forecast with an 80 % interval, the method used and its back-test error',
      request: { query: z.object({ days: days(30, 90), ...FormatQuery }) },
      responses: { 200: reportContent(Forecast, 'Forecast for today and the following days') },
    }),
    async (c) => {
      const { format, ...q } = c.req.valid('query');
      const data = await getForecast(serviceContext(c), q);
      return respondWith(c, format, data, (d) => forecastDocument(d, d.meta)) as never;
    },
  );
