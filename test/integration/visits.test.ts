import type { components, paths } from '@fieldline/client/rest';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/lib/errors';
import { checkIn } from '../../src/services/visits.service';
import { api } from '../helpers/api';
import { contextFor, ownerPrincipal } from '../helpers/context';
import { createCustomer, createTenant, createUserWithRole, type TestTenant } from '../helpers/factories';
import { createSalesmanUser, createVisit, metresNorth, type SalesmanUser } from '../helpers/field-factories';
import { answered, rest } from '../helpers/rest';

/** The default customer of the factories sits here; the tenant's check-in radius defaults to 200 m. */
const SHOP = { lat: 52.52, lng: 13.405 };
const fixAt = (metres: number, accuracy = 10) => ({ lat: SHOP.lat + metresNorth(metres), lng: SHOP.lng, accuracy });
const inMinutes = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();

interface Field {
  t: TestTenant;
  customer: { id: string };
  a: SalesmanUser;
  b: SalesmanUser;
}

async function field(): Promise<Field> {
  const t = await createTenant();
  const customer = await createCustomer(t.token, SHOP);
  const a = await createSalesmanUser(t);
  const b = await createSalesmanUser(t);
  return { t, customer, a, b };
}

const ids = (res: { body: { data: { id: string }[] } }) => res.body.data.map((v) => v.id);
const byId = (id: string) => ({ params: { path: { id } } });
type UpdateVisit = components['schemas']['UpdateVisit'];
type VisitsQuery = NonNullable<paths['/v1/visits']['get']['parameters']['query']>;
type Fix = ReturnType<typeof fixAt> & { at?: string };

describe('visits', () => {
  it('plans, checks in (verified), checks out and records the events', async () => {
    const { t, customer, a } = await field();
    const planned = await createVisit(t.token, {
      customerId: customer.id,
      salesmanId: a.salesmanId,
      plannedAt: '2025-06-02T10:00:00+02:00',
      notes: 'Bring samples',
    });
    expect(planned).toMatchObject({
      status: 'planned',
      salesmanId: a.salesmanId,
      plannedAt: '2025-06-02T08:00:00.000Z',
      verdict: null,
      checkInAt: null,
    });

    expect(ids(await answered(rest(a.token).GET('/v1/visits')))).toEqual([planned.id]);

    const checkedIn = await answered(
      rest(a.token).POST('/v1/visits/{id}/check-in', { params: { path: { id: planned.id } }, body: fixAt(50) }),
    );
    expect(checkedIn.status).toBe(200);
    expect(checkedIn.body).toMatchObject({ status: 'in_progress', verdict: 'verified', checkInAccuracyM: 10 });
    expect(checkedIn.body.checkInDistanceM).toBeGreaterThan(45);
    expect(checkedIn.body.checkInDistanceM).toBeLessThan(55);
    expect(checkedIn.body.checkInAt).toBeTruthy();

    const at = new Date(Date.now() + 60_000).toISOString();
    const out = await answered(
      rest(a.token).POST('/v1/visits/{id}/check-out', {
        params: { path: { id: planned.id } },
        body: { ...fixAt(20), at, outcome: 'order_taken', notes: 'Ordered 3 crates' },
      }),
    );
    expect(out.status).toBe(200);
    expect(out.body).toMatchObject({
      status: 'completed',
      checkOutAt: at,
      outcome: 'order_taken',
      notes: 'Ordered 3 crates',
      verdict: 'verified',
      version: 3,
    });

    const fixedOutcome = await answered(
      rest(t.token).PATCH('/v1/visits/{id}', { params: { path: { id: planned.id } }, body: { outcome: 'follow_up' } }),
    );
    expect(fixedOutcome.body.outcome).toBe('follow_up');

    const events = await answered(rest(t.token).GET('/v1/events', { params: { query: { since: 0 } } }));
    const visitEvents = events.body.data.filter((e) => e.entityType === 'visit');
    expect(visitEvents.map((e) => e.type)).toEqual([
      'visit:created',
      'visit:checked_in',
      'visit:checked_out',
      'visit:updated',
    ]);
    expect(visitEvents[1]?.payload).toMatchObject({ id: planned.id, verdict: 'verified', status: 'in_progress' });
  });

  it('judges check-ins against the tenant radius plus the capped accuracy', async () => {
    const { t, customer, a } = await field();
    const nowhere = await createCustomer(t.token, { lat: null, lng: null });
    const checkIn = async (customerId: string, fix: Fix) => {
      const visit = await createVisit(a.token, { customerId });
      const res = await answered(rest(a.token).POST('/v1/visits/{id}/check-in', { ...byId(visit.id), body: fix }));
      expect(res.status).toBe(200);
      return res.body;
    };
    const far = await checkIn(customer.id, fixAt(5000));
    expect(far.verdict).toBe('out_of_range');
    expect(far.checkInDistanceM).toBeGreaterThan(4900);
    expect(far.checkInDistanceM).toBeLessThan(5100);

    const unknown = await checkIn(nowhere.id, fixAt(0));
    expect(unknown.verdict).toBe('unverified');
    expect(unknown.checkInDistanceM).toBeNull();

    // radius 200 m: 300 m away is verified only if the fix's accuracy covers the extra 100 m…
    expect((await checkIn(customer.id, fixAt(300, 150))).verdict).toBe('verified');
    expect((await checkIn(customer.id, fixAt(300, 50))).verdict).toBe('out_of_range');
    // …and a vague fix never stretches the allowance beyond twice the radius.
    expect((await checkIn(customer.id, fixAt(450, 5000))).verdict).toBe('out_of_range');
    expect((await checkIn(customer.id, fixAt(390, 5000))).verdict).toBe('verified');
  });

  it('validates locations, accuracy and device time', async () => {
    const { t, customer, a } = await field();
    const visit = await createVisit(a.token, { customerId: customer.id });
    const path = `/v1/visits/${visit.id}/check-in`;
    const bad: [string, unknown][] = [
      ['lat above 90', { lat: 90.5, lng: 0, accuracy: 5 }],
      ['lat below -90', { lat: -91, lng: 0, accuracy: 5 }],
      ['lng above 180', { lat: 0, lng: 180.1, accuracy: 5 }],
      ['negative accuracy', { lat: 0, lng: 0, accuracy: -1 }],
      ['accuracy over 10 km', { lat: 0, lng: 0, accuracy: 10_001 }],
      ['missing accuracy', { lat: 0, lng: 0 }],
      ['not a timestamp', { lat: 0, lng: 0, accuracy: 5, at: 'yesterday' }],
      ['unknown field', { lat: 0, lng: 0, accuracy: 5, speed: 3 }],
    ];
    // Untyped: the list holds a body without accuracy and one with an unknown field.
    for (const [label, body] of bad) {
      const res = await api('POST', path, body, { token: a.token });
      expect(res.status, label).toBe(400);
      expect(res.body.code, label).toBe('VALIDATION_FAILED');
    }
    const checkInAt = (at: string) =>
      answered(rest(a.token).POST('/v1/visits/{id}/check-in', { ...byId(visit.id), body: { ...fixAt(10), at } }));
    const future = await checkInAt(inMinutes(10));
    expect(future.status).toBe(400);
    expect(future.body.code).toBe('VALIDATION_FAILED');
    expect(future.body.detail).toContain('future');
    // Nothing was recorded by the refused attempts.
    expect(
      (await answered(rest(a.token).GET('/v1/visits/{id}', { params: { path: { id: visit.id } } }))).body.status,
    ).toBe('planned');

    // A device clock slightly ahead is tolerated, and a past (offline) time is kept as given.
    const skewed = await checkInAt(inMinutes(2));
    expect(skewed.status).toBe(200);
    expect(skewed.body.checkInOffline).toBe(false);
    const offline = await createVisit(a.token, { customerId: customer.id });
    const day = inMinutes(-3 * 24 * 60).slice(0, 10);
    const past = await answered(
      rest(a.token).POST('/v1/visits/{id}/check-in', {
        params: { path: { id: offline.id } },
        body: { ...fixAt(10), at: `${day}T09:30:00+01:00` },
      }),
    );
    // Kept as the device captured it, and marked as captured offline.
    expect(past.body).toMatchObject({ checkInAt: `${day}T08:30:00.000Z`, checkInOffline: true, verdict: 'verified' });
    const early = await answered(
      rest(a.token).POST('/v1/visits/{id}/check-out', {
        params: { path: { id: offline.id } },
        body: { ...fixAt(10), at: `${day}T08:00:00Z` },
      }),
    );
    expect(early.status).toBe(400);
    const out = await answered(
      rest(a.token).POST('/v1/visits/{id}/check-out', { params: { path: { id: offline.id } }, body: fixAt(10) }),
    );
    expect(out.body).toMatchObject({ status: 'completed', checkInOffline: true, checkOutOffline: false });
    // A fix older than a week is refused, whatever the route.
    const stale = await createVisit(a.token, { customerId: customer.id });
    const ancient = await answered(
      rest(a.token).POST('/v1/visits/{id}/check-in', {
        params: { path: { id: stale.id } },
        body: { ...fixAt(10), at: inMinutes(-8 * 24 * 60) },
      }),
    );
    expect([ancient.status, ancient.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect(ancient.body.detail).toContain('7 days');
    const futureOut = await answered(
      rest(a.token).POST('/v1/visits/{id}/check-out', {
        params: { path: { id: offline.id } },
        body: { ...fixAt(10), at: inMinutes(30) },
      }),
    );
    expect(futureOut.status).toBe(400);

    // Untyped: no customer.
    expect((await api('POST', '/v1/visits', { salesmanId: a.salesmanId }, { token: t.token })).status).toBe(400);
    const noSalesman = await answered(rest(t.token).POST('/v1/visits', { body: { customerId: customer.id } }));
    expect(noSalesman.status).toBe(400);
    expect(noSalesman.body.detail).toContain('salesmanId');
    const badPlanned = await answered(
      rest(a.token).POST('/v1/visits', { body: { customerId: customer.id, plannedAt: '2025-13-01' } }),
    );
    expect(badPlanned.status).toBe(400);
    // Untyped: a visit is completed by checking out, so `completed` is not a status PATCH takes.
    const badStatus = await api('PATCH', `/v1/visits/${visit.id}`, { status: 'completed' }, { token: a.token });
    expect(badStatus.status).toBe(400);
  });

  it('allows each transition once and only in order (409)', async () => {
    const { customer, a } = await field();
    const visit = await createVisit(a.token, { customerId: customer.id });
    const path = byId(visit.id);
    const checkIn = () => answered(rest(a.token).POST('/v1/visits/{id}/check-in', { ...path, body: fixAt(10) }));
    const checkOut = () => answered(rest(a.token).POST('/v1/visits/{id}/check-out', { ...path, body: fixAt(10) }));
    const patch = (body: UpdateVisit) => answered(rest(a.token).PATCH('/v1/visits/{id}', { ...path, body }));

    const earlyOut = await checkOut();
    expect(earlyOut.status).toBe(409);
    expect(earlyOut.body.code).toBe('INVALID_STATE');
    const earlyOutcome = await patch({ outcome: 'no_order' });
    expect(earlyOutcome.status).toBe(409);

    expect((await checkIn()).status).toBe(200);
    const again = await checkIn();
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('INVALID_STATE');
    expect((await patch({ plannedAt: inMinutes(60) })).status).toBe(409);
    expect((await patch({ status: 'cancelled' })).status).toBe(409);
    expect((await patch({ notes: 'still fine' })).status).toBe(200);

    expect((await checkOut()).status).toBe(200);
    expect((await checkOut()).status).toBe(409);
    expect((await checkIn()).status).toBe(409);

    const cancelled = await createVisit(a.token, { customerId: customer.id });
    const cancel = await answered(
      rest(a.token).PATCH('/v1/visits/{id}', { params: { path: { id: cancelled.id } }, body: { status: 'cancelled' } }),
    );
    expect(cancel.body.status).toBe('cancelled');
    expect(
      (
        await answered(
          rest(a.token).POST('/v1/visits/{id}/check-in', { params: { path: { id: cancelled.id } }, body: fixAt(10) }),
        )
      ).status,
    ).toBe(409);
  });

  it('lets exactly one of several concurrent check-ins succeed', async () => {
    const { t, customer, a } = await field();
    const visit = await createVisit(a.token, { customerId: customer.id });
    const results = await Promise.all(
      Array.from({ length: 4 }, (_, i) =>
        answered(
          rest(i % 2 ? t.token : a.token).POST('/v1/visits/{id}/check-in', {
            params: { path: { id: visit.id } },
            body: fixAt(i * 2000),
          }),
        ),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409, 409]);
    const stored = await answered(rest(t.token).GET('/v1/visits/{id}', { params: { path: { id: visit.id } } }));
    expect(stored.body.version).toBe(2);
    expect(stored.body.verdict).toBe(results.find((r) => r.status === 200)?.body.verdict);
  });

  it('keeps a check-in atomic even when both requests pass the status check', async () => {
    // Calling the service directly puts both reads before either write (the HTTP path above tends to
    // serialise), so this exercises the version guard rather than the status check.
    const { t, customer, a } = await field();
    const visit = await createVisit(a.token, { customerId: customer.id });
    const ctx = () => contextFor(ownerPrincipal(t));
    const outcomes = await Promise.allSettled([
      checkIn(ctx(), visit.id, fixAt(10)),
      checkIn(ctx(), visit.id, fixAt(5000)),
    ]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    const failure = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
    expect(failure.reason).toBeInstanceOf(AppError);
    expect(failure.reason.code).toBe('VERSION_MISMATCH');
    const events = await answered(rest(t.token).GET('/v1/events', { params: { query: { type: 'visit:checked_in' } } }));
    expect(events.body.data).toHaveLength(1);
    const stored = await answered(rest(t.token).GET('/v1/visits/{id}', { params: { path: { id: visit.id } } }));
    expect(stored.body.version).toBe(2);
  });

  it('confines a salesman to his own visits', async () => {
    const { t, customer, a, b } = await field();
    const ofA = await createVisit(a.token, { customerId: customer.id, plannedAt: '2025-06-02T08:00:00Z' });
    expect(ofA.salesmanId).toBe(a.salesmanId);
    const ofB = await createVisit(t.token, { customerId: customer.id, salesmanId: b.salesmanId });

    expect(ids(await answered(rest(a.token).GET('/v1/visits')))).toEqual([ofA.id]);
    expect(
      ids(await answered(rest(a.token).GET('/v1/visits', { params: { query: { salesmanId: b.salesmanId } } }))),
    ).toEqual([]);
    expect(ids(await answered(rest(b.token).GET('/v1/visits')))).toEqual([ofB.id]);
    expect(ids(await answered(rest(t.token).GET('/v1/visits'))).sort()).toEqual([ofA.id, ofB.id].sort());

    const other = byId(ofB.id);
    expect((await answered(rest(a.token).GET('/v1/visits/{id}', other))).status).toBe(404);
    expect(
      (await answered(rest(a.token).PATCH('/v1/visits/{id}', { ...other, body: { notes: 'mine now' } }))).status,
    ).toBe(404);
    expect((await answered(rest(a.token).DELETE('/v1/visits/{id}', other))).status).toBe(404);
    expect((await answered(rest(a.token).POST('/v1/visits/{id}/check-in', { ...other, body: fixAt(10) }))).status).toBe(
      404,
    );
    expect(
      (await answered(rest(a.token).POST('/v1/visits/{id}/check-out', { ...other, body: fixAt(10) }))).status,
    ).toBe(404);
    expect((await answered(rest(b.token).GET('/v1/visits/{id}', other))).body.status).toBe('planned');

    const forB = await answered(
      rest(a.token).POST('/v1/visits', { body: { customerId: customer.id, salesmanId: b.salesmanId } }),
    );
    expect(forB.status).toBe(403);
    const explicitSelf = await createVisit(a.token, { customerId: customer.id, salesmanId: a.salesmanId });
    expect(explicitSelf.salesmanId).toBe(a.salesmanId);
    const handOver = await answered(
      rest(a.token).PATCH('/v1/visits/{id}', { params: { path: { id: ofA.id } }, body: { salesmanId: b.salesmanId } }),
    );
    expect(handOver.status).toBe(403);
    // A manager may reassign; the visit then leaves A's view.
    const reassigned = await answered(
      rest(t.token).PATCH('/v1/visits/{id}', { params: { path: { id: ofA.id } }, body: { salesmanId: b.salesmanId } }),
    );
    expect(reassigned.body.salesmanId).toBe(b.salesmanId);
    expect((await answered(rest(a.token).GET('/v1/visits/{id}', { params: { path: { id: ofA.id } } }))).status).toBe(
      404,
    );

    // A salesman may drop his own planned visit, not a started one.
    expect(
      (await answered(rest(a.token).DELETE('/v1/visits/{id}', { params: { path: { id: explicitSelf.id } } }))).status,
    ).toBe(200);
    const started = await createVisit(a.token, { customerId: customer.id });
    await answered(
      rest(a.token).POST('/v1/visits/{id}/check-in', { params: { path: { id: started.id } }, body: fixAt(10) }),
    );
    expect(
      (await answered(rest(a.token).DELETE('/v1/visits/{id}', { params: { path: { id: started.id } } }))).status,
    ).toBe(403);
    expect(
      (await answered(rest(t.token).DELETE('/v1/visits/{id}', { params: { path: { id: started.id } } }))).status,
    ).toBe(200);

    // A salesman user without a profile sees nothing and cannot plan visits.
    const loner = await createUserWithRole(t, 'salesman');
    expect((await answered(rest(loner.token).GET('/v1/visits'))).body.data).toEqual([]);
    expect((await answered(rest(loner.token).POST('/v1/visits', { body: { customerId: customer.id } }))).status).toBe(
      403,
    );
  });

  it('filters by salesman, customer, status and planned time', async () => {
    const { t, customer, a, b } = await field();
    const other = await createCustomer(t.token);
    const v1 = await createVisit(t.token, {
      customerId: customer.id,
      salesmanId: a.salesmanId,
      plannedAt: '2025-06-01T09:00:00Z',
    });
    const v2 = await createVisit(t.token, {
      customerId: other.id,
      salesmanId: a.salesmanId,
      plannedAt: '2025-06-02T09:00:00Z',
    });
    const v3 = await createVisit(t.token, {
      customerId: customer.id,
      salesmanId: b.salesmanId,
      plannedAt: '2025-06-03T09:00:00Z',
    });
    const unplanned = await createVisit(t.token, { customerId: customer.id, salesmanId: b.salesmanId });
    await answered(
      rest(t.token).POST('/v1/visits/{id}/check-in', { params: { path: { id: v2.id } }, body: fixAt(10) }),
    );
    const list = async (query: VisitsQuery) =>
      ids(await answered(rest(t.token).GET('/v1/visits', { params: { query } })));

    expect(await list({ salesmanId: a.salesmanId })).toEqual([v1.id, v2.id]);
    expect(await list({ customerId: customer.id })).toEqual([v1.id, v3.id, unplanned.id]);
    expect(await list({ status: 'in_progress' })).toEqual([v2.id]);
    expect(await list({ sort: '-createdAt', status: 'planned' })).toEqual([unplanned.id, v3.id, v1.id]);
    expect(await list({ from: '2025-06-02T00:00:00Z' })).toEqual([v2.id, v3.id]);
    expect(await list({ to: '2025-06-02T09:00:00Z' })).toEqual([v1.id]);
    expect(await list({ from: '2025-06-02T10:00:00+02:00', to: '2025-06-03T00:00:00Z' })).toEqual([v2.id]);
    // Untyped: a sort field and a status the list does not have.
    expect((await api('GET', '/v1/visits?sort=plannedAt', undefined, { token: t.token })).status).toBe(400);
    expect((await api('GET', '/v1/visits?status=done', undefined, { token: t.token })).status).toBe(400);
  });

  it('enforces permissions and tenant isolation on every route', async () => {
    const { t, customer, a } = await field();
    const other = await createTenant();
    const visit = await createVisit(t.token, { customerId: customer.id, salesmanId: a.salesmanId });
    const path = byId(visit.id);
    const get = (token: string) => answered(rest(token).GET('/v1/visits/{id}', path));
    const patch = (token: string, body: UpdateVisit) =>
      answered(rest(token).PATCH('/v1/visits/{id}', { ...path, body }));
    const checkIn = (token: string) =>
      answered(rest(token).POST('/v1/visits/{id}/check-in', { ...path, body: fixAt(10) }));
    const checkOut = (token: string) =>
      answered(rest(token).POST('/v1/visits/{id}/check-out', { ...path, body: fixAt(10) }));
    const remove = (token: string) => answered(rest(token).DELETE('/v1/visits/{id}', path));

    expect((await get(other.token)).status).toBe(404);
    expect((await patch(other.token, { notes: 'x' })).status).toBe(404);
    expect((await checkIn(other.token)).status).toBe(404);
    expect((await checkOut(other.token)).status).toBe(404);
    expect((await remove(other.token)).status).toBe(404);
    expect((await answered(rest(other.token).GET('/v1/visits'))).body.data).toEqual([]);
    const theirCustomer = await createCustomer(other.token);
    const foreignCustomer = await answered(
      rest(other.token).POST('/v1/visits', { body: { customerId: customer.id, salesmanId: a.salesmanId } }),
    );
    expect(foreignCustomer.status).toBe(404);
    const foreignSalesman = await answered(
      rest(other.token).POST('/v1/visits', { body: { customerId: theirCustomer.id, salesmanId: a.salesmanId } }),
    );
    expect(foreignSalesman.status).toBe(404);
    expect((await patch(t.token, { customerId: theirCustomer.id })).status).toBe(404);
    expect((await get(t.token)).body).toMatchObject({
      status: 'planned',
      version: 1,
    });

    const viewer = await createUserWithRole(t, 'viewer');
    expect((await get(viewer.token)).status).toBe(200);
    const denied = await answered(
      rest(viewer.token).POST('/v1/visits', { body: { customerId: customer.id, salesmanId: a.salesmanId } }),
    );
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe('FORBIDDEN');
    expect((await patch(viewer.token, { notes: 'v' })).status).toBe(403);
    expect((await checkIn(viewer.token)).status).toBe(403);
    expect((await checkOut(viewer.token)).status).toBe(403);
    expect((await remove(viewer.token)).status).toBe(403);
    expect((await answered(rest().GET('/v1/visits'))).status).toBe(401);
  });
});
