import { metricsDocument } from '../analytics/documents/metrics.document';
import { salesReportDocument } from '../analytics/documents/sales-report.document';
import { trendsDocument } from '../analytics/documents/trends.document';
import { getMetrics, getTrends } from '../analytics/services/metrics-trends.service';
import { getDailySales, getMonthlySales, getWeeklySales } from '../analytics/services/sales-reports.service';
import { LocalDateQuery } from './analytics.routes';
import { createProtectedRouter, protectedRoute, serviceContext, z } from './openapi';
import { FormatQuery, reportContent, respondWith } from './report-responses';

const tags = ['Reports'];

const Row = z.object({
  key: z.string(),
  label: z.string(),
  revenueMinor: z.number().int(),
  orders: z.number().int(),
  items: z.number().int(),
});
const SalesReport = z
  .looseObject({
    kind: z.enum(['daily', 'weekly', 'monthly']),
    range: z.object({ start: z.string(), end: z.string() }),
    totals: z.object({
      revenueMinor: z.number().int(),
      refundsMinor: z.number().int(),
      orders: z.number().int(),
      items: z.number().int(),
      aovMinor: z.number().int().nullable(),
    }),
    breakdown: z.array(Row),
    weeks: z.array(Row).nullable(),
    topProducts: z.array(
      z.object({
        productId: z.string(),
        sku: z.string(),
        name: z.string(),
        units: z.number().int(),
        revenueMinor: z.number().int(),
      }),
    ),
  })
  .openapi('SalesReport');

const Metrics = z
  .looseObject({
    days: z.number().int(),
    kpis: z.looseObject({}),
    previousKpis: z.looseObject({}),
    growth: z.record(z.string(), z.number().nullable()),
  })
  .openapi('MetricsReport');
const Trends = z
  .looseObject({
    days: z.number().int(),
    points: z.array(
      z.looseObject({ date: z.string(), revenueMinor: z.number().int(), revenueMovingAvg7Minor: z.number().int() }),
    ),
    revenueSlopePerDayMinor: z.number().int(),
    direction: z.enum(['up', 'down', 'flat']),
  })
  .openapi('TrendsReport');

const Days = z.coerce.number().int().min(2).max(365).default(30);

export const reportsRouter = createProtectedRouter()
  .openapi(
    protectedRoute({
      method: 'get',
      path: '/daily-sales',
      tags,
      summary: 'One local day: totals, orders, items, AOV, by hour, top 10 products',
      request: { query: z.object({ date: LocalDateQuery.optional(), ...FormatQuery }) },
      responses: { 200: reportContent(SalesReport, 'Daily sales (default: today)') },
    }),
    async (c) => {
      const { format, ...q } = c.req.valid('query');
      const data = await getDailySales(serviceContext(c), q);
      return respondWith(c, format, data, (d) => salesReportDocument(d, d.meta)) as never;
    },
  )
  .openapi(
    protectedRoute({
      method: 'get',
      path: '/weekly-sales',
      tags,
      summary: 'Seven local days from startDate: totals, by day, top 10 products',
      request: {
        query: z.object({
          startDate: LocalDateQuery.optional().openapi({ description: 'First day (default: this Monday)' }),
          ...FormatQuery,
        }),
      },
      responses: { 200: reportContent(SalesReport, 'Weekly sales') },
    }),
    async (c) => {
      const { format, ...q } = c.req.valid('query');
      const data = await getWeeklySales(serviceContext(c), q);
      return respondWith(c, format, data, (d) => salesReportDocument(d, d.meta)) as never;
    },
  )
  .openapi(
    protectedRoute({
      method: 'get',
      path: '/monthly-sales',
      tags,
      summary: 'A calendar month: totals, by day and by ISO week, top 10 products',
      request: {
        query: z
          .object({
            year: z.coerce.number().int().min(2000).max(2100).optional(),
            month: z.coerce.number().int().min(1).max(12).optional(),
            ...FormatQuery,
          })
          .refine((q) => (q.year === undefined) === (q.month === undefined), {
            message: 'year and month go together',
            path: ['month'],
          }),
      },
      responses: { 200: reportContent(SalesReport, 'Monthly sales (default: this month)') },
    }),
    async (c) => {
      const { format, ...q } = c.req.valid('query');
      const data = await getMonthlySales(serviceContext(c), q);
      return respondWith(c, format, data, (d) => salesReportDocument(d, d.meta)) as never;
    },
  )
  .openapi(
    protectedRoute({
      method: 'get',
      path: '/metrics',
      tags,
      summary: 'KPIs of the last N days against the N days before',
      request: { query: z.object({ days: Days, ...FormatQuery }) },
      responses: { 200: reportContent(Metrics, 'Metrics') },
    }),
    async (c) => {
      const { format, ...q } = c.req.valid('query');
      const data = await getMetrics(serviceContext(c), q);
      return respondWith(c, format, data, (d) => metricsDocument(d, d.meta)) as never;
    },
  )
  .openapi(
    protectedRoute({
      method: 'get',
      path: '/trends',
      tags,
      summary: 'Daily series of the last N days with a 7-day average and the revenue slope',
      request: { query: z.object({ days: Days, ...FormatQuery }) },
      responses: { 200: reportContent(Trends, 'Trends') },
    }),
    async (c) => {
      const { format, ...q } = c.req.valid('query');
      const data = await getTrends(serviceContext(c), q);
      return respondWith(c, format, data, (d) => trendsDocument(d, d.meta)) as never;
    },
  );
