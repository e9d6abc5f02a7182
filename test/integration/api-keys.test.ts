import type { components } from '@fieldline/client/rest';
import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { idempotencyKeys } from '../../src/db/tables';
import { api } from '../helpers/api';
import { executeSql, testDb } from '../helpers/db';
import { createCustomer, createTenant, createUserWithRole } from '../helpers/factories';
import { answered, ok, rest } from '../helpers/rest';

type CreateApiKey = components['schemas']['CreateApiKey'];

async function createKey(t: { token: string }, scopes: CreateApiKey['scopes'], extra: { expiresAt?: string } = {}) {
  return ok(await rest(t.token).POST('/v1/api-keys', { body: { name: 'Integration', scopes, ...extra } }), 201);
}

/** Untyped: the key goes in the X-API-Key header. */
const withKeyHeader = (method: string, path: string, key: string, body?: unknown) =>
  api(method, path, body, { headers: { 'x-api-key': key } });

describe('API keys', () => {
  it('shows the secret once and only the prefix afterwards', async () => {
    const t = await createTenant();
    const res = await answered(
      rest(t.token).POST('/v1/api-keys', { body: { name: 'ERP sync', scopes: ['customers:read', 'customers:read'] } }),
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

    const list = await answered(rest(t.token).GET('/v1/api-keys'));
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

    const bearer = await answered(rest(secret).GET('/v1/customers'));
    expect(bearer.status).toBe(200);
    expect(bearer.body.data.map((c: { id: string }) => c.id)).toEqual([customer.id]);
    const header = await withKeyHeader('GET', `/v1/customers/${customer.id}`, secret);
    expect(header.status).toBe(200);
    expect(header.body.name).toBe('Visible');

    const write = await answered(rest(secret).POST('/v1/customers', { body: { name: 'Nope' } }));
    expect(write.status).toBe(403);
    expect(write.body.code).toBe('FORBIDDEN');
    expect((await withKeyHeader('POST', '/v1/customers', secret, { name: 'Nope' })).status).toBe(403);
    // Scopes it lacks entirely.
    expect((await answered(rest(secret).GET('/v1/users'))).status).toBe(403);
    expect((await answered(rest(secret).GET('/v1/api-keys'))).status).toBe(403);
    expect((await answered(rest(secret).GET('/v1/events'))).status).toBe(403);

    const writer = await createKey(t, ['customers:read', 'customers:write']);
    const created = await answered(rest(writer.secret).POST('/v1/customers', { body: { name: 'By key' } }));
    expect(created.status).toBe(201);

    // A wrong or mangled key is just unauthenticated.
    for (const bad of [`${secret}x`, secret.slice(0, -1), 'flk_nope_nope']) {
      const res = await answered(rest(bad).GET('/v1/customers'));
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('UNAUTHENTICATED');
    }
  });

  it('stops working once revoked', async () => {
    const t = await createTenant();
    const { apiKey, secret } = await createKey(t, ['customers:read']);
    expect((await answered(rest(secret).GET('/v1/customers'))).status).toBe(200);

    const revoked = await answered(
      rest(t.token).POST('/v1/api-keys/{id}/revoke', { params: { path: { id: apiKey.id } } }),
    );
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).not.toBeNull();

    for (const res of [
      await answered(rest(secret).GET('/v1/customers')),
      await withKeyHeader('GET', '/v1/customers', secret),
    ]) {
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('UNAUTHENTICATED');
    }
    // Revoking again is harmless and keeps the first revocation time.
    const again = await answered(
      rest(t.token).POST('/v1/api-keys/{id}/revoke', { params: { path: { id: apiKey.id } } }),
    );
    expect(again.status).toBe(200);
    expect(again.body.revokedAt).toBe(revoked.body.revokedAt);
  });

  it('refuses to create a key that has already expired', async () => {
    const t = await createTenant();
    const past = [new Date(Date.now() - 60_000).toISOString(), '2001-01-01T00:00:00Z'];
    for (const expiresAt of past) {
      const res = await answered(
        rest(t.token).POST('/v1/api-keys', { body: { name: 'Late', scopes: ['customers:read'], expiresAt } }),
      );
      expect(res.status, expiresAt).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.errors).toEqual([{ path: 'json.expiresAt', message: 'expiresAt must be in the future' }]);
    }
    expect((await answered(rest(t.token).GET('/v1/api-keys'))).body.data).toEqual([]);
  });

  it('refuses expired keys', async () => {
    const t = await createTenant();
    const expiring = await createKey(t, ['customers:read'], { expiresAt: new Date(Date.now() + 60_000).toISOString() });
    expect((await answered(rest(expiring.secret).GET('/v1/customers'))).status).toBe(200);
    // Time passes: the key's expiry is now behind us.
    await executeSql(
      sql`UPDATE api_keys SET expires_at = ${new Date(Date.now() - 1000).toISOString()} WHERE id = ${expiring.apiKey.id}`,
    );
    expect((await answered(rest(expiring.secret).GET('/v1/customers'))).status).toBe(401);
    const future = await createKey(t, ['customers:read'], { expiresAt: '2999-01-01T00:00:00Z' });
    expect(future.apiKey).toMatchObject({ expiresAt: '2999-01-01T00:00:00.000Z' });
    expect((await answered(rest(future.secret).GET('/v1/customers'))).status).toBe(200);
  });

  it('is managed by owners and admins only, and never grants more than its creator holds', async () => {
    const t = await createTenant();
    const manager = await createUserWithRole(t, 'manager');
    const denied = await answered(
      rest(manager.token).POST('/v1/api-keys', { body: { name: 'x', scopes: ['customers:read'] } }),
    );
    expect(denied.status).toBe(403);
    expect((await answered(rest(manager.token).GET('/v1/api-keys'))).status).toBe(403);

    const admin = await createUserWithRole(t, 'admin');
    const adminKey = await createKey(admin, ['customers:read']);
    expect(adminKey.apiKey.scopes).toEqual(['customers:read']);

    // A key that may manage keys can only hand out what it holds itself.
    const manager2 = await createKey(t, ['api_keys:manage', 'customers:read']);
    const escalate = await answered(
      rest(manager2.secret).POST('/v1/api-keys', {
        body: { name: 'escalate', scopes: ['customers:read', 'customers:write'] },
      }),
    );
    expect(escalate.status).toBe(403);
    expect(escalate.body.code).toBe('FORBIDDEN');
    const narrower = await answered(
      rest(manager2.secret).POST('/v1/api-keys', { body: { name: 'narrower', scopes: ['customers:read'] } }),
    );
    expect(narrower.status).toBe(201);

    // Untyped: a scope that does not exist.
    const unknownScope = await api('POST', '/v1/api-keys', { name: 'x', scopes: ['root'] }, { token: t.token });
    expect(unknownScope.status).toBe(400);
    const noScopes = await answered(rest(t.token).POST('/v1/api-keys', { body: { name: 'x', scopes: [] } }));
    expect(noScopes.status).toBe(400);
  });

  it('carries its owner’s authority: refused while the owner is deactivated, narrowed by a lesser role', async () => {
    const t = await createTenant();
    const admin = await createUserWithRole(t, 'admin');
    const key = await createKey(admin, ['customers:read', 'customers:write', 'users:read', 'api_keys:manage']);
    expect(key.apiKey).toMatchObject({ createdBy: admin.id, ownerId: admin.id });
    // A key made by this key belongs to the same user.
    const child = await answered(
      rest(key.secret).POST('/v1/api-keys', { body: { name: 'child', scopes: ['customers:read'] } }),
    );
    expect(child.status).toBe(201);
    expect(child.body.apiKey).toMatchObject({ createdBy: key.apiKey.id, ownerId: admin.id });
    const childSecret = child.body.secret;
    const customers = async (secret: string) => (await answered(rest(secret).GET('/v1/customers'))).status;

    const deactivate = await answered(
      rest(t.token).PATCH('/v1/users/{id}', { params: { path: { id: admin.id } }, body: { active: false } }),
    );
    expect(deactivate.status).toBe(200);
    for (const secret of [key.secret, childSecret]) {
      const res = await answered(rest(secret).GET('/v1/customers'));
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ code: 'UNAUTHENTICATED' });
      expect(res.body.detail).toContain('no longer active');
    }

    // Active again, as a viewer: the keys work, but only for what a viewer may do.
    await answered(
      rest(t.token).PATCH('/v1/users/{id}', {
        params: { path: { id: admin.id } },
        body: { active: true, role: 'viewer' },
      }),
    );
    expect(await customers(key.secret)).toBe(200);
    expect((await answered(rest(key.secret).GET('/v1/users'))).status).toBe(200);
    expect((await answered(rest(key.secret).POST('/v1/customers', { body: { name: 'Nope' } }))).status).toBe(403);
    expect((await answered(rest(key.secret).GET('/v1/api-keys'))).status).toBe(403);
    expect(await customers(childSecret)).toBe(200);

    await answered(
      rest(t.token).PATCH('/v1/users/{id}', { params: { path: { id: admin.id } }, body: { role: 'admin' } }),
    );
    expect((await answered(rest(key.secret).POST('/v1/customers', { body: { name: 'Back' } }))).status).toBe(201);
  });

  it('belongs to one tenant: it sees only that tenant and cannot be revoked by another', async () => {
    const a = await createTenant();
    const b = await createTenant();
    const aCustomer = await createCustomer(a.token, { name: 'A only' });
    const bCustomer = await createCustomer(b.token, { name: 'B only' });
    const { apiKey, secret } = await createKey(a, ['customers:read', 'customers:write']);

    const list = await answered(rest(secret).GET('/v1/customers'));
    expect(list.body.data.map((c: { id: string }) => c.id)).toEqual([aCustomer.id]);
    expect(
      (await answered(rest(secret).GET('/v1/customers/{id}', { params: { path: { id: bCustomer.id } } }))).status,
    ).toBe(404);
    expect(
      (
        await answered(
          rest(secret).PATCH('/v1/customers/{id}', { params: { path: { id: bCustomer.id } }, body: { name: 'x' } }),
        )
      ).status,
    ).toBe(404);

    const foreignRevoke = await answered(
      rest(b.token).POST('/v1/api-keys/{id}/revoke', { params: { path: { id: apiKey.id } } }),
    );
    expect(foreignRevoke.status).toBe(404);
    expect(foreignRevoke.body.code).toBe('NOT_FOUND');
    expect((await answered(rest(b.token).GET('/v1/api-keys'))).body.data).toEqual([]);
    expect((await answered(rest(secret).GET('/v1/customers'))).status).toBe(200);
  });

  it('records creation and revocation as events without the secret', async () => {
    const t = await createTenant();
    const { apiKey, secret } = await createKey(t, ['customers:read']);
    await answered(rest(t.token).POST('/v1/api-keys/{id}/revoke', { params: { path: { id: apiKey.id } } }));
    const events = await answered(rest(t.token).GET('/v1/events', { params: { query: { since: 0 } } }));
    const mine = events.body.data.filter((e) => e.entityId === apiKey.id);
    expect(mine.map((e) => e.type)).toEqual(['api_key:created', 'api_key:revoked']);
    const serialized = JSON.stringify(mine);
    expect(serialized).not.toContain(secret);
    expect(serialized).not.toContain('keyHash');
  });
});

describe('API keys: a retried creation', () => {
  it('keeps no secret in the idempotency store and answers a retry 409 naming the key, creating no second one', async () => {
    const t = await createTenant();
    const body: CreateApiKey = { name: 'ERP sync', scopes: ['customers:read'] };
    const header = { 'idempotency-key': 'create-erp-key' };
    const first = await answered(rest(t.token).POST('/v1/api-keys', { params: { header }, body }));
    expect(first.status).toBe(201);
    const stored = await testDb()
      .select({ body: idempotencyKeys.responseBody })
      .from(idempotencyKeys)
      .where(eq(idempotencyKeys.key, 'create-erp-key'));
    expect(stored).toHaveLength(1);
    expect(stored[0]?.body).not.toContain(first.body.secret);
    expect(stored[0]?.body).toContain(first.body.apiKey.id);

    // Untyped: the refusal's `apiKeyId` is not in the OpenAPI document's Problem schema.
    const retry = await api('POST', '/v1/api-keys', body, { token: t.token, headers: header });
    expect([retry.status, retry.body.code, retry.body.apiKeyId]).toEqual([409, 'ALREADY_EXISTS', first.body.apiKey.id]);
    expect(retry.body.detail).toContain('shown only once');
    expect(JSON.stringify(retry.body)).not.toContain(first.body.secret);
    const keys = await answered(rest(t.token).GET('/v1/api-keys'));
    expect(keys.body.data.map((k) => k.id)).toEqual([first.body.apiKey.id]);
    // Revocation (no secret in its answer) still replays as stored.
    const revoke = {
      params: { path: { id: first.body.apiKey.id }, header: { 'idempotency-key': 'revoke-erp-key' } },
    };
    const revoked = await answered(rest(t.token).POST('/v1/api-keys/{id}/revoke', revoke));
    const again = await answered(rest(t.token).POST('/v1/api-keys/{id}/revoke', revoke));
    expect([again.status, again.headers.get('idempotent-replayed')]).toEqual([revoked.status, 'true']);
  });
});
