import { sql } from 'drizzle-orm';
import { describe, expect, it, onTestFinished } from 'vitest';
import { newId } from '../../src/lib/ids';
import { executeSql, testDatabaseKind } from '../helpers/db';
import { createCustomer, createTenant, createUserWithRole } from '../helpers/factories';
import { metresNorth } from '../helpers/field-factories';
import { answered, ok, rest } from '../helpers/rest';
import { createProduct, createSalesman } from '../helpers/sales-factories';

/**
 * A push answers its mutations' reads by id from the rows it read ahead and wrote (src/db/rows-in-hand.ts).
 * Someone else may change such a row while the push runs. Here a database trigger plays the office: when
 * the push's first mutation inserts its visit, the trigger changes a record behind the push's back, so
 * what the push holds is stale by the time the next mutation decides on it. The push must then decide
 * again on the database's row, exactly as it would had it read the row at that moment.
 */

const SHOP = { lat: 52.52, lng: 13.405 };
const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
const m = (id: number, name: string, args: unknown) => ({ id, name, args, clientTime: minutesAgo(5) });
const push = (token: string, mutations: ReturnType<typeof m>[]) =>
  answered(rest(token).POST('/v1/sync/push', { body: { clientId: newId(), mutations } }));

const UUID = /^[0-9a-f-]{36}$/;

/** Runs `statement` (SQL on the row just inserted) whenever the visit `visitId` is inserted, for this test. */
async function whenVisitInserted(visitId: string, statement: string): Promise<void> {
  if (!UUID.test(visitId)) throw new Error(`not an id: ${visitId}`);
  const name = `office_${visitId.replaceAll('-', '')}`;
  if (testDatabaseKind() === 'postgres') {
    await executeSql(
      sql.raw(
        `CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN ${statement}; RETURN NEW; END $$`,
      ),
      sql.raw(
        `CREATE TRIGGER ${name} AFTER INSERT ON visits FOR EACH ROW WHEN (NEW.id = '${visitId}') EXECUTE FUNCTION ${name}()`,
      ),
    );
    onTestFinished(async () => {
      await executeSql(sql.raw(`DROP TRIGGER ${name} ON visits`), sql.raw(`DROP FUNCTION ${name}()`));
    });
  } else {
    await executeSql(
      sql.raw(`CREATE TRIGGER ${name} AFTER INSERT ON visits WHEN new.id = '${visitId}' BEGIN ${statement}; END`),
    );
    onTestFinished(async () => {
      await executeSql(sql.raw(`DROP TRIGGER ${name}`));
    });
  }
}

describe('sync push: rows it holds that someone else changed', () => {
  it("merges an update onto the office's change made after the push read the record", async () => {
    const t = await createTenant();
    const s = await createSalesman(t);
    const manager = await createUserWithRole(t, 'manager');
    const customer = await createCustomer(t.token, { ...SHOP, name: 'Acme', phone: null });
    const visitId = newId();
    await whenVisitInserted(
      visitId,
      `UPDATE customers SET phone = '+49 30 1234', version = version + 1 WHERE id = '${customer.id}'`,
    );

    const res = await push(manager.token, [
      m(1, 'visit.create', { id: visitId, customerId: customer.id, salesmanId: s.salesmanId }),
      m(2, 'customer.update', { id: customer.id, name: 'Acme GmbH', expectedVersion: 1 }),
    ]);

    expect(res.status).toBe(200);
    expect(res.body.mutations.map((o) => [o.status, o.problem?.code])).toEqual([
      ['applied', undefined],
      ['applied', undefined],
    ]);
    // Version 2 is the office's; the device's edit of another field is merged on top of it.
    expect(res.body.mutations[1]?.result?.version).toBe(3);
    expect(res.body.mutations[1]?.conflicts).toBeUndefined();
    const stored = ok(await rest(t.token).GET('/v1/customers/{id}', { params: { path: { id: customer.id } } }));
    expect(stored).toMatchObject({ name: 'Acme GmbH', phone: '+49 30 1234', version: 3 });
    const visits = ok(await rest(t.token).GET('/v1/visits', { params: { query: { customerId: customer.id } } }));
    expect(visits.data.map((v) => v.id)).toEqual([visitId]);
  });

  it('refuses a check-in of a visit the office cancelled after the push created it, as the state rule says', async () => {
    const t = await createTenant();
    const s = await createSalesman(t);
    const customer = await createCustomer(t.token, SHOP);
    const visitId = newId();
    await whenVisitInserted(
      visitId,
      `UPDATE visits SET status = 'cancelled', version = version + 1 WHERE id = '${visitId}'`,
    );
    const fix = { lat: SHOP.lat + metresNorth(20), lng: SHOP.lng, accuracy: 10, at: minutesAgo(10) };

    const res = await push(s.token, [
      m(1, 'visit.create', { id: visitId, customerId: customer.id }),
      m(2, 'visit.checkIn', { id: visitId, ...fix }),
      m(3, 'visit.update', { id: visitId, notes: 'Closed today' }),
    ]);

    expect(res.status).toBe(200);
    expect(res.body.mutations.map((o) => [o.status, o.problem?.code])).toEqual([
      ['applied', undefined],
      ['refused', 'INVALID_STATE'],
      ['applied', undefined],
    ]);
    expect(res.body.mutations[1]?.problem?.detail).toMatch(/cancelled/);
    const stored = ok(await rest(t.token).GET('/v1/visits/{id}', { params: { path: { id: visitId } } }));
    expect(stored).toMatchObject({ status: 'cancelled', checkInAt: null, notes: 'Closed today', version: 3 });
  });

  it('judges a record it only refers to as it read it ahead: the push behaves as if it ran a moment earlier', async () => {
    // This is what reading ahead buys (one read for the whole push), and how it shows: a customer the
    // office deletes while the push runs still takes the visit the device planned there before.
    const t = await createTenant();
    const s = await createSalesman(t);
    const [first, second] = [await createCustomer(t.token, SHOP), await createCustomer(t.token, SHOP)];
    const visitId = newId();
    await whenVisitInserted(
      visitId,
      `UPDATE customers SET deleted_at = '2026-01-01T00:00:00.000Z' WHERE id = '${second.id}'`,
    );
    const laterId = newId();

    const res = await push(s.token, [
      m(1, 'visit.create', { id: visitId, customerId: first.id }),
      m(2, 'visit.create', { id: laterId, customerId: second.id }),
    ]);

    expect(res.body.mutations.map((o) => o.status)).toEqual(['applied', 'applied']);
    const customer = await answered(rest(t.token).GET('/v1/customers/{id}', { params: { path: { id: second.id } } }));
    expect(customer.status).toBe(404);
    // The next push reads afresh.
    const next = await push(s.token, [m(1, 'visit.create', { id: newId(), customerId: second.id })]);
    expect(next.body.mutations.map((o) => o.problem?.code)).toEqual(['NOT_FOUND']);
  });

  it('still answers 404 for a record another salesman holds when the push read it ahead', async () => {
    const t = await createTenant();
    const s = await createSalesman(t);
    const colleague = await createSalesman(t);
    const manager = await createUserWithRole(t, 'manager');
    const customer = await createCustomer(t.token, SHOP);
    const theirs = ok(
      await rest(manager.token).POST('/v1/visits', {
        body: { customerId: customer.id, salesmanId: colleague.salesmanId },
      }),
      201,
    );
    const productId = await createProduct(t, { priceMinor: 500, onHand: 5 });
    const fix = { lat: SHOP.lat, lng: SHOP.lng, accuracy: 10, at: minutesAgo(10) };
    const lines = [{ productId, quantity: 1 }];
    const res = await push(s.token, [
      m(1, 'visit.checkIn', { id: theirs.id, ...fix }),
      m(2, 'order.create', { id: newId(), customerId: customer.id, visitId: theirs.id, lines }),
      m(3, 'order.create', { id: newId(), customerId: customer.id, lines }),
    ]);
    expect(res.body.mutations.map((o) => [o.status, o.problem?.code])).toEqual([
      ['refused', 'NOT_FOUND'],
      ['refused', 'NOT_FOUND'],
      ['applied', undefined],
    ]);
  });
});
