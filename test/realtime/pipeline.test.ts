import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { LoggedEvent } from '../../src/db/event-log';
import { createServiceContext } from '../../src/services/context';
import { createCustomer } from '../../src/services/customers.service';
import { gqlData } from '../graphql/support';
import { ownerPrincipal } from '../helpers/context';
import { testDb } from '../helpers/db';
import { createTenant, type TestTenant } from '../helpers/factories';
import { answered, rest } from '../helpers/rest';
import { connect, type TestSocket } from '../helpers/ws';
import { hubOf, inHub, isEvent } from './support';

/**
 * The write pipeline: every adapter's commit hands its events to the tenant hub itself, and the hub
 * relays them as given. "Without the alarm" is checked by the hub's scheduled alarm being the one set
 * before the write: the alarm (a 10 s poll of the log) had not run when the frame arrived.
 */

const scheduledAlarm = (tenantId: string) => inHub(tenantId, (_hub, state) => state.storage.getAlarm());

async function dashboard(t: TestTenant): Promise<{ socket: TestSocket; alarm: number | null }> {
  const socket = await connect(t.token);
  await socket.next((f) => f.type === 'welcome');
  return { socket, alarm: await scheduledAlarm(t.tenantId) };
}

/** A context of the tenant's owner whose commits hand their events to `sink` instead of the hub. */
const ownerContext = (t: TestTenant, sink: (events: LoggedEvent[]) => void) =>
  createServiceContext(
    { db: testDb(), hubs: env.TENANT_HUB, waitUntil: () => {}, sink: (_tenant, events) => sink(events) },
    ownerPrincipal(t),
  );

describe('committed events reach the hub through the write pipeline', () => {
  it('from a REST write, without the hub polling the log', async () => {
    const t = await createTenant();
    const { socket, alarm } = await dashboard(t);
    expect(alarm).not.toBeNull();
    const res = await answered(rest(t.token).POST('/v1/customers', { body: { name: 'Pipeline GmbH' } }));
    expect(res.status).toBe(201);
    const frame = await socket.next(isEvent('customer:created', res.body.id), 5000);
    expect(frame.event.payload).toMatchObject({ name: 'Pipeline GmbH' });
    expect(await scheduledAlarm(t.tenantId)).toBe(alarm);
  });

  it('from a GraphQL mutation', async () => {
    const t = await createTenant();
    const { socket, alarm } = await dashboard(t);
    const data = await gqlData<{ createCustomer: { name: string } }>(
      'mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { name } }',
      { input: { name: 'Graph GmbH' } },
      t.token,
    );
    expect(data.createCustomer.name).toBe('Graph GmbH');
    const frame = await socket.next((f) => f.type === 'event' && f.event.type === 'customer:created', 5000);
    expect(frame.event.payload).toMatchObject({ name: 'Graph GmbH' });
    expect(await scheduledAlarm(t.tenantId)).toBe(alarm);
  });

  it('from a write the hub makes itself (a notification sent over the socket)', async () => {
    const t = await createTenant();
    const { socket, alarm } = await dashboard(t);
    socket.send({ type: 'notify', title: 'Stand-up', body: 'At nine' });
    const frame = await socket.next((f) => f.type === 'event' && f.event.type === 'notification', 5000);
    expect(frame.event.payload).toMatchObject({ title: 'Stand-up' });
    expect(await scheduledAlarm(t.tenantId)).toBe(alarm);
  });

  it('a commit returns exactly the events it appended, and the hub relays them as given', async () => {
    const t = await createTenant();
    const { socket } = await dashboard(t);
    const handed: LoggedEvent[][] = [];
    const customer = await createCustomer(
      ownerContext(t, (events) => handed.push(events)),
      { name: 'Given AG' },
    );
    expect(handed).toHaveLength(1);
    expect(handed[0]).toEqual([
      expect.objectContaining({ type: 'customer:created', entityId: customer.id, actorId: t.ownerId }),
    ]);
    // The hub is handed an event that is not in the log at all: it relays what it is given, so it did
    // not read the log to learn it.
    const given = { ...(handed[0]?.[0] as LoggedEvent), payload: { name: 'only in the hand-off' } };
    await hubOf(t.tenantId).publish([given]);
    const frame = await socket.next(isEvent('customer:created', customer.id), 5000);
    expect(frame.seq).toBe(given.seq);
    expect(frame.event.payload).toEqual({ name: 'only in the hand-off' });
  });

  it('fills a gap from the log first, so events stay in order and arrive once', async () => {
    const t = await createTenant();
    const { socket } = await dashboard(t);
    const handed: LoggedEvent[] = [];
    const ctx = ownerContext(t, (events) => handed.push(...events));
    const first = await createCustomer(ctx, { name: 'First' });
    const second = await createCustomer(ctx, { name: 'Second' });
    // Only the second hand-off arrives (the first writer's was lost): the hub must not skip the first.
    await hubOf(t.tenantId).publish([handed[1] as LoggedEvent]);
    await hubOf(t.tenantId).publish([handed[1] as LoggedEvent, handed[0] as LoggedEvent]);
    await socket.next(isEvent('customer:created', second.id), 5000);
    const created = socket.events().filter((f) => f.event.type === 'customer:created');
    expect(created.map((f) => f.event.entityId)).toEqual([first.id, second.id]);
    expect(created.map((f) => f.seq)).toEqual([handed[0]?.seq, handed[1]?.seq]);
  });

  it('addresses the hub by tenant name; its calls take no tenant id', async () => {
    const t = await createTenant();
    const hub = env.TENANT_HUB.getByName(t.tenantId);
    const stats = await hub.stats();
    expect(stats.connections.total).toBe(0);
    expect(await inHub(t.tenantId, (_hub, state) => state.id.name)).toBe(t.tenantId);
  });
});
