import { describe, expect, it } from 'vitest';
import { api } from '../helpers/api';
import { createTenant, createUserWithRole } from '../helpers/factories';
import { answered, rest } from '../helpers/rest';
import { createSalesman, eventsSince, lastSeq } from '../helpers/sales-factories';

const send = async (token: string, salesmanId: string | null) => {
  const res = await answered(
    rest(token).POST('/v1/notifications', { body: { salesmanId, title: 'Route change', body: 'See map' } }),
  );
  expect(res.status).toBe(201);
  return res.body.id as string;
};
const markRead = (token: string, id: string) =>
  answered(rest(token).POST('/v1/notifications/{id}/read', { params: { path: { id: id } } }));

describe('notifications: marking read', () => {
  it('lets the recipient mark his notification read once, with an event', async () => {
    const t = await createTenant();
    const s = await createSalesman(t);
    const id = await send(t.token, s.salesmanId);
    const seq = await lastSeq(t);
    const first = await markRead(s.token, id);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ id, version: 2 });
    expect(first.body.readAt).not.toBeNull();
    const [event] = await eventsSince(t, seq);
    expect(event).toMatchObject({ type: 'notification:read', entityId: id });
    const again = await markRead(s.token, id);
    expect(again.body).toEqual(first.body);
    expect(await lastSeq(t)).toBe(seq + 1);
  });

  it("refuses a colleague's (404), a team-wide (409) and someone else's as a manager (403)", async () => {
    const t = await createTenant();
    const s = await createSalesman(t);
    const colleague = await createSalesman(t);
    const manager = await createUserWithRole(t, 'manager');
    const theirs = await send(t.token, colleague.salesmanId);
    const everyone = await send(t.token, null);
    expect((await markRead(s.token, theirs)).body.code).toBe('NOT_FOUND');
    const teamWide = await markRead(s.token, everyone);
    expect([teamWide.status, teamWide.body.code]).toEqual([409, 'INVALID_STATE']);
    const byManager = await markRead(manager.token, theirs);
    expect([byManager.status, byManager.body.code]).toEqual([403, 'FORBIDDEN']);
  });
});

describe('notifications: reading one', () => {
  it('answers the recipient and everyone for a team-wide one, 404 to a colleague, over REST and GraphQL', async () => {
    const t = await createTenant();
    const s = await createSalesman(t);
    const colleague = await createSalesman(t);
    const mine = await send(t.token, s.salesmanId);
    const everyone = await send(t.token, null);
    const get = (token: string, id: string) =>
      answered(rest(token).GET('/v1/notifications/{id}', { params: { path: { id: id } } }));
    expect((await get(s.token, mine)).body).toMatchObject({
      id: mine,
      salesmanId: s.salesmanId,
      title: 'Route change',
    });
    expect((await get(colleague.token, everyone)).body).toMatchObject({ id: everyone, salesmanId: null });
    const theirs = await get(colleague.token, mine);
    expect([theirs.status, theirs.body.code]).toEqual([404, 'NOT_FOUND']);
    expect((await get(t.token, mine)).status).toBe(200);

    // Untyped: GraphQL is not in the OpenAPI document.
    const node = (token: string, id: string) =>
      api(
        'POST',
        '/graphql',
        {
          query: 'query($id: ID!) { node(id: $id) { id ... on Notification { uuid title } } }',
          variables: { id: btoa(`Notification:${id}`) },
        },
        { token },
      );
    expect((await node(s.token, mine)).body.data.node).toEqual({
      id: btoa(`Notification:${mine}`),
      uuid: mine,
      title: 'Route change',
    });
    expect((await node(colleague.token, mine)).body.data.node).toBeNull();
  });
});
