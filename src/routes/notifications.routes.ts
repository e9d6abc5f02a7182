import { uuid } from '../contracts/common';
import { SendNotificationBody } from '../contracts/notifications.schemas';
import { NOTIFICATION_KINDS } from '../db/tables';
import {
  getNotification,
  listNotifications,
  markNotificationRead,
  sendNotification,
} from '../services/notifications.service';
import {
  createProtectedRouter,
  entityFields,
  IdempotencyHeader,
  IdParams,
  jsonBody,
  jsonResponse,
  listQuery,
  protectedRoute,
  serviceContext,
  toApi,
  z,
} from './openapi';

export const NotificationSchema = z
  .object({
    ...entityFields,
    salesmanId: z.string().nullable(),
    userId: z
      .string()
      .nullable()
      .openapi({ description: 'The user a rule addressed it to; null for a manager’s message' }),
    kind: z.enum(NOTIFICATION_KINDS).openapi({ description: '`message`, or the rule that raised it' }),
    senderId: z.string(),
    title: z.string(),
    body: z.string(),
    data: z.record(z.string(), z.unknown()).nullable(),
    readAt: z.string().nullable(),
  })
  .openapi('Notification');

const ListQuery = listQuery(['createdAt', 'updatedAt'] as const).extend({ salesmanId: uuid().optional() });
const tags = ['Notifications'];

export const notificationsRouter = createProtectedRouter().openapi(
  protectedRoute({
    method: 'post',
    path: '/',
    tags,
    summary: 'Send a notification to one salesman or the whole team (delivered live, kept for who is offline)',
    request: { headers: IdempotencyHeader, ...jsonBody(SendNotificationBody) },
    responses: { 201: jsonResponse(NotificationSchema, 'The stored notification') },
  }),
  async (c) => c.json(toApi(await sendNotification(serviceContext(c), c.req.valid('json'))), 201),
);

const NotificationPage = z
  .object({
    data: z.array(NotificationSchema),
    nextCursor: z.string().nullable(),
    unreadCount: z.number().int().nullable().openapi({
      description: 'All the caller’s unread notifications, not just this page; null for an API key (no inbox)',
    }),
  })
  .openapi('NotificationPage');

// Registered after the POST, as it always was: /openapi.json lists the operations in this order.
notificationsRouter.openapi(
  protectedRoute({
    method: 'get',
    path: '/',
    tags,
    summary:
      'List notifications (a salesman sees his own and the team-wide ones), with my unread count; GET /v1/me/notifications is my inbox alone',
    request: { query: ListQuery },
    responses: { 200: jsonResponse(NotificationPage, 'A page of notifications and my unread count') },
  }),
  async (c) => {
    const { limit, cursor, sort, updatedSince, includeDeleted, salesmanId } = c.req.valid('query');
    const page = { limit, cursor, sort, updatedSince, includeDeleted };
    const result = await listNotifications(serviceContext(c), { salesmanId }, page);
    return c.json({ ...result, data: result.data.map(toApi) }, 200);
  },
);

notificationsRouter.openapi(
  protectedRoute({
    method: 'post',
    path: '/{id}/read',
    tags,
    summary: 'Mark a notification read (by its recipient; a second call changes nothing)',
    request: { params: IdParams, headers: IdempotencyHeader },
    responses: { 200: jsonResponse(NotificationSchema, 'The notification, with readAt set') },
  }),
  async (c) => c.json(toApi(await markNotificationRead(serviceContext(c), c.req.valid('param').id)), 200),
);

notificationsRouter.openapi(
  protectedRoute({
    method: 'get',
    path: '/{id}',
    tags,
    summary: "Get a notification (a salesman: his own or a team-wide one; another salesman's answers 404)",
    request: { params: IdParams },
    responses: { 200: jsonResponse(NotificationSchema, 'The notification') },
  }),
  async (c) => c.json(toApi(await getNotification(serviceContext(c), c.req.valid('param').id)), 200),
);
