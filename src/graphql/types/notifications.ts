import { getNotification, listNotifications } from '../../services/notifications.service';
import { builder } from '../builder';
import { connectionComplexity, pageRequest, toConnection } from '../connection';
import { optionalLocalId } from '../ids';
import { NotificationConnection, NotificationRef, SalesmanRef } from '../refs';
import { NotificationSort } from '../sorts';
import { entityFields, orNull } from './common';

builder.node(NotificationRef, {
  description: 'A message from a manager to one salesman or to the whole team.',
  id: { resolve: (n) => n.id },
  loadOne: (id, ctx) => orNull(getNotification(ctx.service, id)),
  fields: (t) => ({
    ...entityFields(t),
    salesman: t.field({
      type: SalesmanRef,
      nullable: true,
      description: 'The recipient; null when it went to everyone',
      resolve: (n) => n.salesmanId,
    }),
    toEveryone: t.boolean({ resolve: (n) => n.salesmanId === null }),
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
