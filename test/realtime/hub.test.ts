import { describe, expect, it } from 'vitest';
import { createCustomer, createTenant } from '../helpers/factories';
import { createSalesmanUser } from '../helpers/field-factories';
import { connect } from '../helpers/ws';

describe('tenant hub', () => {
  it('shows a manager a salesman’s location and an order created over REST', async () => {
    const t = await createTenant();
    const rep = await createSalesmanUser(t);
    const dashboard = await connect(t.token);
    const welcome = await dashboard.next((f) => f.type === 'welcome');
    expect(welcome.rooms).toEqual(['tenant', `user:${t.ownerId}`]);

    const phone = await connect(rep.token);
    await phone.next((f) => f.type === 'welcome');
    await dashboard.next((f) => f.type === 'presence' && f.changes.some((c: any) => c.salesmanId === rep.salesmanId));
    phone.send({ type: 'location', lat: 52.52, lng: 13.405, accuracy: 8, ts: Date.now() });
    const batch = await dashboard.next((f) => f.type === 'locations');
    expect(batch.locations[0]).toMatchObject({ salesmanId: rep.salesmanId, lat: 52.52 });

    const customer = await createCustomer(t.token);
    const event = await dashboard.next((f) => f.type === 'event' && f.event.type === 'customer:created');
    expect(event.event.entityId).toBe(customer.id);
    expect(event.seq).toBeGreaterThan(welcome.seq);
    dashboard.close();
    phone.close();
  });
});
