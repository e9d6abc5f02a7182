import { describe, expect, it } from 'vitest';
import { createCustomer, createTenant } from '../helpers/factories';
import { createSalesmanUser } from '../helpers/field-factories';
import { answered, rest } from '../helpers/rest';
import { connect } from '../helpers/ws';
import { nextOrAlarm } from './support';

/** `sync:poke` (docs/sync.md, Poke): members of the `sync` room hear of changes their pull would return. */
describe('sync pokes', () => {
  it('pokes a phone in the sync room when its salesman gets work, and not for a colleague', async () => {
    const t = await createTenant();
    const rep = await createSalesmanUser(t);
    const colleague = await createSalesmanUser(t);
    const phone = await connect(rep.token);
    await phone.next((f) => f.type === 'welcome');
    phone.send({ type: 'subscribe', room: 'sync' });
    expect(await phone.next((f) => f.type === 'subscribed')).toEqual({ type: 'subscribed', room: 'sync' });

    const theirs = await createCustomer(t.token, { salesmanId: colleague.salesmanId });
    const mine = await createCustomer(t.token, { salesmanId: rep.salesmanId });
    const poke = await nextOrAlarm(phone, t.tenantId, (f) => f.type === 'sync:poke');
    const event = await phone.next((f) => f.type === 'event' && f.event.entityId === mine.id);
    expect(poke.seq).toBe(event.seq);
    expect(phone.frames.filter((f) => f.type === 'sync:poke')).toHaveLength(1);
    expect(phone.events().map((f) => f.event.entityId)).not.toContain(theirs.id);

    // And the pull the poke invites brings the record.
    const pulled = await answered(rest(rep.token).GET('/v1/sync/pull'));
    expect(pulled.body.changes.map((c: any) => c.id)).toContain(mine.id);
    phone.close();
  });

  it('pokes the salesman a customer was handed away from, without sending him the event', async () => {
    const t = await createTenant();
    const rep = await createSalesmanUser(t);
    const colleague = await createSalesmanUser(t);
    const customer = await createCustomer(t.token, { salesmanId: rep.salesmanId });
    const phone = await connect(rep.token);
    await phone.next((f) => f.type === 'welcome');
    phone.send({ type: 'subscribe', room: 'sync' });
    await phone.next((f) => f.type === 'subscribed');

    const moved = await answered(
      rest(t.token).PATCH('/v1/customers/{id}', {
        params: { path: { id: customer.id } },
        body: { salesmanId: colleague.salesmanId },
      }),
    );
    expect(moved.status).toBe(200);
    const poke = await nextOrAlarm(phone, t.tenantId, (f) => f.type === 'sync:poke');
    expect(poke.seq).toBeGreaterThan(0);
    // The record is no longer his to watch: no event frame, but his pull removes it.
    phone.send({ type: 'ping', id: 'after' });
    await phone.next((f) => f.type === 'pong');
    expect(phone.events().map((f) => f.event.entityId)).not.toContain(customer.id);
    const events = await answered(rest(t.token).GET('/v1/events', { params: { query: { since: 0 } } }));
    const handed = events.body.data.find((e) => e.seq === poke.seq);
    expect(handed?.payload).toMatchObject({
      salesmanId: colleague.salesmanId,
      previous: { salesmanId: rep.salesmanId },
    });
    phone.close();
  });

  it('does not poke sockets outside the sync room', async () => {
    const t = await createTenant();
    const rep = await createSalesmanUser(t);
    const phone = await connect(rep.token);
    await phone.next((f) => f.type === 'welcome');
    const mine = await createCustomer(t.token, { salesmanId: rep.salesmanId });
    await nextOrAlarm(phone, t.tenantId, (f) => f.type === 'event' && f.event.entityId === mine.id);
    phone.send({ type: 'ping', id: 'after' });
    await phone.next((f) => f.type === 'pong');
    expect(phone.frames.filter((f) => f.type === 'sync:poke')).toEqual([]);
    phone.close();
  });
});
