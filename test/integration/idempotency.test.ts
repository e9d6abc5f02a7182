import type { components } from '@fieldline/client/rest';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { idempotencyKeys, users } from '../../src/db/tables';
import { sha256Hex } from '../../src/lib/crypto';
import { api } from '../helpers/api';
import { testDb } from '../helpers/db';
import { createTenant, createUserWithRole, DEFAULT_PASSWORD, type TestTenant, unique } from '../helpers/factories';
import { answered, rest } from '../helpers/rest';

/** The Idempotency-Key header, when there is a key. */
const keyed = (key?: string) => ({ header: key === undefined ? {} : { 'idempotency-key': key } });

const post = (t: TestTenant, body: components['schemas']['CreateCustomer'], key?: string) =>
  answered(rest(t.token).POST('/v1/customers', { params: keyed(key), body }));

const signup = (body: components['schemas']['Signup'], key: string) =>
  answered(rest().POST('/v1/auth/signup', { params: keyed(key), body }));

const customerCount = async (t: TestTenant) =>
  (await answered(rest(t.token).GET('/v1/customers', { params: { query: { limit: 200 } } }))).body.data.length;

describe('Idempotency-Key', () => {
  it('replays the first response for the same key and body, creating one customer', async () => {
    const t = await createTenant();
    const key = crypto.randomUUID();
    const first = await post(t, { name: 'Once only' }, key);
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();

    const second = await post(t, { name: 'Once only' }, key);
    expect(second.status).toBe(201);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.body).toEqual(first.body);
    expect(second.headers.get('content-type')).toContain('application/json');
    // A replay is still a response of this API: it carries its own request id.
    expect(second.headers.get('x-request-id')).toBeTruthy();
    expect(second.headers.get('x-request-id')).not.toBe(first.headers.get('x-request-id'));

    expect(await customerCount(t)).toBe(1);
    // Without a key the same body is a new customer.
    expect((await post(t, { name: 'Once only' })).status).toBe(201);
    expect(await customerCount(t)).toBe(2);
  });

  it('refuses the same key with a different request', async () => {
    const t = await createTenant();
    const key = crypto.randomUUID();
    expect((await post(t, { name: 'Original' }, key)).status).toBe(201);
    const changed = await post(t, { name: 'Changed' }, key);
    expect(changed.status).toBe(422);
    expect(changed.headers.get('content-type')).toContain('application/problem+json');
    expect(changed.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    // The same key on another endpoint is a different request too.
    const elsewhere = await answered(
      rest(t.token).POST('/v1/users', {
        params: keyed(key),
        body: { email: `x-${unique()}@example.test`, name: 'x', role: 'viewer', password: DEFAULT_PASSWORD },
      }),
    );
    expect(elsewhere.status).toBe(422);
    expect(await customerCount(t)).toBe(1);
  });

  it('lets only one of two concurrent requests with one key run', async () => {
    const t = await createTenant();
    const key = crypto.randomUUID();
    const results = await Promise.all([post(t, { name: 'Raced' }, key), post(t, { name: 'Raced' }, key)]);
    const fresh = results.filter((r) => r.status === 201 && r.headers.get('idempotent-replayed') === null);
    expect(fresh).toHaveLength(1);
    const other = results.find((r) => r !== fresh[0]);
    if (other?.status === 201) {
      expect(other.headers.get('idempotent-replayed')).toBe('true');
      expect(other.body.id).toBe(fresh[0]?.body.id);
    } else {
      expect(other?.status).toBe(409);
      expect(other?.body.code).toBe('IDEMPOTENCY_IN_PROGRESS');
    }
    expect(await customerCount(t)).toBe(1);
    // Once the first has finished, a retry replays it.
    const retry = await post(t, { name: 'Raced' }, key);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body.id).toBe(fresh[0]?.body.id);
  });

  it('replays 4xx responses too', async () => {
    const t = await createTenant();
    const key = crypto.randomUUID();
    const body = { name: 'Orphan', territoryId: crypto.randomUUID() };
    const first = await post(t, body, key);
    expect(first.status).toBe(404);
    const second = await post(t, body, key);
    expect(second.status).toBe(404);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.headers.get('content-type')).toContain('application/problem+json');
    expect(second.body).toEqual(first.body);

    const invalidKey = crypto.randomUUID();
    const invalid = await post(t, { name: 'x', lat: 500, lng: 0 }, invalidKey);
    expect(invalid.status).toBe(400);
    const invalidAgain = await post(t, { name: 'x', lat: 500, lng: 0 }, invalidKey);
    expect(invalidAgain.status).toBe(400);
    expect(invalidAgain.headers.get('idempotent-replayed')).toBe('true');
    expect(await customerCount(t)).toBe(0);
  });

  it('scopes keys to the tenant', async () => {
    const a = await createTenant();
    const b = await createTenant();
    const key = crypto.randomUUID();
    const inA = await post(a, { name: 'Shared key' }, key);
    const inB = await post(b, { name: 'Shared key' }, key);
    expect(inA.status).toBe(201);
    expect(inB.status).toBe(201);
    expect(inB.headers.get('idempotent-replayed')).toBeNull();
    expect(inB.body.id).not.toBe(inA.body.id);
    // Each tenant replays its own response.
    const againB = await post(b, { name: 'Shared key' }, key);
    expect(againB.headers.get('idempotent-replayed')).toBe('true');
    expect(againB.body.id).toBe(inB.body.id);
    const againA = await post(a, { name: 'Shared key' }, key);
    expect(againA.body.id).toBe(inA.body.id);
    expect(await customerCount(a)).toBe(1);
    expect(await customerCount(b)).toBe(1);
    const bReused = await post(b, { name: 'Different body' }, key);
    expect(bReused.status).toBe(422);
  });

  it('makes signup retry-safe: a replay creates no second tenant', async () => {
    const email = `idem-${unique()}@example.test`;
    const body = { tenantName: 'Retry Co', name: 'Rita Retry', email, password: DEFAULT_PASSWORD };
    const key = crypto.randomUUID();
    const first = await signup(body, key);
    expect(first.status).toBe(201);
    const second = await signup(body, key);
    expect(second.status).toBe(201);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.body.tenant.id).toBe(first.body.tenant.id);

    // One tenant only: login does not ask which tenant.
    const login = await answered(rest().POST('/v1/auth/login', { body: { email, password: DEFAULT_PASSWORD } }));
    expect(login.status).toBe(200);
    expect(login.body.tenant.id).toBe(first.body.tenant.id);
  });

  it('stores a signup without its tokens; a retry signs in afresh instead of replaying tokens used since', async () => {
    const email = `idem-${unique()}@example.test`;
    const body = { tenantName: 'Retry Co', name: 'Rita Retry', email, password: DEFAULT_PASSWORD };
    const key = crypto.randomUUID();
    const first = await signup(body, key);
    expect(first.status).toBe(201);

    // The key store keeps the tenant and the user for 24 h, no credential.
    const [row] = await testDb()
      .select()
      .from(idempotencyKeys)
      .where(and(eq(idempotencyKeys.scope, 'public'), eq(idempotencyKeys.key, key)));
    expect(row?.responseStatus).toBe(201);
    expect(row?.responseBody).not.toContain(first.body.accessToken);
    expect(row?.responseBody).not.toContain(first.body.refreshToken);
    const stored = JSON.parse(row?.responseBody ?? '{}');
    expect(stored).not.toHaveProperty('accessToken');
    expect(stored).not.toHaveProperty('refreshToken');
    expect(stored.tenant.id).toBe(first.body.tenant.id);

    // The client got its answer and rotated the refresh token; then a retry of the signup arrives.
    const rotated = await answered(
      rest().POST('/v1/auth/refresh', { body: { refreshToken: first.body.refreshToken } }),
    );
    expect(rotated.status).toBe(200);
    const retry = await signup(body, key);
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body.tenant.id).toBe(first.body.tenant.id);
    expect(retry.body.user.id).toBe(first.body.user.id);
    // Not the used refresh token (presenting it would revoke the login): a new login's own tokens.
    expect(retry.body.refreshToken).not.toBe(first.body.refreshToken);
    expect(retry.body.accessToken).not.toBe(first.body.accessToken);
    const me = await answered(rest(retry.body.accessToken).GET('/v1/users/me'));
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(first.body.user.id);
    expect(
      (await answered(rest().POST('/v1/auth/refresh', { body: { refreshToken: retry.body.refreshToken } }))).status,
    ).toBe(200);
    // The first login goes on undisturbed.
    expect(
      (await answered(rest().POST('/v1/auth/refresh', { body: { refreshToken: rotated.body.refreshToken } }))).status,
    ).toBe(200);
  });

  it('keeps no plain hash of the request, which would let a leaked key store test guesses of the password', async () => {
    const email = `idem-${unique()}@example.test`;
    const body = { tenantName: 'Hash Co', name: 'Hal Hash', email, password: DEFAULT_PASSWORD };
    const key = crypto.randomUUID();
    const raw = JSON.stringify(body);
    // Untyped: the test hashes the very bytes it sends, so it sends them itself.
    const first = await api('POST', '/v1/auth/signup', undefined, {
      raw,
      headers: { 'idempotency-key': key, 'content-type': 'application/json' },
    });
    expect(first.status).toBe(201);
    const [row] = await testDb()
      .select()
      .from(idempotencyKeys)
      .where(and(eq(idempotencyKeys.scope, 'public'), eq(idempotencyKeys.key, key)));
    // Everything but the password is in the stored answer; a SHA-256 of the body would be a fast hash of it.
    expect(row?.requestHash).not.toBe(await sha256Hex(`POST /v1/auth/signup\n${raw}`));
    expect(row?.requestHash).not.toMatch(/^[0-9a-f]{64}$/);
    // It still recognises the retry, and a changed body.
    const retry = await api('POST', '/v1/auth/signup', undefined, {
      raw,
      headers: { 'idempotency-key': key, 'content-type': 'application/json' },
    });
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    const other = await signup({ ...body, password: 'another fine password' }, key);
    expect(other.status).toBe(422);
  });

  it('signs a retried signup in only while its password still opens the account', async () => {
    const email = `idem-${unique()}@example.test`;
    const body = { tenantName: 'Changed Co', name: 'Carl Changed', email, password: DEFAULT_PASSWORD };
    const key = crypto.randomUUID();
    const first = await signup(body, key);
    expect(first.status).toBe(201);
    // The password was changed since: the stored hash no longer matches the body's password.
    await testDb()
      .update(users)
      .set({ passwordHash: `pbkdf2_sha256$1000$${'A'.repeat(22)}$${'B'.repeat(43)}` })
      .where(eq(users.id, first.body.user.id));
    const retry = await signup(body, key);
    expect(retry.status).toBe(401);
    expect(retry.headers.get('content-type')).toContain('application/problem+json');
    expect(retry.body.code).toBe('INVALID_CREDENTIALS');
    expect(retry.body).not.toHaveProperty('accessToken');
  });

  it('validates the key and ignores it where it does not apply', async () => {
    const t = await createTenant();
    const tooLong = await post(t, { name: 'x' }, 'k'.repeat(256));
    expect(tooLong.status).toBe(400);
    const empty = await post(t, { name: 'x' }, '');
    expect(empty.status).toBe(400);
    expect(await customerCount(t)).toBe(0);

    const key = crypto.randomUUID();
    const c = await post(t, { name: 'Patch me' }, crypto.randomUUID());
    // A PATCH takes no Idempotency-Key (the OpenAPI document lists none): sent anyway, it is ignored.
    const patch = (city: string) =>
      answered(
        rest(t.token).PATCH('/v1/customers/{id}', {
          params: { path: { id: c.body.id } },
          headers: { 'idempotency-key': key },
          body: { city },
        }),
      );
    const p1 = await patch('A');
    const p2 = await patch('B');
    expect([p1.status, p2.status]).toEqual([200, 200]);
    expect(p2.body.version).toBe(3);

    // An unauthenticated request never touches the key store.
    const anon = await answered(rest().POST('/v1/customers', { params: keyed(key), body: { name: 'x' } }));
    expect(anon.status).toBe(401);
    expect((await post(t, { name: 'After anon' }, key)).status).toBe(201);
  });

  it('keeps keys per caller: another user of the same tenant does not get my stored response', async () => {
    const t = await createTenant();
    const manager = await createUserWithRole(t, 'manager');
    const key = crypto.randomUUID();
    const mine = await post(t, { name: 'Same body' }, key);
    const theirs = await answered(
      rest(manager.token).POST('/v1/customers', { params: keyed(key), body: { name: 'Same body' } }),
    );
    expect(theirs.status).toBe(201);
    expect(theirs.headers.get('idempotent-replayed')).toBeNull();
    expect(theirs.body.id).not.toBe(mine.body.id);
  });

  it('lets a retry take over a claim abandoned by a request that died', async () => {
    const t = await createTenant();
    const key = crypto.randomUUID();
    // Untyped: the test hashes the very bytes it sends, so it sends them itself.
    const body = JSON.stringify({ name: 'After a crash' });
    const requestHash = await sha256Hex(`POST /v1/customers\n${body}`);
    const db = testDb();
    const claimedAt = new Date(Date.now() - 10 * 60 * 1000).toISOString();
    await db.insert(idempotencyKeys).values({
      scope: `${t.tenantId}:user:${t.ownerId}`,
      key,
      requestHash,
      state: 'in_progress',
      createdAt: claimedAt,
      expiresAt: new Date(Date.now() + 3600_000).toISOString(),
    });
    const retried = await api('POST', '/v1/customers', undefined, {
      token: t.token,
      raw: body,
      headers: { 'idempotency-key': key, 'content-type': 'application/json' },
    });
    expect(retried.status).toBe(201);
    expect(await customerCount(t)).toBe(1);
    // A fresh claim is not taken over.
    const freshKey = crypto.randomUUID();
    await db.insert(idempotencyKeys).values({
      scope: `${t.tenantId}:user:${t.ownerId}`,
      key: freshKey,
      requestHash,
      state: 'in_progress',
      createdAt: new Date().toISOString(),
      expiresAt: new Date(Date.now() + 3600_000).toISOString(),
    });
    const blocked = await api('POST', '/v1/customers', undefined, {
      token: t.token,
      raw: body,
      headers: { 'idempotency-key': freshKey, 'content-type': 'application/json' },
    });
    expect(blocked.status).toBe(409);
    expect(blocked.body.code).toBe('IDEMPOTENCY_IN_PROGRESS');
  });
});
