import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { idempotencyKeys } from '../../src/db/tables';
import { api } from '../helpers/api';
import { executeSql, testDb } from '../helpers/db';
import { createCustomer, createTenant, createUserWithRole } from '../helpers/factories';

async function createKey(t: { token: string }, scopes: string[], extra: Record<string, unknown> = {}) {
  const res = await api('POST', '/v1/api-keys', { name: 'Integration', scopes, ...extra }, { token: t.token });
  if (res.status !== 201) throw new Error(`create key failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { apiKey: { id: string; prefix: string; scopes: string[] }; secret: string };
}

const withKeyHeader = (method: string, path: string, key: string, body?: unknown) =>
  api(method, path, body, { headers: { 'x-api-key': key } });

describe('API keys', () => {
  it('shows the secret once and only the prefix afterwards', async () => {
    const t = await createTenant();
    const res = await api(
      'POST',
      '/v1/api-keys',
      { name: 'ERP sync', scopes: ['customers:read', 'customers:read'] },
      { token: t.token },
    );
    expect(res.status).toBe(201);
    const { apiKey, secret } = res.body;
    expect(secret).toMatch(/^flk_[\w-]{8}_[\w-]{40,}$/);
    expect(secret.startsWith(`${apiKey.prefix}_`)).toBe(true);
    expect(apiKey).toMatchObject({
      name: 'ERP sync',
      scopes: ['customers:read'],
      revokedAt: null,
      createdBy: t.ownerId,
    });
    expect(apiKey).not.toHaveProperty('keyHash');

    const list = await api('GET', '/v1/api-keys', undefined, { token: t.token });
    expect(list.status).toBe(200);
    expect(list.body.data).toHaveLength(1);
    expect(list.body.data[0]).toMatchObject({ id: apiKey.id, prefix: apiKey.prefix });
    expect(JSON.stringify(list.body)).not.toContain(secret.slice(apiKey.prefix.length + 1));
    expect(list.body.data[0]).not.toHaveProperty('secret');
    expect(list.body.data[0]).not.toHaveProperty('keyHash');
  });

  it('authenticates as Bearer and as X-API-Key, and enforces its scopes', async () => {
    const t = await createTenant();
    const customer = await createCustomer(t.token, { name: 'Visible' });
    const { secret } = await createKey(t, ['customers:read']);

    const bearer = await api('GET', '/v1/customers', undefined, { token: secret });
    expect(bearer.status).toBe(200);
    expect(bearer.body.data.map((c: { id: string }) => c.id)).toEqual([customer.id]);
    const header = await withKeyHeader('GET', `/v1/customers/${customer.id}`, secret);
    expect(header.status).toBe(200);
    expect(header.body.name).toBe('Visible');

    const write = await api('POST', '/v1/customers', { name: 'Nope' }, { token: secret });
    expect(write.status).toBe(403);
    expect(write.body.code).toBe('FORBIDDEN');
    expect((await withKeyHeader('POST', '/v1/customers', secret, { name: 'Nope' })).status).toBe(403);
    // Scopes it lacks entirely.
    expect((await api('GET', '/v1/users', undefined, { token: secret })).status).toBe(403);
    expect((await api('GET', '/v1/api-keys', undefined, { token: secret })).status).toBe(403);
    expect((await api('GET', '/v1/events', undefined, { token: secret })).status).toBe(403);

    const writer = await createKey(t, ['customers:read', 'customers:write']);
    const created = await api('POST', '/v1/customers', { name: 'By key' }, { token: writer.secret });
    expect(created.status).toBe(201);

    // A wrong or mangled key is just unauthenticated.
    for (const bad of [`${secret}x`, secret.slice(0, -1), 'flk_nope_nope']) {
      const res = await api('GET', '/v1/customers', undefined, { token: bad });
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('UNAUTHENTICATED');
    }
  });

  it('stops working once revoked', async () => {
    const t = await createTenant();
    const { apiKey, secret } = await createKey(t, ['customers:read']);
    expect((await api('GET', '/v1/customers', undefined, { token: secret })).status).toBe(200);

    const revoked = await api('POST', `/v1/api-keys/${apiKey.id}/revoke`, undefined, { token: t.token });
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).not.toBeNull();

    for (const res of [
      await api('GET', '/v1/customers', undefined, { token: secret }),
      await withKeyHeader('GET', '/v1/customers', secret),
    ]) {
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('UNAUTHENTICATED');
    }
    // Revoking again is harmless and keeps the first revocation time.
    const again = await api('POST', `/v1/api-keys/${apiKey.id}/revoke`, undefined, { token: t.token });
    expect(again.status).toBe(200);
    expect(again.body.revokedAt).toBe(revoked.body.revokedAt);
  });

  it('refuses to create a key that has already expired', async () => {
    const t = await createTenant();
    const past = [new Date(Date.now() - 60_000).toISOString(), '2001-01-01T00:00:00Z'];
    for (const expiresAt of past) {
      const res = await api(
        'POST',
        '/v1/api-keys',
        { name: 'Late', scopes: ['customers:read'], expiresAt },
        { token: t.token },
      );
      expect(res.status, expiresAt).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.errors).toEqual([{ path: 'json.expiresAt', message: 'expiresAt must be in the future' }]);
    }
    expect((await api('GET', '/v1/api-keys', undefined, { token: t.token })).body.data).toEqual([]);
  });

  it('refuses expired keys', async () => {
    const t = await createTenant();
    const expiring = await createKey(t, ['customers:read'], { expiresAt: new Date(Date.now() + 60_000).toISOString() });
    expect((await api('GET', '/v1/customers', undefined, { token: expiring.secret })).status).toBe(200);
    // Time passes: the key's expiry is now behind us.
    await executeSql(
      sql`UPDATE api_keys SET expires_at = ${new Date(Date.now() - 1000).toISOString()} WHERE id = ${expiring.apiKey.id}`,
    );
    expect((await api('GET', '/v1/customers', undefined, { token: expiring.secret })).status).toBe(401);
    const future = await createKey(t, ['customers:read'], { expiresAt: '2999-01-01T00:00:00Z' });
    expect(future.apiKey).toMatchObject({ expiresAt: '2999-01-01T00:00:00.000Z' });
    expect((await api('GET', '/v1/customers', undefined, { token: future.secret })).status).toBe(200);
  });

  it('is managed by owners and admins only, and never grants more than its creator holds', async () => {
    const t = await createTenant();
    const manager = await createUserWithRole(t, 'manager');
    const denied = await api(
      'POST',
      '/v1/api-keys',
      { name: 'x', scopes: ['customers:read'] },
      { token: manager.token },
    );
    expect(denied.status).toBe(403);
    expect((await api('GET', '/v1/api-keys', undefined, { token: manager.token })).status).toBe(403);

    const admin = await createUserWithRole(t, 'admin');
    const adminKey = await createKey(admin, ['customers:read']);
    expect(adminKey.apiKey.scopes).toEqual(['customers:read']);

    // A key that may manage keys can only hand out what it holds itself.
    const manager2 = await createKey(t, ['api_keys:manage', 'customers:read']);
    const escalate = await api(
      'POST',
      '/v1/api-keys',
      { name: 'escalate', scopes: ['customers:read', 'customers:write'] },
      { token: manager2.secret },
    );
    expect(escalate.status).toBe(403);
    expect(escalate.body.code).toBe('FORBIDDEN');
    const narrower = await api(
      'POST',
      '/v1/api-keys',
      { name: 'narrower', scopes: ['customers:read'] },
      { token: manager2.secret },
    );
    expect(narrower.status).toBe(201);

    const unknownScope = await api('POST', '/v1/api-keys', { name: 'x', scopes: ['root'] }, { token: t.token });
    expect(unknownScope.status).toBe(400);
    const noScopes = await api('POST', '/v1/api-keys', { name: 'x', scopes: [] }, { token: t.token });
    expect(noScopes.status).toBe(400);
  });

  it('carries its owner’s authority: refused while the owner is deactivated, narrowed by a lesser role', async () => {
    const t = await createTenant();
    const admin = await createUserWithRole(t, 'admin');
    const key = await createKey(admin, ['customers:read', 'customers:write', 'users:read', 'api_keys:manage']);
    expect(key.apiKey).toMatchObject({ createdBy: admin.id, ownerId: admin.id });
    // A key made by this key belongs to the same user.
    const child = await api(
      'POST',
      '/v1/api-keys',
      { name: 'child', scopes: ['customers:read'] },
      { token: key.secret },
    );
    expect(child.status).toBe(201);
    expect(child.body.apiKey).toMatchObject({ createdBy: key.apiKey.id, ownerId: admin.id });
    const childSecret = child.body.secret as string;
    const status = async (secret: string, method = 'GET', path = '/v1/customers', body?: unknown) =>
      (await api(method, path, body, { token: secret })).status;

    const deactivate = await api('PATCH', `/v1/users/${admin.id}`, { active: false }, { token: t.token });
    expect(deactivate.status).toBe(200);
    for (const secret of [key.secret, childSecret]) {
      const res = await api('GET', '/v1/customers', undefined, { token: secret });
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ code: 'UNAUTHENTICATED' });
      expect(res.body.detail).toContain('no longer active');
    }

    // Active again, as a viewer: the keys work, but only for what a viewer may do.
    await api('PATCH', `/v1/users/${admin.id}`, { active: true, role: 'viewer' }, { token: t.token });
    expect(await status(key.secret)).toBe(200);
    expect(await status(key.secret, 'GET', '/v1/users')).toBe(200);
    expect(await status(key.secret, 'POST', '/v1/customers', { name: 'Nope' })).toBe(403);
    expect(await status(key.secret, 'GET', '/v1/api-keys')).toBe(403);
    expect(await status(childSecret)).toBe(200);

    await api('PATCH', `/v1/users/${admin.id}`, { role: 'admin' }, { token: t.token });
    expect(await status(key.secret, 'POST', '/v1/customers', { name: 'Back' })).toBe(201);
  });

  it('belongs to one tenant: it sees only that tenant and cannot be revoked by another', async () => {
    const a = await createTenant();
    const b = await createTenant();
    const aCustomer = await createCustomer(a.token, { name: 'A only' });
    const bCustomer = await createCustomer(b.token, { name: 'B only' });
    const { apiKey, secret } = await createKey(a, ['customers:read', 'customers:write']);

    const list = await api('GET', '/v1/customers', undefined, { token: secret });
    expect(list.body.data.map((c: { id: string }) => c.id)).toEqual([aCustomer.id]);
    expect((await api('GET', `/v1/customers/${bCustomer.id}`, undefined, { token: secret })).status).toBe(404);
    expect((await api('PATCH', `/v1/customers/${bCustomer.id}`, { name: 'x' }, { token: secret })).status).toBe(404);

    const foreignRevoke = await api('POST', `/v1/api-keys/${apiKey.id}/revoke`, undefined, { token: b.token });
    expect(foreignRevoke.status).toBe(404);
    expect(foreignRevoke.body.code).toBe('NOT_FOUND');
    expect((await api('GET', '/v1/api-keys', undefined, { token: b.token })).body.data).toEqual([]);
    expect((await api('GET', '/v1/customers', undefined, { token: secret })).status).toBe(200);
  });

  it('records creation and revocation as events without the secret', async () => {
    const t = await createTenant();
    const { apiKey, secret } = await createKey(t, ['customers:read']);
    await api('POST', `/v1/api-keys/${apiKey.id}/revoke`, undefined, { token: t.token });
    const events = await api('GET', '/v1/events?since=0', undefined, { token: t.token });
    const mine = events.body.data.filter((e: { entityId: string }) => e.entityId === apiKey.id);
    expect(mine.map((e: { type: string }) => e.type)).toEqual(['api_key:created', 'api_key:revoked']);
    const serialized = JSON.stringify(mine);
    expect(serialized).not.toContain(secret);
    expect(serialized).not.toContain('keyHash');
  });
});

describe('API keys: a retried creation', () => {
  it('keeps no secret in the idempotency store and answers a retry 409 naming the key, creating no second one', async () => {
    const t = await createTenant();
    const body = { name: 'ERP sync', scopes: ['customers:read'] };
    const headers = { 'idempotency-key': 'create-erp-key' };
    const first = await api('POST', '/v1/api-keys', body, { token: t.token, headers });
    expect(first.status).toBe(201);
    const stored = await testDb()
      .select({ body: idempotencyKeys.responseBody })
      .from(idempotencyKeys)
      .where(eq(idempotencyKeys.key, 'create-erp-key'));
    expect(stored).toHaveLength(1);
    expect(stored[0]?.body).not.toContain(first.body.secret);
    expect(stored[0]?.body).toContain(first.body.apiKey.id);

    const retry = await api('POST', '/v1/api-keys', body, { token: t.token, headers });
    expect([retry.status, retry.body.code, retry.body.apiKeyId]).toEqual([409, 'ALREADY_EXISTS', first.body.apiKey.id]);
    expect(retry.body.detail).toContain('shown only once');
    expect(JSON.stringify(retry.body)).not.toContain(first.body.secret);
    const keys = await api('GET', '/v1/api-keys', undefined, { token: t.token });
    expect(keys.body.data.map((k: { id: string }) => k.id)).toEqual([first.body.apiKey.id]);
    // Revocation (no secret in its answer) still replays as stored.
    const revokeHeaders = { 'idempotency-key': 'revoke-erp-key' };
    const path = `/v1/api-keys/${first.body.apiKey.id}/revoke`;
    const revoked = await api('POST', path, undefined, { token: t.token, headers: revokeHeaders });
    const again = await api('POST', path, undefined, { token: t.token, headers: revokeHeaders });
    expect([again.status, again.headers.get('idempotent-replayed')]).toEqual([revoked.status, 'true']);
  });
});
