import type { components, paths } from '@fieldline/client/rest';
import { describe, expect, it } from 'vitest';
import { api } from '../helpers/api';
import { createTenant, createUserWithRole } from '../helpers/factories';
import { createSalesman, createSalesmanUser, createTarget } from '../helpers/field-factories';
import { answered, rest } from '../helpers/rest';

type Schemas = components['schemas'];
type TargetsQuery = NonNullable<paths['/v1/targets']['get']['parameters']['query']>;
const byId = (id: string) => ({ params: { path: { id } } });
const getTarget = (token: string, id: string) => answered(rest(token).GET('/v1/targets/{id}', byId(id)));
const patchTarget = (token: string, id: string, body: Schemas['UpdateTarget']) =>
  answered(rest(token).PATCH('/v1/targets/{id}', { ...byId(id), body }));
const deleteTarget = (token: string, id: string) => answered(rest(token).DELETE('/v1/targets/{id}', byId(id)));
const postTarget = (token: string, body: Schemas['CreateTarget']) =>
  answered(rest(token).POST('/v1/targets', { body }));
const listTargets = (token: string, query: TargetsQuery = {}) =>
  answered(rest(token).GET('/v1/targets', { params: { query } }));

describe('targets', () => {
  it('creates targets with a computed period end, updates, filters and deletes them', async () => {
    const t = await createTenant();
    const s = await createSalesman(t.token);
    const feb = await createTarget(t.token, {
      salesmanId: s.id,
      periodType: 'month',
      periodStart: '2024-02-01',
      revenueGoalMinor: 1_500_000,
      visitGoal: 40,
    });
    expect(feb).toMatchObject({ periodEnd: '2024-02-29', revenueGoalMinor: 1_500_000, visitGoal: 40, version: 1 });
    const q4 = await createTarget(t.token, { salesmanId: s.id, periodType: 'quarter', periodStart: '2024-10-01' });
    expect(q4).toMatchObject({ periodEnd: '2024-12-31', revenueGoalMinor: 0, visitGoal: 0 });
    const year = await createTarget(t.token, { salesmanId: s.id, periodType: 'year', periodStart: '2025-01-01' });
    expect(year.periodEnd).toBe('2025-12-31');
    const apr = await createTarget(t.token, { salesmanId: s.id, periodType: 'month', periodStart: '2025-04-01' });
    expect(apr.periodEnd).toBe('2025-04-30');

    const got = await getTarget(t.token, feb.id);
    expect(got.body.periodEnd).toBe('2024-02-29');

    const moved = await patchTarget(t.token, q4.id, { periodStart: '2024-07-01', visitGoal: 120, expectedVersion: 1 });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({
      periodStart: '2024-07-01',
      periodEnd: '2024-09-30',
      visitGoal: 120,
      version: 2,
    });
    const retyped = await patchTarget(t.token, q4.id, { periodType: 'month', periodStart: '2024-08-01' });
    expect(retyped.body).toMatchObject({ periodType: 'month', periodEnd: '2024-08-31' });

    const list = async (query: TargetsQuery = {}) => (await listTargets(t.token, query)).body.data.map((x) => x.id);
    expect(await list()).toEqual([feb.id, q4.id, year.id, apr.id]);
    expect(await list({ sort: '-periodStart' })).toEqual([apr.id, year.id, q4.id, feb.id]);
    expect(await list({ periodType: 'month' })).toEqual([feb.id, q4.id, apr.id]);
    expect(await list({ activeOn: '2025-04-15' })).toEqual([year.id, apr.id]);
    expect(await list({ salesmanId: s.id, activeOn: '2024-02-29' })).toEqual([feb.id]);

    expect((await deleteTarget(t.token, feb.id)).status).toBe(200);
    expect((await getTarget(t.token, feb.id)).status).toBe(404);

    const events = await answered(rest(t.token).GET('/v1/events', { params: { query: { since: 2 } } }));
    const types = events.body.data.map((e) => e.type).filter((x) => x.startsWith('target'));
    expect(types).toEqual([
      'target:created',
      'target:created',
      'target:created',
      'target:created',
      'target:updated',
      'target:updated',
      'target:deleted',
    ]);
  });

  it('refuses a periodStart that is not the first day of its period, and other bad input', async () => {
    const t = await createTenant();
    const s = await createSalesman(t.token);
    const bad: [string, Record<string, unknown>][] = [
      ['mid-month', { periodType: 'month', periodStart: '2025-02-15' }],
      ['quarter starting in February', { periodType: 'quarter', periodStart: '2025-02-01' }],
      ['year starting in July', { periodType: 'year', periodStart: '2025-07-01' }],
      ['month 13', { periodType: 'month', periodStart: '2025-13-01' }],
      ['not a date', { periodType: 'month', periodStart: 'March' }],
      ['unknown period type', { periodType: 'week', periodStart: '2025-03-03' }],
      ['negative revenue goal', { revenueGoalMinor: -1 }],
      ['fractional revenue goal', { revenueGoalMinor: 10.5 }],
      ['negative visit goal', { visitGoal: -3 }],
      ['unknown field', { bonus: 5 }],
    ];
    // Untyped: the list holds an unknown period type and an unknown field.
    for (const [label, overrides] of bad) {
      const res = await api(
        'POST',
        '/v1/targets',
        { salesmanId: s.id, periodType: 'month', periodStart: '2025-03-01', ...overrides },
        { token: t.token },
      );
      expect(res.status, label).toBe(400);
      expect(res.body.code, label).toBe('VALIDATION_FAILED');
    }
    const midMonth = await postTarget(t.token, { salesmanId: s.id, periodType: 'month', periodStart: '2025-02-15' });
    expect(midMonth.body.errors?.[0]?.path).toBe('json.periodStart');

    const target = await createTarget(t.token, { salesmanId: s.id, periodType: 'month', periodStart: '2025-05-01' });
    // Changing only the type must still leave a valid start for the new type.
    const retype = await patchTarget(t.token, target.id, { periodType: 'quarter' });
    expect(retype.status).toBe(400);
    expect((await getTarget(t.token, target.id)).body.version).toBe(1);
    expect((await listTargets(t.token, { activeOn: '2025-02-30' })).status).toBe(400);
  });

  it('allows one target per salesman, period type and start (409)', async () => {
    const t = await createTenant();
    const s1 = await createSalesman(t.token);
    const s2 = await createSalesman(t.token);
    const first = await createTarget(t.token, { salesmanId: s1.id, periodStart: '2025-03-01' });
    const dup = await postTarget(t.token, {
      salesmanId: s1.id,
      periodType: 'month',
      periodStart: '2025-03-01',
      visitGoal: 9,
    });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('ALREADY_EXISTS');
    // Same start, other type or other salesman: distinct targets.
    await createTarget(t.token, { salesmanId: s1.id, periodType: 'quarter', periodStart: '2025-01-01' });
    await createTarget(t.token, { salesmanId: s1.id, periodType: 'month', periodStart: '2025-01-01' });
    await createTarget(t.token, { salesmanId: s2.id, periodStart: '2025-03-01' });
    const second = await createTarget(t.token, { salesmanId: s1.id, periodStart: '2025-04-01' });
    const clash = await patchTarget(t.token, second.id, { periodStart: '2025-03-01' });
    expect(clash.status).toBe(409);
    // Deleting frees the period.
    await deleteTarget(t.token, first.id);
    await createTarget(t.token, { salesmanId: s1.id, periodStart: '2025-03-01' });
  });

  it('lets salesmen read only their own targets and only managers write', async () => {
    const t = await createTenant();
    const a = await createSalesmanUser(t);
    const b = await createSalesmanUser(t);
    const ofA = await createTarget(t.token, { salesmanId: a.salesmanId });
    const ofB = await createTarget(t.token, { salesmanId: b.salesmanId });

    const mine = await listTargets(a.token);
    expect(mine.body.data.map((x) => x.id)).toEqual([ofA.id]);
    const peek = await listTargets(a.token, { salesmanId: b.salesmanId });
    expect(peek.body.data).toEqual([]);
    expect((await getTarget(a.token, ofA.id)).status).toBe(200);
    expect((await getTarget(a.token, ofB.id)).status).toBe(404);

    const selfSet = await postTarget(a.token, {
      salesmanId: a.salesmanId,
      periodType: 'month',
      periodStart: '2025-09-01',
    });
    expect(selfSet.status).toBe(403);
    expect((await patchTarget(a.token, ofA.id, { visitGoal: 1 })).status).toBe(403);
    expect((await deleteTarget(a.token, ofA.id)).status).toBe(403);

    const manager = await createUserWithRole(t, 'manager');
    expect((await listTargets(manager.token)).body.data).toHaveLength(2);
    const raised = await patchTarget(manager.token, ofB.id, { visitGoal: 50 });
    expect(raised.body.visitGoal).toBe(50);

    const viewer = await createUserWithRole(t, 'viewer');
    expect((await getTarget(viewer.token, ofA.id)).status).toBe(200);
    const denied = await postTarget(viewer.token, {
      salesmanId: a.salesmanId,
      periodType: 'month',
      periodStart: '2025-10-01',
    });
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe('FORBIDDEN');
    expect((await patchTarget(viewer.token, ofA.id, { visitGoal: 2 })).status).toBe(403);
  });

  it("answers 404 for another tenant's targets and salesmen on every route", async () => {
    const a = await createTenant();
    const b = await createTenant();
    const s = await createSalesman(a.token);
    const target = await createTarget(a.token, { salesmanId: s.id });
    expect((await getTarget(b.token, target.id)).status).toBe(404);
    expect((await patchTarget(b.token, target.id, { visitGoal: 1 })).status).toBe(404);
    expect((await deleteTarget(b.token, target.id)).status).toBe(404);
    expect((await listTargets(b.token)).body.data).toEqual([]);
    const foreign = await postTarget(b.token, { salesmanId: s.id, periodType: 'month', periodStart: '2025-03-01' });
    expect(foreign.status).toBe(404);
    const theirs = await createSalesman(b.token);
    const moveAway = await patchTarget(a.token, target.id, { salesmanId: theirs.id });
    expect(moveAway.status).toBe(404);
    expect((await getTarget(a.token, target.id)).body.version).toBe(1);
    expect((await answered(rest().GET('/v1/targets'))).status).toBe(401);
  });
});
