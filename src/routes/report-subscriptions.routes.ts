import { createRoute } from '@hono/zod-openapi';
import { uuid } from '../contracts/common';
import { REPORT_FORMATS, REPORT_FREQUENCIES, REPORT_KINDS } from '../db/tables';
import {
  createReportSubscription,
  deleteReportSubscription,
  getReportSubscription,
  listReportSubscriptions,
  unsubscribe,
  updateReportSubscription,
} from '../services/report-subscriptions.service';
import { crudRouter } from './crud';
import { createRouter, ERROR_RESPONSES, entityFields, listQuery, z } from './openapi';

export const ReportSubscriptionSchema = z
  .object({
    ...entityFields,
    name: z.string(),
    report: z.enum(REPORT_KINDS),
    frequency: z.enum(REPORT_FREQUENCIES),
    format: z.enum(REPORT_FORMATS),
    recipients: z.array(z.string()),
    active: z.boolean(),
    createdBy: z.string(),
  })
  .openapi('ReportSubscription');

const fields = {
  name: z.string().trim().min(1).max(200),
  frequency: z.enum(REPORT_FREQUENCIES).openapi({
    description:
      'daily: yesterday; weekly: last Monday–Sunday; monthly: last calendar month — sent from 06:00 tenant time',
  }),
  format: z.enum(REPORT_FORMATS).optional().openapi({ description: 'Attachments: pdf, csv or both (default)' }),
  recipients: z.array(z.email().max(254)).min(1).max(20),
  active: z.boolean().optional(),
};

const CreateBody = z
  .strictObject({ id: uuid().optional().openapi({ description: 'Client-generated UUIDv7' }), ...fields })
  .openapi('CreateReportSubscription');

const UpdateBody = z
  .strictObject({
    name: fields.name.optional(),
    frequency: fields.frequency.optional(),
    format: fields.format,
    recipients: fields.recipients.optional(),
    active: fields.active,
    expectedVersion: z.number().int().min(1).optional(),
  })
  .openapi('UpdateReportSubscription');

export const reportSubscriptionsRouter = crudRouter({
  tag: 'Report subscriptions',
  singular: 'report subscription',
  plural: 'report subscriptions',
  schema: ReportSubscriptionSchema,
  createBody: CreateBody,
  updateBody: UpdateBody,
  listQuery: listQuery(['name', 'createdAt', 'updatedAt'] as const),
  summaries: { create: 'Subscribe recipients to the scheduled executive report (owners, admins, managers)' },
  service: {
    list: (ctx, _filters, page) => listReportSubscriptions(ctx, page),
    create: createReportSubscription,
    get: getReportSubscription,
    update: updateReportSubscription,
    delete: deleteReportSubscription,
  },
});

const UnsubscribeQuery = z.object({
  token: z.string().min(1).max(2048).openapi({ description: 'From the link in a report e-mail' }),
});

const page = (title: string, text: string) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head>` +
  `<body style="font-family:Helvetica,Arial,sans-serif;max-width:560px;margin:48px auto;color:#21262d">` +
  `<h1 style="font-size:22px">${title}</h1><p>${text}</p></body></html>`;

const escapeHtml = (s: string) =>
  s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

const unsubscribeRoute = (method: 'get' | 'post') =>
  createRoute({
    method,
    path: '/unsubscribe',
    tags: ['Report subscriptions'],
    summary:
      method === 'get'
        ? 'Unsubscribe from report e-mails (the link in every report; no login needed)'
        : 'One-click unsubscribe (RFC 8058 List-Unsubscribe-Post)',
    request: { query: UnsubscribeQuery },
    responses: {
      200: {
        description: 'Unsubscribed (also when already unsubscribed)',
        content: { 'text/html': { schema: z.string() } },
      },
      400: ERROR_RESPONSES[400],
    },
  });

/**
 * Public: mounted before the protected router at the same prefix, so this path answers without a
 * credential (the signed token is the credential).
 */
export const reportUnsubscribeRouter = createRouter();
for (const method of ['get', 'post'] as const) {
  reportUnsubscribeRouter.openapi(unsubscribeRoute(method), async (c) => {
    const { token } = c.req.valid('query');
    const done = await unsubscribe(c.get('platform'), token);
    return c.html(
      page('Unsubscribed', `${escapeHtml(done.email)} will no longer receive “${escapeHtml(done.subscriptionName)}”.`),
      200,
    );
  });
}
