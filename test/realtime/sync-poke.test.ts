import { describe, expect, it } from 'vitest';
import { api } from '../helpers/api';
import { createCustomer, createTenant } from '../helpers/factories';
import { createSalesmanUser } from '../helpers/field-factories';
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
    const pulled = await api('GET', '/v1/sync/pull', undefined, { token: rep.token });
    expect(pulled.body.changes.map((c: any) => c.id)).toContain(mine.id);
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
