import { AuditEntrySchema, AuditQuerySchema, UsageSchema } from '../contracts/audit.schemas';
import { rateCounter } from '../limits/limiter';
import { auditCsv, listAudit } from '../services/audit.service';
import { getUsage } from '../services/usage.service';
import { createProtectedRouter, jsonResponse, protectedRoute, serviceContext, z } from './openapi';

export const auditRouter = createProtectedRouter().openapi(
  protectedRoute({
    method: 'get',
    path: '/',
    tags: ['Audit'],
    summary: "The organisation's audit log: who did what, from where (owners and admins)",
    description: [
      'Newest first. Every write (its event in the log, with the actor, client address, user agent and request id)',
      'and every access that changes no record: sign-ins (succeeded, failed, throttled), sign-outs, refresh-token',
      "reuse, exports and downloads. Entries are kept for the plan's retention (`GET /v1/usage`,",
      '`limits.auditRetentionDays`); nothing can edit or delete one. `?format=csv` (or `Accept: text/csv`) downloads',
      'the matching entries (up to 10,000), and the download is itself recorded.',
    ].join('\n'),
    request: { query: AuditQuerySchema },
    responses: {
      200: {
        description: 'A page of entries, or the CSV download',
        content: {
          'application/json': {
            schema: z.object({ data: z.array(AuditEntrySchema), nextCursor: z.string().nullable() }),
          },
          'text/csv': { schema: z.string() },
        },
      },
    },
  }),
  async (c) => {
    const { format, limit, cursor, delimiter, ...filter } = c.req.valid('query');
    const csv = format === 'csv' || (format === undefined && (c.req.header('accept') ?? '').includes('text/csv'));
    if (!csv) return c.json(await listAudit(serviceContext(c), { limit, cursor, ...filter }), 200);
    const body = await auditCsv(serviceContext(c), filter, delimiter);
    return c.body(`\ufeff${body}\r\n`, 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="audit-${new Date().toISOString().slice(0, 10)}.csv"`,
    });
  },
);

export const usageRouter = createProtectedRouter().openapi(
  protectedRoute({
    method: 'get',
    path: '/',
    tags: ['Usage'],
    summary: "The organisation's plan, its limits and this minute's usage",
    description: [
      'Rate limits are per minute (fixed windows aligned to the clock minute), for the organisation and for the',
      'calling credential (a user with all his sessions, or one API key): REST requests, GraphQL complexity',
      '(each operation costs its complexity score) and realtime connections. Every response carries',
      '`RateLimit-Policy` and `RateLimit` (IETF draft-ietf-httpapi-ratelimit-headers); over a limit the answer is',
      '429 `RATE_LIMITED` with `Retry-After`. Plans and per-organisation overrides are set by the operator.',
    ].join('\n'),
    responses: { 200: jsonResponse(UsageSchema, 'Plan, limits and current usage') },
  }),
  async (c) =>
    c.json(
      await getUsage(
        serviceContext(c),
        rateCounter(c.env.RATE_LIMITER, c.get('principal').tenantId),
        c.get('config').RATE_LIMITS === 'on',
      ),
      200,
    ),
);
