import { uuid } from '../contracts/common';
import { PreferencesBody, PreferencesSchema } from '../contracts/notification-centre.schemas';
import { NOTIFICATION_KINDS } from '../db/tables';
import { loadConfig } from '../env';
import { myPreferences, updateMyPreferences } from '../services/notification-preferences.service';
import { listRules, RULE_KINDS, updateRule } from '../services/notification-rules.service';
import { listMyNotifications, MARK_ALL_LIMIT, markAllNotificationsRead } from '../services/notifications.service';
import {
  listMySubscriptions,
  publicSubscription,
  pushSettings,
  requirePush,
  subscribe,
  unsubscribe,
} from '../services/push-subscriptions.service';
import { NotificationSchema } from './notifications.routes';
import {
  booleanQuery,
  createProtectedRouter,
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

/**
 * The notification centre over REST (docs/notifications.md): the caller's inbox and preferences
 * (`/v1/me`), his devices for web push (`/v1/push`), and the tenant's rules (`/v1/notification-rules`).
 */
const tags = ['Notifications'];

// ------------------------------------------------------------------------------------------- /v1/me

const InboxQuery = listQuery(['createdAt', 'updatedAt'] as const).extend({
  unread: booleanQuery.openapi({ description: 'Only unread ones' }),
  kind: z.enum(NOTIFICATION_KINDS).optional(),
});

const InboxPage = z
  .object({
    data: z.array(NotificationSchema),
    nextCursor: z.string().nullable(),
    unreadCount: z.number().int().openapi({ description: 'All the caller’s unread notifications, not just this page' }),
  })
  .openapi('NotificationInbox');

export const meRouter = createProtectedRouter()
  .openapi(
    protectedRoute({
      method: 'get',
      path: '/notifications',
      tags,
      summary: 'My notifications (newest first) with my unread count',
      request: { query: InboxQuery },
      responses: { 200: jsonResponse(InboxPage, 'A page of my notifications and my unread count') },
    }),
    async (c) => {
      const { unread, kind, ...page } = c.req.valid('query');
      const result = await listMyNotifications(serviceContext(c), { unread, kind }, page);
      return c.json({ ...result, data: result.data.map(toApi) }, 200);
    },
  )
  .openapi(
    protectedRoute({
      method: 'post',
      path: '/notifications/read-all',
      tags,
      summary: `Mark all my unread notifications read (up to ${MARK_ALL_LIMIT} per call)`,
      request: { headers: IdempotencyHeader },
      responses: {
        200: jsonResponse(
          z.object({ marked: z.number().int(), unreadCount: z.number().int() }).openapi('MarkedAllRead'),
          'How many were marked, and how many are still unread (call again while it is above 0)',
        ),
      },
    }),
    async (c) => c.json(await markAllNotificationsRead(serviceContext(c)), 200),
  )
  .openapi(
    protectedRoute({
      method: 'get',
      path: '/notification-preferences',
      tags,
      summary: 'My notification preferences: channels per kind, quiet hours',
      responses: { 200: jsonResponse(PreferencesSchema, 'My preferences, defaults filled in') },
    }),
    async (c) => c.json(await myPreferences(serviceContext(c)), 200),
  )
  .openapi(
    protectedRoute({
      method: 'put',
      path: '/notification-preferences',
      tags,
      summary: 'Change my notification preferences (kinds and channels named change, the rest stay)',
      request: { ...jsonBody(PreferencesBody) },
      responses: { 200: jsonResponse(PreferencesSchema, 'My preferences after the change') },
    }),
    async (c) => c.json(await updateMyPreferences(serviceContext(c), c.req.valid('json')), 200),
  );

// ----------------------------------------------------------------------------------------- /v1/push

const SubscriptionSchema = z
  .object({
    id: uuid(),
    endpointOrigin: z
      .string()
      .openapi({ description: 'The push service it goes through', example: 'https://fcm.googleapis.com' }),
    userAgent: z.string().nullable(),
    createdAt: z.string(),
    lastSentAt: z.string().nullable(),
  })
  .openapi('PushSubscription');

const SubscribeBody = z
  .strictObject({
    endpoint: z.string().max(2048),
    keys: z.strictObject({
      p256dh: z.string().max(128).openapi({ description: "The browser's P-256 public key, base64url" }),
      auth: z.string().max(64).openapi({ description: 'The 16-byte authentication secret, base64url' }),
    }),
    expirationTime: z.number().nullable().optional().openapi({ description: 'As the browser gives it; not used' }),
    userAgent: z
      .string()
      .max(200)
      .optional()
      .openapi({ description: 'A name for the device (defaults to the User-Agent)' }),
  })
  .openapi('PushSubscribe', {
    description: "A browser's `PushSubscription.toJSON()`",
    example: {
      endpoint: 'https://fcm.googleapis.com/fcm/send/dOu8XbX4B1Y:APA91bH',
      keys: {
        p256dh: 'BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM',
        auth: 'tBHItJI5svbpez7KI4CCXg',
      },
    },
  });

export const pushRouter = createProtectedRouter()
  .openapi(
    protectedRoute({
      method: 'get',
      path: '/vapid-public-key',
      tags,
      summary: "The application server key a browser's pushManager.subscribe() needs",
      responses: {
        200: jsonResponse(
          z
            .object({
              publicKey: z.string().openapi({ description: 'Base64url, 65 bytes (uncompressed P-256 point)' }),
            })
            .openapi('VapidPublicKey'),
          'The VAPID public key (503 PUSH_NOT_CONFIGURED when the deployment has none)',
        ),
      },
    }),
    async (c) => c.json({ publicKey: requirePush(pushSettings(loadConfig(c.env))).publicKey }, 200),
  )
  .openapi(
    protectedRoute({
      method: 'get',
      path: '/subscriptions',
      tags,
      summary: 'My devices subscribed to web push',
      responses: { 200: jsonResponse(z.object({ data: z.array(SubscriptionSchema) }), 'My devices') },
    }),
    async (c) => c.json({ data: (await listMySubscriptions(serviceContext(c))).map(publicSubscription) }, 200),
  )
  .openapi(
    protectedRoute({
      method: 'post',
      path: '/subscriptions',
      tags,
      summary: 'Subscribe this device to web push (the same endpoint again refreshes it)',
      request: { headers: IdempotencyHeader, ...jsonBody(SubscribeBody) },
      responses: {
        201: jsonResponse(SubscriptionSchema, 'A new device'),
        200: jsonResponse(SubscriptionSchema, 'A device already subscribed, refreshed'),
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const { subscription, created } = await subscribe(serviceContext(c), pushSettings(loadConfig(c.env)), {
        endpoint: body.endpoint,
        p256dh: body.keys.p256dh,
        auth: body.keys.auth,
        userAgent: body.userAgent ?? c.req.header('user-agent') ?? null,
      });
      return c.json(publicSubscription(subscription), created ? 201 : 200);
    },
  )
  .openapi(
    protectedRoute({
      method: 'delete',
      path: '/subscriptions/{id}',
      tags,
      summary: 'Unsubscribe one of my devices',
      request: { params: IdParams },
      responses: { 204: { description: 'Unsubscribed' } },
    }),
    async (c) => {
      await unsubscribe(serviceContext(c), c.req.valid('param').id);
      return c.body(null, 204);
    },
  );

// ----------------------------------------------------------------------------- /v1/notification-rules

const RuleSchema = z
  .object({
    kind: z.enum(RULE_KINDS as [string, ...string[]]),
    description: z.string(),
    enabled: z.boolean(),
    settings: z.record(z.string(), z.unknown()).openapi({ description: 'The rule’s parameters, defaults filled in' }),
    customised: z.boolean().openapi({ description: 'false while the tenant runs the rule as it ships' }),
    updatedAt: z.string().nullable(),
  })
  .openapi('NotificationRule', {
    example: {
      kind: 'large_order',
      description: 'An order was confirmed with a total at or above an amount',
      enabled: true,
      settings: { minTotalMinor: 100000 },
      customised: false,
      updatedAt: null,
    },
  });

const RuleBody = z
  .strictObject({
    enabled: z.boolean().optional(),
    settings: z.record(z.string(), z.unknown()).optional().openapi({ description: 'Merged over the current settings' }),
  })
  .openapi('UpdateNotificationRule', { example: { settings: { minTotalMinor: 250000 } } });

export const notificationRulesRouter = createProtectedRouter()
  .openapi(
    protectedRoute({
      method: 'get',
      path: '/',
      tags,
      summary: "The tenant's notification rules (every rule, defaults filled in)",
      responses: { 200: jsonResponse(z.object({ data: z.array(RuleSchema) }), 'The rules') },
    }),
    async (c) => c.json({ data: await listRules(serviceContext(c)) }, 200),
  )
  .openapi(
    protectedRoute({
      method: 'patch',
      path: '/{kind}',
      tags,
      summary: 'Switch a rule on or off, or change its settings (owners and admins)',
      request: { params: z.object({ kind: z.string().max(40) }), ...jsonBody(RuleBody) },
      responses: { 200: jsonResponse(RuleSchema, 'The rule after the change') },
    }),
    async (c) => c.json(await updateRule(serviceContext(c), c.req.valid('param').kind, c.req.valid('json')), 200),
  );
