import {
  DateRangeSchema,
  dailyPointWith,
  FormatQuery,
  GrowthSchema,
  kpiFieldsWith,
  LocalDateQuery,
  ReportMetaSchema,
} from './analytics.schemas';
import { z } from './common';

/**
 * Reports (/v1/reports): what the API accepts and returns, exactly (strict objects, as analytics.schemas.ts).
 */

const Days = z.coerce.number().int().min(2).max(365).default(30);

export const DailySalesQuery = z.object({ date: LocalDateQuery.optional(), ...FormatQuery });

export const WeeklySalesQuery = z.object({
  startDate: LocalDateQuery.optional().openapi({ description: 'First day (default: this Monday)' }),
  ...FormatQuery,
});

export const MonthlySalesQuery = z
  .object({
    year: z.coerce.number().int().min(2000).max(2100).optional(),
    month: z.coerce.number().int().min(1).max(12).optional(),
    ...FormatQuery,
  })
  .refine((q) => (q.year === undefined) === (q.month === undefined), {
    message: 'year and month go together',
    path: ['month'],
  });

export const MetricsQuery = z.object({ days: Days, ...FormatQuery });
export const TrendsQuery = z.object({ days: Days, ...FormatQuery });

const int = () => z.number().int();

const BreakdownRow = z
  .strictObject({
    key: z.string().openapi({ description: 'A local date, an ISO week’s Monday, or a local hour (14:00)' }),
    label: z.string(),
    revenueMinor: int(),
    orders: int(),
    items: int(),
  })
  .openapi('SalesBreakdownRow');

export const SalesReportSchema = z
  .strictObject({
    kind: z.enum(['daily', 'weekly', 'monthly']),
    range: DateRangeSchema,
    totals: z.strictObject({
      revenueMinor: int(),
      refundsMinor: int(),
      orders: int(),
      items: int(),
      aovMinor: int().nullable(),
    }),
    breakdown: z.array(BreakdownRow),
    weeks: z.array(BreakdownRow).nullable().openapi({ description: 'monthly only: by ISO week, clipped to the month' }),
    topProducts: z.array(
      z.strictObject({
        productId: z.string(),
        sku: z.string(),
        name: z.string(),
        units: int(),
        revenueMinor: int(),
      }),
    ),
    meta: ReportMetaSchema,
  })
  .openapi('SalesReport');

const MetricsKpis = kpiFieldsWith({
  cancelledOrders: int(),
  cancellationRatePct: z.number().nullable(),
  newCustomers: int(),
});

export const MetricsReportSchema = z
  .strictObject({
    days: int(),
    current: DateRangeSchema,
    previous: DateRangeSchema,
    kpis: MetricsKpis,
    previousKpis: MetricsKpis,
    growth: GrowthSchema,
    meta: ReportMetaSchema,
  })
  .openapi('MetricsReport');

export const TrendsReportSchema = z
  .strictObject({
    days: int(),
    range: DateRangeSchema,
    points: z.array(dailyPointWith({ revenueMovingAvg7Minor: int() })),
    revenueSlopePerDayMinor: int(),
    revenueTrendPct: z.number().nullable(),
    direction: z.enum(['up', 'down', 'flat']),
    meta: ReportMetaSchema,
  })
  .openapi('TrendsReport');

export type SalesReportBody = z.infer<typeof SalesReportSchema>;
export type MetricsReportBody = z.infer<typeof MetricsReportSchema>;
export type TrendsReportBody = z.infer<typeof TrendsReportSchema>;
