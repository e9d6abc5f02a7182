import { executiveDocument } from '../analytics/documents/executive.document';
import { forecastDocument } from '../analytics/documents/forecast.document';
import { heatmapDocument } from '../analytics/documents/heatmap.document';
import { productsDocument } from '../analytics/documents/products.document';
import { salesPerformanceDocument } from '../analytics/documents/sales-performance.document';
import { segmentationDocument } from '../analytics/documents/segmentation.document';
import { getExecutiveReport } from '../analytics/services/executive-report.service';
import { getForecast } from '../analytics/services/forecast.service';
import { getTerritoryHeatmap } from '../analytics/services/heatmap.service';
import { getProductAnalytics } from '../analytics/services/products.service';
import { getSalesPerformance } from '../analytics/services/sales-performance.service';
import { getCustomerSegmentation, getCustomerSegmentationExport } from '../analytics/services/segmentation.service';
import {
  CustomerSegmentationQuery,
  CustomerSegmentationSchema,
  ExecutiveReportQuery,
  ExecutiveReportSchema,
  ForecastQuery,
  ForecastSchema,
  ProductAnalyticsQuery,
  ProductAnalyticsSchema,
  SalesPerformanceQuery,
  SalesPerformanceSchema,
  TerritoryHeatmapQuery,
  TerritoryHeatmapSchema,
} from '../contracts/analytics.schemas';
import { createProtectedRouter, protectedRoute, serviceContext } from './openapi';
import { negotiate, reportContent, respondWith } from './report-responses';

const tags = ['Analytics'];

export const analyticsRouter = createProtectedRouter()
  .openapi(
    protectedRoute({
      method: 'get',
      path: '/sales-performance',
      tags,
      summary: 'Revenue trend, top performers, target achievement, growth, strike rate, time on site',
      request: {
        query: SalesPerformanceQuery,
      },
      responses: {
        200: reportContent(
          SalesPerformanceSchema,
          'The period containing `date` (default today), compared like for like',
        ),
      },
    }),
    async (c) => {
      const { format, ...q } = c.req.valid('query');
      const data = await getSalesPerformance(serviceContext(c), q);
      return respondWith(c, format, SalesPerformanceSchema, data, (d) => salesPerformanceDocument(d, d.meta));
    },
  )
  .openapi(
    protectedRoute({
      method: 'get',
      path: '/territory-heatmap',
      tags,
      summary: 'Visits and revenue on a geohash grid and per territory (GeoJSON, high/medium/low bands), coverage gaps',
      request: {
        query: TerritoryHeatmapQuery,
      },
      responses: { 200: reportContent(TerritoryHeatmapSchema, 'Heatmap cells, territories and coverage gaps') },
    }),
    async (c) => {
      const { format, ...q } = c.req.valid('query');
      const data = await getTerritoryHeatmap(serviceContext(c), q);
      return respondWith(c, format, TerritoryHeatmapSchema, data, (d) => heatmapDocument(d, d.meta));
    },
  )
  .openapi(
    protectedRoute({
      method: 'get',
      path: '/products',
      tags,
      summary: 'Top products by revenue, category comparison, units sold, velocity, slow movers',
      request: {
        query: ProductAnalyticsQuery,
      },
      responses: { 200: reportContent(ProductAnalyticsSchema, 'Product analytics of the last `days` days') },
    }),
    async (c) => {
      const { format, ...q } = c.req.valid('query');
      const data = await getProductAnalytics(serviceContext(c), q);
      return respondWith(c, format, ProductAnalyticsSchema, data, (d) => productsDocument(d, d.meta));
    },
  )
  .openapi(
    protectedRoute({
      method: 'get',
      path: '/customer-segmentation',
      tags,
      summary: 'RFM segments from the latest nightly run: counts, revenue share and the customers in each (paginated)',
      request: {
        query: CustomerSegmentationQuery,
      },
      responses: {
        200: reportContent(CustomerSegmentationSchema, 'Segments and one page of customers, biggest spenders first'),
      },
    }),
    async (c) => {
      const { format, ...q } = c.req.valid('query');
      // A CSV or PDF export holds every customer of the segment, not one page.
      const data =
        negotiate(format, c.req.header('accept')) === 'json'
          ? await getCustomerSegmentation(serviceContext(c), q)
          : await getCustomerSegmentationExport(serviceContext(c), q);
      return respondWith(c, format, CustomerSegmentationSchema, data, (d) => segmentationDocument(d, d.meta));
    },
  )
  .openapi(
    protectedRoute({
      method: 'get',
      path: '/executive-report',
      tags,
      summary: 'Orders, revenue, visits, unique customers, AOV and growth against the previous period',
      request: {
        query: ExecutiveReportQuery,
      },
      responses: {
        200: reportContent(ExecutiveReportSchema, 'KPI summary of the period containing `date` (default today)'),
      },
    }),
    async (c) => {
      const { format, ...q } = c.req.valid('query');
      const data = await getExecutiveReport(serviceContext(c), q);
      return respondWith(c, format, ExecutiveReportSchema, data, (d) => executiveDocument(d, d.meta));
    },
  )
  .openapi(
    protectedRoute({
      method: 'get',
      path: '/forecast',
      tags,
      summary: 'Daily revenue forecast with an 80 % interval, the method used and its back-test error',
      request: { query: ForecastQuery },
      responses: { 200: reportContent(ForecastSchema, 'Forecast for today and the following days') },
    }),
    async (c) => {
      const { format, ...q } = c.req.valid('query');
      const data = await getForecast(serviceContext(c), q);
      return respondWith(c, format, ForecastSchema, data, (d) => forecastDocument(d, d.meta));
    },
  );
