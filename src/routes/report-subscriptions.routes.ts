import { createRoute } from '@hono/zod-openapi';
import { uuid } from '../contracts/common';
import { REPORT_FORMATS, REPORT_FREQUENCIES, REPORT_KINDS } from '../db/tables';
import { escapeHtml } from '../lib/html';
import {
  createReportSubscription,
  deleteReportSubscription,
  getReportSubscription,
  listReportSubscriptions,
  previewUnsubscribe,
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

const page = (title: string, text: string, form = '') =>
  `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
  `<meta name="robots" content="noindex"><title>${title}</title></head>` +
  `<body style="font-family:Helvetica,Arial,sans-serif;max-width:560px;margin:48px auto;padding:0 16px;color:#21262d">` +
  `<h1 style="font-size:22px">${title}</h1><p>${text}</p>${form}</body></html>`;

const unsubscribeRoute = (method: 'get' | 'post') =>
  createRoute({
    method,
    path: '/unsubscribe',
    tags: ['Report subscriptions'],
    summary:
      method === 'get'
        ? 'The unsubscribe page of a report e-mail (the link in every report; no login needed): asks to confirm, changes nothing'
        : 'Unsubscribe: the page’s button, and one-click unsubscribe from mail clients (RFC 8058 List-Unsubscribe-Post)',
    request: { query: UnsubscribeQuery },
    responses: {
      200: {
        description:
          method === 'get'
            ? 'A page naming the address and the report, with the button that unsubscribes'
            : 'Unsubscribed (also when already unsubscribed)',
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
reportUnsubscribeRouter.openapi(unsubscribeRoute('get'), async (c) => {
  // Mail scanners and link previews follow links: a GET only shows what the button would do.
  const { token } = c.req.valid('query');
  const seen = await previewUnsubscribe(c.get('platform'), token);
  const who = `${escapeHtml(seen.email)} from “${escapeHtml(seen.subscriptionName)}”`;
  if (!seen.subscribed) return c.html(page('Unsubscribed', `${who}: already unsubscribed.`), 200);
  const action = `?token=${encodeURIComponent(token)}`;
  const button =
    `<form method="post" action="${escapeHtml(action)}"><button type="submit" style="font-size:16px;padding:10px 18px;` +
    `border:0;border-radius:6px;background:#0b5cad;color:#fff;cursor:pointer">Unsubscribe</button></form>`;
  return c.html(page('Unsubscribe from report e-mails?', `Stop sending ${who}?`, button), 200);
});
reportUnsubscribeRouter.openapi(unsubscribeRoute('post'), async (c) => {
  const { token } = c.req.valid('query');
  const done = await unsubscribe(c.get('platform'), token);
  return c.html(
    page('Unsubscribed', `${escapeHtml(done.email)} will no longer receive “${escapeHtml(done.subscriptionName)}”.`),
    200,
  );
});
