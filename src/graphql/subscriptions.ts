import {
  type EventFrame,
  type LiveLocation,
  type PresenceChange,
  PresenceStatus,
  type ServerMessage,
} from '@fieldline/client/protocol';
import type { InventoryLevel } from '../services/inventory.service';
import type { Notification } from '../services/notifications.service';
import type { Order, OrderLine } from '../services/orders.service';
import { builder } from './builder';
import { valueEnum } from './enums';
import { hubSubscription } from './hub-stream';
import { localId } from './ids';
import { InventoryRef, NotificationRef, OrderRef, SalesmanRef, type Wire } from './refs';

/**
 * Subscriptions (GraphQL over SSE) fed by the tenant hub: what a device's WebSocket would receive, in
 * the rooms its identity is entitled to (docs/realtime.md, Rooms), as GraphQL types. Each asks the hub
 * for exactly its frames (event types, one salesman's locations, presence). A salesman gets his own
 * orders and notifications; presence and low stock go to the `tenant` room, which salesmen may not
 * join, so the hub refuses them there.
 */

/** Events of these types, as their payloads. */
const eventsOfType = <T>(...types: string[]) => ({
  filter: { events: types },
  pick: (frame: ServerMessage): T[] =>
    frame.type === 'event' ? [(frame as EventFrame).event.payload as unknown as T] : [],
});

type OrderPayload = Wire<Order> & { lines?: Wire<OrderLine>[] };

const PresenceStatusEnum = valueEnum('PresenceStatus', Object.values(PresenceStatus));

const LiveLocationRef = builder.objectRef<LiveLocation>('LiveLocation').implement({
  description: "A salesman's GPS fix as the hub fans it out (at most one per salesman per second).",
  fields: (t) => ({
    salesman: t.field({ type: SalesmanRef, nullable: true, resolve: (l) => l.salesmanId }),
    lat: t.exposeFloat('lat'),
    lng: t.exposeFloat('lng'),
    accuracy: t.exposeFloat('accuracy', { description: 'Metres' }),
    speed: t.exposeFloat('speed', { nullable: true, description: 'Metres per second' }),
    heading: t.exposeFloat('heading', { nullable: true, description: 'Degrees' }),
    recordedAt: t.field({
      type: 'DateTime',
      description: "The device's time of the fix",
      resolve: (l) => new Date(l.ts).toISOString(),
    }),
  }),
});

const PresenceChangeRef = builder.objectRef<PresenceChange>('PresenceChange').implement({
  fields: (t) => ({
    salesman: t.field({ type: SalesmanRef, nullable: true, resolve: (p) => p.salesmanId }),
    status: t.expose('status', { type: PresenceStatusEnum }),
    since: t.field({ type: 'DateTime', resolve: (p) => new Date(p.since).toISOString() }),
  }),
});

builder.subscriptionFields((t) => ({
  orderCreated: t.field({
    type: OrderRef,
    description: 'Each new order the caller may see (a salesman: his own)',
    subscribe: (_root, _args, ctx) =>
      hubSubscription(ctx, { permission: 'orders:read', ...eventsOfType<OrderPayload>('order:created') }),
    resolve: (order: OrderPayload) => order,
  }),
  orderUpdated: t.field({
    type: OrderRef,
    description: 'Order changes: edits, confirmation, fulfilment, cancellation, deletion (deletedAt set)',
    subscribe: (_root, _args, ctx) =>
      hubSubscription(ctx, {
        permission: 'orders:read',
        ...eventsOfType<OrderPayload>('order:updated', 'order:deleted'),
      }),
    resolve: (order: OrderPayload) => order,
  }),
  locationUpdated: t.field({
    type: LiveLocationRef,
    description: "Live GPS: one salesman's fixes, or every fix the caller may see when salesmanId is omitted",
    args: { salesmanId: t.arg.id({ description: 'Global id or UUID' }) },
    subscribe: (_root, args, ctx) => {
      const salesmanId = args.salesmanId == null ? null : localId(args.salesmanId, 'Salesman', 'salesmanId');
      return hubSubscription(ctx, {
        permission: 'salesmen:read',
        // One salesman: his room (which a salesman may join only for himself) and his fixes only. Without
        // one: every fix the caller's default rooms carry (managers: `tenant`; a salesman: his and his
        // territory's).
        filter: salesmanId
          ? { rooms: [`salesman:${salesmanId}`], locations: { salesmanIds: [salesmanId] } }
          : { locations: { salesmanIds: null } },
        pick: (frame) => (frame.type === 'locations' ? frame.locations : []),
      });
    },
    resolve: (location: LiveLocation) => location,
  }),
  presenceChanged: t.field({
    type: PresenceChangeRef,
    description: 'Salesmen going online, idle, on a visit or offline (not for salesmen)',
    subscribe: (_root, _args, ctx) =>
      hubSubscription(ctx, {
        permission: 'salesmen:read',
        filter: { rooms: ['tenant'], presence: true },
        pick: (frame) => (frame.type === 'presence' ? frame.changes : []),
      }),
    resolve: (change: PresenceChange) => change,
  }),
  stockLow: t.field({
    type: InventoryRef,
    description: "A product's available stock fell to or below its threshold (not for salesmen)",
    subscribe: (_root, _args, ctx) =>
      hubSubscription(ctx, {
        permission: 'inventory:read',
        ...eventsOfType<InventoryLevel>('stock:low'),
        filter: { rooms: ['tenant'], events: ['stock:low'] },
      }),
    resolve: (level: InventoryLevel) => level,
  }),
  notification: t.field({
    type: NotificationRef,
    description: 'Notifications as they are sent (a salesman: his own and the team-wide ones)',
    subscribe: (_root, _args, ctx) =>
      hubSubscription(ctx, { permission: 'salesmen:read', ...eventsOfType<Wire<Notification>>('notification') }),
    resolve: (notification: Wire<Notification>) => notification,
  }),
}));
