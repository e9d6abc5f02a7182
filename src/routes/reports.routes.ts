import { metricsDocument } from '../analytics/documents/metrics.document';
import { salesReportDocument } from '../analytics/documents/sales-report.document';
import { trendsDocument } from '../analytics/documents/trends.document';
import { getMetrics, getTrends } from '../analytics/services/metrics-trends.service';
import { getDailySales, getMonthlySales, getWeeklySales } from '../analytics/services/sales-reports.service';
import {
  DailySalesQuery,
  MetricsQuery,
  MetricsReportSchema,
  MonthlySalesQuery,
  SalesReportSchema,
  TrendsQuery,
  TrendsReportSchema,
  WeeklySalesQuery,
} from '../contracts/reports.schemas';
import { createProtectedRouter, protectedRoute, serviceContext } from './openapi';
import { reportContent, respondWith } from './report-responses';

const tags = ['Reports'];

export const reportsRouter = createProtectedRouter()
  .openapi(
    protectedRoute({
      method: 'get',
      path: '/daily-sales',
      tags,
      summary: 'One local day: totals, orders, items, AOV, by hour, top 10 products',
      request: { query: DailySalesQuery },
      responses: { 200: reportContent(SalesReportSchema, 'Daily sales (default: today)') },
    }),
    async (c) => {
      const { format, ...q } = c.req.valid('query');
      const data = await getDailySales(serviceContext(c), q);
      return respondWith(c, format, SalesReportSchema, data, (d) => salesReportDocument(d, d.meta));
    },
  )
  .openapi(
    protectedRoute({
      method: 'get',
      path: '/weekly-sales',
      tags,
      summary: 'Seven local days from startDate: totals, by day, top 10 products',
      request: {
        query: WeeklySalesQuery,
      },
      responses: { 200: reportContent(SalesReportSchema, 'Weekly sales') },
    }),
    async (c) => {
      const { format, ...q } = c.req.valid('query');
      const data = await getWeeklySales(serviceContext(c), q);
      return respondWith(c, format, SalesReportSchema, data, (d) => salesReportDocument(d, d.meta));
    },
  )
  .openapi(
    protectedRoute({
      method: 'get',
      path: '/monthly-sales',
      tags,
      summary: 'A calendar month: totals, by day and by ISO week, top 10 products',
      request: {
        query: MonthlySalesQuery,
      },
      responses: { 200: reportContent(SalesReportSchema, 'Monthly sales (default: this month)') },
    }),
    async (c) => {
      const { format, ...q } = c.req.valid('query');
      const data = await getMonthlySales(serviceContext(c), q);
      return respondWith(c, format, SalesReportSchema, data, (d) => salesReportDocument(d, d.meta));
    },
  )
  .openapi(
    protectedRoute({
      method: 'get',
      path: '/metrics',
      tags,
      summary: 'KPIs of the last N days against the N days before',
      request: { query: MetricsQuery },
      responses: { 200: reportContent(MetricsReportSchema, 'Metrics') },
    }),
    async (c) => {
      const { format, ...q } = c.req.valid('query');
      const data = await getMetrics(serviceContext(c), q);
      return respondWith(c, format, MetricsReportSchema, data, (d) => metricsDocument(d, d.meta));
    },
  )
  .openapi(
    protectedRoute({
      method: 'get',
      path: '/trends',
      tags,
      summary: 'Daily series of the last N days with a 7-day average and the revenue slope',
      request: { query: TrendsQuery },
      responses: { 200: reportContent(TrendsReportSchema, 'Trends') },
    }),
    async (c) => {
      const { format, ...q } = c.req.valid('query');
      const data = await getTrends(serviceContext(c), q);
      return respondWith(c, format, TrendsReportSchema, data, (d) => trendsDocument(d, d.meta));
    },
  );
