import { NOTIFICATION_KINDS, type NotificationKind } from '../../db/tables';
import { myPreferences, type Preferences, updateMyPreferences } from '../../services/notification-preferences.service';
import {
  countUnread,
  getNotification,
  listMyNotifications,
  listNotifications,
  markAllNotificationsRead,
  markNotificationRead,
} from '../../services/notifications.service';
import { builder } from '../builder';
import { connectionComplexity, pageRequest, toConnection } from '../connection';
import { valueEnum } from '../enums';
import { localId, optionalLocalId } from '../ids';
import { bodies, parseInput } from '../inputs';
import { NotificationConnection, NotificationRef, SalesmanRef } from '../refs';
import { NotificationSort } from '../sorts';
import { entityFields, orNull } from './common';

const NotificationKindEnum = valueEnum(
  'NotificationKind',
  NOTIFICATION_KINDS,
  '`MESSAGE` (a manager wrote it), or the rule that raised it (docs/notifications.md)',
);

builder.node(NotificationRef, {
  description:
    'A message from a manager to one salesman or to the whole team, or a notice a rule addressed to one user.',
  id: { resolve: (n) => n.id },
  loadOne: (id, ctx) => orNull(getNotification(ctx.service, id)),
  fields: (t) => ({
    ...entityFields(t),
    salesman: t.field({
      type: SalesmanRef,
      nullable: true,
      description: 'The salesman it went to; null for a message to everyone or a notice to a user who is no salesman',
      resolve: (n) => n.salesmanId,
    }),
    toEveryone: t.boolean({ resolve: (n) => n.salesmanId === null && n.userId === null }),
    userId: t.exposeString('userId', {
      nullable: true,
      description: 'The user a rule addressed it to; null for a manager’s message',
    }),
    kind: t.field({ type: NotificationKindEnum, resolve: (n) => n.kind }),
    senderId: t.exposeString('senderId', { description: 'The user (or API key) that sent it' }),
    title: t.exposeString('title'),
    body: t.exposeString('body'),
    data: t.field({ type: 'JSON', nullable: true, resolve: (n) => n.data }),
    readAt: t.field({ type: 'DateTime', nullable: true, resolve: (n) => n.readAt }),
  }),
});

builder.queryFields((t) => ({
  notifications: t.connection(
    {
      type: NotificationRef,
      nullable: true,
      description: 'A salesman sees what was sent to him and to everyone; managers and viewers see all',
      args: {
        salesmanId: t.arg.id({ description: "One salesman's notifications (his own and the team-wide ones)" }),
        sort: t.arg({ type: NotificationSort, required: true, defaultValue: '-createdAt' }),
      },
      complexity: connectionComplexity,
      resolve: async (_root, args, ctx) => {
        const filters = { salesmanId: optionalLocalId(args.salesmanId, 'Salesman', 'salesmanId') ?? undefined };
        return toConnection(await listNotifications(ctx.service, filters, pageRequest(args, args.sort)), args.sort);
      },
    },
    NotificationConnection,
  ),
}));

// ------------------------------------------------------------------------------- the caller's inbox

const ChoiceRef = builder
  .objectRef<{ kind: NotificationKind; inApp: boolean; push: boolean; email: boolean }>('NotificationChoice')
  .implement({
    description: 'Which channels one kind of notification reaches the user on',
    fields: (t) => ({
      kind: t.field({ type: NotificationKindEnum, resolve: (c) => c.kind }),
      inApp: t.exposeBoolean('inApp'),
      push: t.exposeBoolean('push'),
      email: t.exposeBoolean('email'),
    }),
  });

const QuietHoursRef = builder.objectRef<{ start: string; end: string }>('QuietHours').implement({
  description: "HH:MM to HH:MM in the tenant's timezone, may span midnight: push and e-mail wait until the end",
  fields: (t) => ({ start: t.exposeString('start'), end: t.exposeString('end') }),
});

const PreferencesRef = builder.objectRef<Preferences>('NotificationPreferences').implement({
  description: "The caller's notification preferences, defaults filled in",
  fields: (t) => ({
    kinds: t.field({
      type: [ChoiceRef],
      resolve: (p) => NOTIFICATION_KINDS.map((kind) => ({ kind, ...p.kinds[kind] })),
    }),
    quietHours: t.field({ type: QuietHoursRef, nullable: true, resolve: (p) => p.quietHours }),
    updatedAt: t.field({ type: 'DateTime', nullable: true, resolve: (p) => p.updatedAt }),
  }),
});

const MarkedAllRef = builder.objectRef<{ marked: number; unreadCount: number }>('MarkedAllRead').implement({
  fields: (t) => ({
    marked: t.exposeInt('marked'),
    unreadCount: t.exposeInt('unreadCount', { description: 'Still unread: call again while it is above 0' }),
  }),
});

builder.queryFields((t) => ({
  myNotifications: t.connection(
    {
      type: NotificationRef,
      nullable: true,
      description:
        "The caller's own notifications, newest first: what the rules addressed to him, and for a salesman the managers' messages to him and to the team",
      args: {
        unread: t.arg.boolean({ description: 'Only unread ones' }),
        kind: t.arg({ type: NotificationKindEnum }),
        sort: t.arg({ type: NotificationSort, required: true, defaultValue: '-createdAt' }),
      },
      complexity: connectionComplexity,
      resolve: async (_root, args, ctx) => {
        const filters = { unread: args.unread ?? undefined, kind: args.kind ?? undefined };
        const page = await listMyNotifications(ctx.service, filters, pageRequest(args, args.sort));
        return toConnection(page, args.sort);
      },
    },
    NotificationConnection,
  ),
  unreadNotificationCount: t.int({
    description: "How many of the caller's notifications are unread",
    resolve: (_root, _args, ctx) => countUnread(ctx.service),
  }),
  myNotificationPreferences: t.field({
    type: PreferencesRef,
    resolve: (_root, _args, ctx) => myPreferences(ctx.service),
  }),
}));

const ChoiceInput = builder.inputType('NotificationChoiceInput', {
  fields: (t) => ({
    kind: t.field({ type: NotificationKindEnum, required: true }),
    inApp: t.boolean(),
    push: t.boolean(),
    email: t.boolean(),
  }),
});

const QuietHoursInput = builder.inputType('QuietHoursInput', {
  fields: (t) => ({ start: t.string({ required: true }), end: t.string({ required: true }) }),
});

builder.mutationFields((t) => ({
  markNotificationRead: t.field({
    type: NotificationRef,
    nullable: true,
    description: 'Marks one of the caller’s notifications read (a team-wide message has no read mark of its own)',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, ctx) => markNotificationRead(ctx.service, localId(String(id), 'Notification')),
  }),
  markAllNotificationsRead: t.field({
    type: MarkedAllRef,
    resolve: (_root, _args, ctx) => markAllNotificationsRead(ctx.service),
  }),
  updateMyNotificationPreferences: t.field({
    type: PreferencesRef,
    description: 'The kinds and channels named change, the rest stay; quietHours replaces them (null removes them)',
    args: {
      kinds: t.arg({ type: [ChoiceInput] }),
      quietHours: t.arg({ type: QuietHoursInput }),
    },
    resolve: (_root, args, ctx) => {
      const kinds = args.kinds
        ? Object.fromEntries(args.kinds.map(({ kind, ...channels }) => [kind, withoutNulls(channels)]))
        : undefined;
      const input = parseInput(bodies.updateNotificationPreferences, { kinds, quietHours: args.quietHours });
      return updateMyPreferences(ctx.service, input);
    },
  }),
}));

/** An input's null channel means "leave it as it is", like an absent one. */
const withoutNulls = (o: Record<string, boolean | null | undefined>) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined));
