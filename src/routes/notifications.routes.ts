import { listNotifications, sendNotification } from '../services/notifications.service';
import {
  createProtectedRouter,
  entityFields,
  IdempotencyHeader,
  jsonBody,
  jsonResponse,
  listQuery,
  pageOf,
  protectedRoute,
  serviceContext,
  toApi,
  z,
} from './openapi';

const NotificationSchema = z
  .object({
    ...entityFields,
    salesmanId: z.string().nullable(),
    senderId: z.string(),
    title: z.string(),
    body: z.string(),
    data: z.record(z.string(), z.unknown()).nullable(),
    readAt: z.string().nullable(),
  })
  .openapi('Notification');

export const SendNotificationBody = z
  .strictObject({
    id: z.uuid().optional(),
    salesmanId: z.uuid().nullable().optional().openapi({ description: 'One salesman; omit or null for everyone' }),
    title: z.string().trim().min(1).max(200),
    body: z.string().trim().min(1).max(2000),
    data: z.record(z.string(), z.unknown()).nullable().optional(),
  })
  .openapi('SendNotification');

const ListQuery = listQuery(['createdAt', 'updatedAt'] as const).extend({ salesmanId: z.uuid().optional() });
const tags = ['Notifications'];

export const notificationsRouter = createProtectedRouter()
  .openapi(
    protectedRoute({
      method: 'post',
      path: '/',
      tags,
      summary: 'Send a notification to one salesman or the whole team (delivered live, kept for who is offline)',
      request: { headers: IdempotencyHeader, ...jsonBody(SendNotificationBody) },
      responses: { 201: jsonResponse(NotificationSchema, 'The stored notification') },
    }),
    async (c) => c.json(toApi(await sendNotification(serviceContext(c), c.req.valid('json'))), 201),
  )
  .openapi(
    protectedRoute({
      method: 'get',
      path: '/',
      tags,
      summary: 'List notifications (a salesman sees his own and the team-wide ones)',
      request: { query: ListQuery },
      responses: { 200: jsonResponse(pageOf(NotificationSchema, 'NotificationPage'), 'A page of notifications') },
    }),
    async (c) => {
      const { salesmanId, ...page } = c.req.valid('query');
      const result = await listNotifications(serviceContext(c), { salesmanId }, page);
      return c.json({ data: result.data.map(toApi), nextCursor: result.nextCursor }, 200);
    },
  );
