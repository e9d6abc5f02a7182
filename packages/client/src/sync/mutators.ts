import type { MutationArgsMap, MutationName } from './protocol.js';
import type { LocalMutator, MutatorContext, RecordData, ViewTx } from './view.js';

/**
 * Default optimistic effects for the catalogue (docs/sync.md). Deliberately minimal: they write what
 * the device knows (the fields sent, a status change, the time) in the REST record's field names and
 * leave everything the server computes (prices and totals, verdicts, versions) to the next pull, which
 * replaces the whole record. An edit of a record the view does not hold has no effect (the server would
 * refuse it too). Override or extend them with the `mutators` option of the SyncClient.
 */

type Typed<N extends MutationName> = (tx: ViewTx, args: MutationArgsMap[N], context: MutatorContext) => void;

/** The fields an edit sends, without the record id and the concurrency control. */
function fieldsOf(args: { id: string; expectedVersion?: number }): Record<string, unknown> {
  const { id: _id, expectedVersion: _v, ...fields } = args;
  return fields;
}

/** Merges `fields` into a held record; no-op when the view does not hold it. */
function patch(tx: ViewTx, entity: string, id: string, fields: Record<string, unknown>, at: string): void {
  const current = tx.get(entity, id);
  if (current) tx.put(entity, id, { ...current, ...fields, updatedAt: at });
}

function created(id: string, at: string, fields: Record<string, unknown>): RecordData {
  return { id, ...fields, createdAt: at, updatedAt: at, deletedAt: null };
}

const customerCreate: Typed<'customer.create'> = (tx, a, { clientTime }) => {
  const { id, ...fields } = a;
  tx.put(
    'customer',
    id,
    created(id, clientTime, {
      email: null,
      phone: null,
      company: null,
      address: null,
      city: null,
      lat: null,
      lng: null,
      territoryId: null,
      salesmanId: null,
      notes: null,
      ...fields,
    }),
  );
};

const customerUpdate: Typed<'customer.update'> = (tx, a, { clientTime }) =>
  patch(tx, 'customer', a.id, fieldsOf(a), clientTime);

const visitCreate: Typed<'visit.create'> = (tx, a, { clientTime }) => {
  tx.put(
    'visit',
    a.id,
    created(a.id, clientTime, {
      customerId: a.customerId,
      // Unknown offline when omitted: the server puts the caller's own salesman profile.
      salesmanId: a.salesmanId ?? null,
      status: 'planned',
      plannedAt: a.plannedAt ?? null,
      checkInAt: null,
      checkOutAt: null,
      outcome: null,
      notes: a.notes ?? null,
    }),
  );
};

const visitUpdate: Typed<'visit.update'> = (tx, a, { clientTime }) => patch(tx, 'visit', a.id, fieldsOf(a), clientTime);

const visitCancel: Typed<'visit.cancel'> = (tx, a, { clientTime }) =>
  patch(tx, 'visit', a.id, { status: 'cancelled' }, clientTime);

const visitCheckIn: Typed<'visit.checkIn'> = (tx, a, { clientTime }) =>
  patch(
    tx,
    'visit',
    a.id,
    { status: 'in_progress', checkInAt: a.at, checkInLat: a.lat, checkInLng: a.lng, checkInAccuracyM: a.accuracy },
    clientTime,
  );

const visitCheckOut: Typed<'visit.checkOut'> = (tx, a, { clientTime }) =>
  patch(
    tx,
    'visit',
    a.id,
    {
      status: 'completed',
      checkOutAt: a.at,
      checkOutLat: a.lat,
      checkOutLng: a.lng,
      checkOutAccuracyM: a.accuracy,
      ...(a.outcome !== undefined ? { outcome: a.outcome } : {}),
      ...(a.notes !== undefined ? { notes: a.notes } : {}),
    },
    clientTime,
  );

const orderCreate: Typed<'order.create'> = (tx, a, { clientTime }) => {
  tx.put(
    'order',
    a.id,
    created(a.id, clientTime, {
      customerId: a.customerId,
      visitId: a.visitId ?? null,
      salesmanId: a.salesmanId ?? null,
      status: 'draft',
      orderedAt: a.orderedAt ?? clientTime,
      notes: a.notes ?? null,
      // Priced by the server; until the pull, the lines as entered and the total the phone showed (if any).
      lines: a.lines.map((l) => ({ ...l })),
      totalMinor: a.clientTotalMinor ?? null,
    }),
  );
};

const orderUpdate: Typed<'order.update'> = (tx, a, { clientTime }) => patch(tx, 'order', a.id, fieldsOf(a), clientTime);

const orderConfirm: Typed<'order.confirm'> = (tx, a, { clientTime }) =>
  patch(tx, 'order', a.id, { status: 'confirmed', confirmedAt: clientTime }, clientTime);

const paymentRecord: Typed<'payment.record'> = (tx, a, { clientTime }) => {
  const { id, ...fields } = a;
  tx.put(
    'payment',
    id,
    created(id, clientTime, { status: 'received', reference: null, notes: null, receivedAt: clientTime, ...fields }),
  );
};

const notificationMarkRead: Typed<'notification.markRead'> = (tx, a, { clientTime }) => {
  const current = tx.get('notification', a.id);
  if (current && !current.readAt) tx.put('notification', a.id, { ...current, readAt: clientTime });
};

export const DEFAULT_MUTATORS: Readonly<Record<MutationName, LocalMutator>> = {
  'customer.create': customerCreate,
  'customer.update': customerUpdate,
  'visit.create': visitCreate,
  'visit.update': visitUpdate,
  'visit.cancel': visitCancel,
  'visit.checkIn': visitCheckIn,
  'visit.checkOut': visitCheckOut,
  'order.create': orderCreate,
  'order.update': orderUpdate,
  'order.confirm': orderConfirm,
  'payment.record': paymentRecord,
  'notification.markRead': notificationMarkRead,
};
