import { env } from 'cloudflare:workers';
import { sql } from 'drizzle-orm';
import { assert, describe, expect, it } from 'vitest';
import { assertSessionLive, SESSION_ENDS_TTL_MS, sessionsEnded } from '../../src/auth/session-ends';
import { verifyAccessToken } from '../../src/auth/tokens';
import { loadConfig } from '../../src/env';
import { api } from '../helpers/api';
import { executeSql, rotatedAgo, testDb } from '../helpers/db';
import { createTenant, createUserWithRole, DEFAULT_PASSWORD, unique } from '../helpers/factories';
import { answered, rest } from '../helpers/rest';

const signup = (email: string, password = DEFAULT_PASSWORD, tenantName = 'Second Org') =>
  answered(rest().POST('/v1/auth/signup', { body: { tenantName, name: 'Sam Second', email, password } }));

const login = (email: string, password = DEFAULT_PASSWORD, tenantId?: string) =>
  answered(rest().POST('/v1/auth/login', { body: { email, password, ...(tenantId ? { tenantId } : {}) } }));

const refresh = (refreshToken: string) => answered(rest().POST('/v1/auth/refresh', { body: { refreshToken } }));
const logout = (refreshToken: string) => answered(rest().POST('/v1/auth/logout', { body: { refreshToken } }));
const customers = (token: string) => answered(rest(token).GET('/v1/customers'));
const byId = (id: string) => ({ params: { path: { id } } });

/** Moves a used refresh token's rotation `ms` into the past (as if it had been used that long ago). */
describe('signup and login', () => {
  it('signs up a tenant with its owner and a working token pair', async () => {
    const email = `Founder-${unique()}@Example.test`;
    const res = await answered(
      rest().POST('/v1/auth/signup', {
        body: {
          tenantName: 'Acme Field Co',
          name: 'Olive Owner',
          email,
          password: DEFAULT_PASSWORD,
          timezone: 'Europe/Berlin',
          currency: 'EUR',
        },
      }),
    );
    expect(res.status).toBe(201);
    expect(res.body.tenant).toMatchObject({ name: 'Acme Field Co', timezone: 'Europe/Berlin', currency: 'EUR' });
    expect(res.body.user).toMatchObject({ email: email.toLowerCase(), role: 'owner', active: true });
    expect(res.body.user).not.toHaveProperty('passwordHash');
    expect(res.body.user).not.toHaveProperty('tenantId');
    expect(res.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });
    expect(res.body.accessToken.split('.')).toHaveLength(3);
    expect(res.body.refreshToken).toMatch(/^[\w-]{40,}$/);

    const me = await answered(rest(res.body.accessToken).GET('/v1/users/me'));
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(res.body.user.id);
    // Emails are case-insensitive.
    expect((await login(email.toUpperCase())).status).toBe(200);
  });

  it('validates signup input', async () => {
    const short = await signup(`x-${unique()}@example.test`, 'short');
    expect(short.status).toBe(400);
    expect(short.body.code).toBe('VALIDATION_FAILED');
    const badEmail = await signup('not-an-email');
    expect(badEmail.status).toBe(400);
    // Untyped: a role is not a field of the signup.
    const extra = await api('POST', '/v1/auth/signup', {
      tenantName: 'x',
      name: 'x',
      email: `x-${unique()}@example.test`,
      password: DEFAULT_PASSWORD,
      role: 'admin',
    });
    expect(extra.status).toBe(400);
    const badTz = await answered(
      rest().POST('/v1/auth/signup', {
        body: {
          tenantName: 'x',
          name: 'x',
          email: `x-${unique()}@example.test`,
          password: DEFAULT_PASSWORD,
          timezone: 'Mars/Olympus',
        },
      }),
    );
    expect(badTz.status).toBe(400);
  });

  it('starts every organisation on the free plan and refuses a plan chosen in the signup body', async () => {
    const body = (extra: { plan?: string } = {}) => ({
      tenantName: 'Plan Co',
      name: 'Pat Plan',
      email: `plan-${unique()}@example.test`,
      password: DEFAULT_PASSWORD,
      ...extra,
    });
    for (const plan of ['enterprise', 'pro', 'free']) {
      // Untyped: a plan is not a field of the signup.
      const attempt = body({ plan });
      const chosen = await api('POST', '/v1/auth/signup', attempt);
      expect(chosen.status, plan).toBe(400);
      expect(chosen.body.code, plan).toBe('VALIDATION_FAILED');
      expect(chosen.body.errors, plan).toEqual([{ path: 'json', message: expect.stringMatching(/"plan".*operator/) }]);
      // Nothing was created.
      expect((await login(attempt.email)).status, plan).toBe(401);
    }
    const plain = await answered(rest().POST('/v1/auth/signup', { body: body() }));
    expect(plain.status).toBe(201);
    expect(plain.body.tenant.plan).toBe('free');
  });

  it('refuses a duplicate email within one tenant but allows it in another tenant', async () => {
    const a = await createTenant();
    const dup = await answered(
      rest(a.token).POST('/v1/users', {
        body: { email: a.ownerEmail.toUpperCase(), name: 'Dup', role: 'viewer', password: DEFAULT_PASSWORD },
      }),
    );
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('ALREADY_EXISTS');

    const second = await signup(a.ownerEmail);
    expect(second.status).toBe(201);
    expect(second.body.tenant.id).not.toBe(a.tenantId);
  });

  it('asks which tenant when the password opens several, and signs in once one is named', async () => {
    const a = await createTenant('First Org');
    const b = await signup(a.ownerEmail, DEFAULT_PASSWORD, 'Second Org');
    expect(b.status).toBe(201);

    // Untyped: the problem's `tenants` is not in the OpenAPI document's Problem schema.
    const ambiguous = await api('POST', '/v1/auth/login', { email: a.ownerEmail, password: DEFAULT_PASSWORD });
    expect(ambiguous.status).toBe(409);
    expect(ambiguous.body.code).toBe('TENANT_REQUIRED');
    expect(ambiguous.body).not.toHaveProperty('accessToken');
    const listed = ambiguous.body.tenants.map((t: { id: string }) => t.id).sort();
    expect(listed).toEqual([a.tenantId, b.body.tenant.id].sort());
    expect(ambiguous.body.tenants.map((t: { name: string }) => t.name).sort()).toEqual(['First Org', 'Second Org']);

    const inB = await login(a.ownerEmail, DEFAULT_PASSWORD, b.body.tenant.id);
    expect(inB.status).toBe(200);
    expect(inB.body.tenant.id).toBe(b.body.tenant.id);
    expect(inB.body.user.id).toBe(b.body.user.id);
    const meB = await answered(rest(inB.body.accessToken).GET('/v1/users/me'));
    expect(meB.body.id).toBe(b.body.user.id);

    // Naming a tenant the email is not in is just wrong credentials.
    const other = await createTenant();
    const wrongTenant = await login(a.ownerEmail, DEFAULT_PASSWORD, other.tenantId);
    expect(wrongTenant.status).toBe(401);
    expect(wrongTenant.body.code).toBe('INVALID_CREDENTIALS');
  });

  it('does not reveal other tenants to a password that opens only one of them', async () => {
    const a = await createTenant('Mine');
    const b = await signup(a.ownerEmail, 'a different password entirely', 'Not mine');
    expect(b.status).toBe(201);

    const res = await login(a.ownerEmail);
    expect(res.status).toBe(200);
    expect(res.body.tenant.id).toBe(a.tenantId);
    expect(JSON.stringify(res.body)).not.toContain(b.body.tenant.id);

    const other = await login(a.ownerEmail, 'a different password entirely');
    expect(other.status).toBe(200);
    expect(other.body.tenant.id).toBe(b.body.tenant.id);
  });

  it('answers a wrong password and an unknown email identically', async () => {
    const a = await createTenant();
    const wrong = await login(a.ownerEmail, 'not the right password');
    const unknown = await login(`nobody-${unique()}@example.test`);
    for (const res of [wrong, unknown]) {
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body.code).toBe('INVALID_CREDENTIALS');
    }
    expect(wrong.body.detail).toBe(unknown.body.detail);
    expect(wrong.body.title).toBe(unknown.body.title);
  });

  it('stops a deactivated user from signing in or refreshing', async () => {
    const t = await createTenant();
    const viewer = await createUserWithRole(t, 'viewer');
    const session = await login(viewer.email, DEFAULT_PASSWORD, t.tenantId);
    expect(session.status).toBe(200);

    const off = await answered(rest(t.token).POST('/v1/users/{id}/deactivate', byId(viewer.id)));
    expect(off.status).toBe(200);
    expect(off.body.active).toBe(false);

    const denied = await login(viewer.email, DEFAULT_PASSWORD, t.tenantId);
    expect(denied.status).toBe(401);
    expect(denied.body.code).toBe('INVALID_CREDENTIALS');
    const deniedNoTenant = await login(viewer.email);
    expect(deniedNoTenant.status).toBe(401);

    const refreshed = await refresh(session.body.refreshToken);
    expect(refreshed.status).toBe(401);
    expect(refreshed.body).not.toHaveProperty('accessToken');

    // Reactivated, they may sign in again.
    const on = await answered(rest(t.token).PATCH('/v1/users/{id}', { ...byId(viewer.id), body: { active: true } }));
    expect(on.status).toBe(200);
    expect((await login(viewer.email, DEFAULT_PASSWORD, t.tenantId)).status).toBe(200);
  });

  it('does not offer a tenant where the user is deactivated', async () => {
    const a = await createTenant('Active here');
    const b = await signup(a.ownerEmail, DEFAULT_PASSWORD, 'Deactivated there');
    expect(b.status).toBe(201);
    // A second owner of B deactivates the shared-email user there.
    const bOwner2Email = `owner2-${unique()}@example.test`;
    const created = await answered(
      rest(b.body.accessToken).POST('/v1/users', {
        body: { email: bOwner2Email, name: 'Other owner', role: 'owner', password: DEFAULT_PASSWORD },
      }),
    );
    expect(created.status).toBe(201);
    const owner2 = await login(bOwner2Email);
    const off = await answered(rest(owner2.body.accessToken).POST('/v1/users/{id}/deactivate', byId(b.body.user.id)));
    expect(off.status).toBe(200);

    const res = await login(a.ownerEmail);
    expect(res.status).toBe(200);
    expect(res.body.tenant.id).toBe(a.tenantId);
  });
});

describe('refresh tokens', () => {
  it('rotates: each refresh token works once and returns a fresh pair', async () => {
    const t = await createTenant();
    const first = await refresh(t.refreshToken);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });
    expect(first.body.refreshToken).not.toBe(t.refreshToken);
    const me = await answered(rest(first.body.accessToken).GET('/v1/users/me'));
    expect(me.body.id).toBe(t.ownerId);

    const second = await refresh(first.body.refreshToken);
    expect(second.status).toBe(200);

    const unknown = await refresh('not-a-real-refresh-token');
    expect(unknown.status).toBe(401);
    expect(unknown.body.code).toBe('UNAUTHENTICATED');
  });

  it('revokes the whole family when a used token is presented again', async () => {
    const t = await createTenant();
    const rotated = await refresh(t.refreshToken);
    expect(rotated.status).toBe(200);
    const newer = await refresh(rotated.body.refreshToken);
    expect(newer.status).toBe(200);

    // Later than a concurrent refresh could be: the first token was rotated a minute ago.
    await rotatedAgo(t.refreshToken, 60_000);
    const replay = await refresh(t.refreshToken);
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe('TOKEN_REUSED');

    // The newest token of that login, never used, is now dead too.
    const afterReuse = await refresh(newer.body.refreshToken);
    expect(afterReuse.status).toBe(401);
    expect(afterReuse.body).not.toHaveProperty('accessToken');

    // Other logins of the same user are separate families and survive.
    const otherLogin = await login(t.ownerEmail, DEFAULT_PASSWORD, t.tenantId);
    expect((await refresh(otherLogin.body.refreshToken)).status).toBe(200);
  });

  it('logout revokes the family and is idempotent', async () => {
    const t = await createTenant();
    const other = await login(t.ownerEmail, DEFAULT_PASSWORD, t.tenantId);
    const rotated = await refresh(t.refreshToken);
    expect(rotated.status).toBe(200);
    expect((await customers(rotated.body.accessToken)).status).toBe(200);
    const out = await logout(t.refreshToken);
    expect(out.status).toBe(204);
    expect((await refresh(rotated.body.refreshToken)).status).toBe(401);
    // The login's access tokens end with it, the one from signup and the one from the refresh alike,
    // though neither has expired; another login of the same user goes on.
    for (const token of [t.token, rotated.body.accessToken]) {
      const refused = await customers(token);
      expect(refused.status).toBe(401);
      expect(refused.body).toMatchObject({ code: 'UNAUTHENTICATED', detail: 'This login has ended; sign in again' });
    }
    expect((await customers(other.body.accessToken)).status).toBe(200);
    expect((await logout(rotated.body.refreshToken)).status).toBe(204);
    expect((await logout('unknown-token')).status).toBe(204);
  });

  it('lets exactly one of ten concurrent refreshes with one token succeed, and keeps the login', async () => {
    const t = await createTenant();
    const results = await Promise.all(Array.from({ length: 10 }, () => refresh(t.refreshToken)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    for (const loser of results.filter((r) => r.status !== 200)) {
      expect(loser.status).toBe(409);
      expect(loser.body).toMatchObject({ code: 'CONFLICT', reason: 'REFRESH_RACED' });
      expect(loser.body).not.toHaveProperty('accessToken');
    }
    // A race is not a leak: the winner's new tokens keep working.
    const winner = results.find((r) => r.status === 200);
    assert.isDefined(winner);
    expect((await customers(winner.body.accessToken)).status).toBe(200);
    const next = await refresh(winner.body.refreshToken);
    expect(next.status).toBe(200);
    // The same token presented after the grace is reuse again: the whole login ends.
    await rotatedAgo(t.refreshToken, 60_000);
    expect((await refresh(t.refreshToken)).body.code).toBe('TOKEN_REUSED');
    expect((await refresh(next.body.refreshToken)).status).toBe(401);
  });

  it('ends sessions when the role changes', async () => {
    const t = await createTenant();
    const manager = await createUserWithRole(t, 'manager');
    const session = await login(manager.email, DEFAULT_PASSWORD, t.tenantId);
    const changed = await answered(
      rest(t.token).PATCH('/v1/users/{id}', { ...byId(manager.id), body: { role: 'viewer' } }),
    );
    expect(changed.status).toBe(200);
    expect(changed.body.role).toBe('viewer');
    expect((await refresh(session.body.refreshToken)).status).toBe(401);
    const again = await login(manager.email, DEFAULT_PASSWORD, t.tenantId);
    expect(again.body.user.role).toBe('viewer');
    const denied = await answered(rest(again.body.accessToken).POST('/v1/customers', { body: { name: 'x' } }));
    expect(denied.status).toBe(403);
    // The access token issued before the change is refused, though it has not expired.
    const old = await customers(session.body.accessToken);
    expect(old.status).toBe(401);
    expect(old.body).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('refuses a deactivated user’s unexpired access token at once, and after reactivation until he signs in', async () => {
    const t = await createTenant();
    const manager = await createUserWithRole(t, 'manager');
    const bystander = await createUserWithRole(t, 'viewer');
    expect((await customers(manager.token)).status).toBe(200);

    expect((await answered(rest(t.token).POST('/v1/users/{id}/deactivate', byId(manager.id)))).status).toBe(200);
    expect((await customers(manager.token)).status).toBe(401);
    // Untyped: GraphQL is not in the OpenAPI document.
    const graphql = await api('POST', '/graphql', { query: '{ viewer { principalId } }' }, { token: manager.token });
    expect(graphql.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await customers(bystander.token)).status).toBe(200);

    await rest(t.token).PATCH('/v1/users/{id}', { ...byId(manager.id), body: { active: true } });
    expect((await customers(manager.token)).status).toBe(401);
    const again = await login(manager.email, DEFAULT_PASSWORD, t.tenantId);
    expect((await customers(again.body.accessToken)).status).toBe(200);
  });

  it('follows an end of sessions written elsewhere within the re-read interval', async () => {
    const t = await createTenant();
    const viewer = await createUserWithRole(t, 'viewer');
    const claims = await verifyAccessToken(loadConfig(env), viewer.token);
    const db = testDb();
    const now = Date.now();
    sessionsEnded(db, t.tenantId); // so the next check reads the list at `now`
    await assertSessionLive(db, loadConfig(env), claims, now);
    // Another isolate ended his sessions: this one has not been told.
    await executeSql(
      sql`UPDATE users SET sessions_ended_at = ${new Date(now).toISOString()} WHERE tenant_id = ${t.tenantId} AND id = ${viewer.id}`,
    );
    await assertSessionLive(db, loadConfig(env), claims, now + SESSION_ENDS_TTL_MS - 1);
    await expect(assertSessionLive(db, loadConfig(env), claims, now + SESSION_ENDS_TTL_MS)).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
  });
});
