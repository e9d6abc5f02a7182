/**
 * The audit log (docs/security.md, Audit log): writes from the event log with their actor and request,
 * sign-ins, sign-outs, refresh reuse and downloads from `audit_log`, read by owners and admins only,
 * filtered, paged by cursor, exported as CSV, kept for the plan's retention and never changed.
 */
import type { operations } from '@fieldline/client/rest';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { newId } from '../../src/lib/ids';
import { sweepAuditLog } from '../../src/services/audit.service';
import { api } from '../helpers/api';
import { systemContext } from '../helpers/context';
import { parseCsv } from '../helpers/csv';
import { executeSql, rotatedAgo, testDatabaseKind } from '../helpers/db';
import { createTenant, createUserWithRole, DEFAULT_PASSWORD, type TestTenant } from '../helpers/factories';
import { answered, answeredJson, ok, rest } from '../helpers/rest';

type AuditQuery = NonNullable<operations['listAuditLog']['parameters']['query']>;

const audit = (t: { token: string }, query: AuditQuery = {}) =>
  answeredJson(rest(t.token).GET('/v1/audit', { params: { query } }));
const createCustomer = (token: string, name: string) => answered(rest(token).POST('/v1/customers', { body: { name } }));
/** Untyped wherever it is sent: the client address goes in a forged CF-Connecting-IP header. */
const FROM = { 'cf-connecting-ip': '203.0.113.7', 'user-agent': 'FieldlineTest/1.0 (audit)' };

async function login(email: string, password: string, tenantId?: string) {
  return api('POST', '/v1/auth/login', { email, password, ...(tenantId ? { tenantId } : {}) }, { headers: FROM });
}

describe('writes', () => {
  it('records each write with its actor, client address, user agent and request id', async () => {
    const t = await createTenant();
    const created = await api('POST', '/v1/customers', { name: 'Audited Ltd' }, { token: t.token, headers: FROM });
    expect(created.status).toBe(201);
    const res = await audit(t, { entityId: created.body.id });
    expect(res.status).toBe(200);
    expect(res.body.data).toHaveLength(1);
    expect(res.body.data[0]).toMatchObject({
      action: 'customer:created',
      source: 'write',
      actor: { type: 'user', id: t.ownerId, name: 'Olive Owner' },
      entity: { type: 'customer', id: created.body.id },
      clientIp: '203.0.113.7',
      userAgent: 'FieldlineTest/1.0 (audit)',
      requestId: created.headers.get('x-request-id'),
    });
    expect(res.body.data[0]?.detail.name).toBe('Audited Ltd');
  });

  it('names an API key as the actor of its writes', async () => {
    const t = await createTenant();
    const key = await answered(
      rest(t.token).POST('/v1/api-keys', { body: { name: 'ERP sync', scopes: ['customers:write'] } }),
    );
    // Untyped: the key goes in the X-API-Key header.
    const created = await api(
      'POST',
      '/v1/customers',
      { name: 'By Key' },
      { headers: { 'x-api-key': key.body.secret } },
    );
    const res = await audit(t, { entityId: created.body.id });
    expect(res.body.data[0]?.actor).toEqual({ type: 'api_key', id: key.body.apiKey.id, name: 'ERP sync' });
    // The key's creation and the role change of a user are writes too.
    const keys = await audit(t, { action: 'api_key:*' });
    expect(keys.body.data.map((e) => e.action)).toEqual(['api_key:created']);
  });
});

describe('access', () => {
  it('records failed, throttled and successful sign-ins, and sign-outs', async () => {
    const t = await createTenant();
    expect((await login(t.ownerEmail, 'not the password at all')).status).toBe(401);
    const ok = await login(t.ownerEmail, DEFAULT_PASSWORD);
    expect(ok.status).toBe(200);
    expect(
      (await api('POST', '/v1/auth/logout', { refreshToken: ok.body.refreshToken }, { headers: FROM })).status,
    ).toBe(204);
    const res = await audit(t, { action: 'auth:*' });
    const actions = res.body.data.map((e) => e.action);
    expect(actions).toEqual(['auth:signed_out', 'auth:signed_in', 'auth:sign_in_failed']);
    const failed = res.body.data[2];
    expect(failed).toMatchObject({
      source: 'access',
      actor: { type: 'anonymous', id: null },
      entity: { type: 'user', id: t.ownerId },
      detail: { reason: 'wrong_password' },
      clientIp: '203.0.113.7',
      userAgent: 'FieldlineTest/1.0 (audit)',
    });
    expect(res.body.data[1]?.actor).toMatchObject({ type: 'user', id: t.ownerId, name: 'Olive Owner' });

    // Past the free attempts, an attempt is refused unchecked: recorded as throttled.
    for (let i = 0; i < 6; i++) await login(t.ownerEmail, `wrong password ${i}`);
    const throttled = await audit(t, { action: 'auth:sign_in_throttled' });
    expect(throttled.body.data.length).toBeGreaterThanOrEqual(1);
  });

  it('records refresh-token reuse', async () => {
    const t = await createTenant();
    const refresh = () => answered(rest().POST('/v1/auth/refresh', { body: { refreshToken: t.refreshToken } }));
    expect((await refresh()).status).toBe(200);
    // Within the race grace a second refresh is a concurrent one (409), not reuse, and nothing is recorded.
    expect((await refresh()).body.code).toBe('CONFLICT');
    expect((await audit(t, { action: 'auth:refresh_reused' })).body.data).toEqual([]);
    // Presented again once the grace is over, it is reuse: the login ends, and the log says so.
    await rotatedAgo(t.refreshToken, 60_000);
    expect((await refresh()).body.code).toBe('TOKEN_REUSED');
    // That login's access token ended with it: the owner signs in again to read the log.
    const owner = await login(t.ownerEmail, DEFAULT_PASSWORD, t.tenantId);
    const res = await audit({ token: owner.body.accessToken }, { action: 'auth:refresh_reused' });
    expect(res.body.data).toHaveLength(1);
    expect(res.body.data[0]).toMatchObject({ action: 'auth:refresh_reused', entity: { type: 'user', id: t.ownerId } });
  });

  it('records report downloads and imports', async () => {
    const t = await createTenant();
    // Untyped: the answer is a PDF; then a raw CSV upload.
    const pdf = await api('GET', '/v1/analytics/sales-performance?format=pdf', undefined, { token: t.token });
    expect(pdf.status).toBe(200);
    const json = await answeredJson(rest(t.token).GET('/v1/analytics/sales-performance'));
    expect(json.status).toBe(200);
    const imported = await api('POST', '/v1/imports?kind=customers&fileName=shops.csv', undefined, {
      token: t.token,
      headers: { 'content-type': 'text/csv' },
      raw: 'name,city\nCorner Shop,Leeds\n',
    });
    expect(imported.status).toBe(201);
    const res = await audit(t, { source: 'access' });
    const byAction = (action: string) => res.body.data.filter((e) => e.action === action);
    // Reading a report in the product is not a download; the PDF is.
    expect(byAction('export:downloaded')).toHaveLength(1);
    expect(byAction('export:downloaded')[0]?.detail).toMatchObject({
      export: '/v1/analytics/sales-performance',
      format: 'pdf',
    });
    expect(byAction('import:started')[0]).toMatchObject({
      entity: { type: 'import', id: imported.body.id },
      detail: { kind: 'customers', fileName: 'shops.csv', rows: 1 },
    });
    // The rows it wrote are writes of their own.
    const writes = await audit(t, { action: 'customer:created' });
    expect(writes.body.data).toHaveLength(1);
  });

  it('writes nothing for an email no account has', async () => {
    const t = await createTenant();
    expect((await login('nobody-here@example.test', 'whatever it is')).status).toBe(401);
    const res = await audit(t, { source: 'access' });
    expect(res.body.data.map((e) => e.action)).not.toContain('auth:sign_in_failed');
  });
});

describe('reading', () => {
  it('is for owners and admins only', async () => {
    const t = await createTenant();
    const admin = await createUserWithRole(t, 'admin');
    expect((await audit(admin)).status).toBe(200);
    for (const role of ['manager', 'salesman', 'viewer'] as const) {
      const user = await createUserWithRole(t, role);
      const res = await audit(user);
      expect(res.status, role).toBe(403);
      expect(res.body.code).toBe('FORBIDDEN');
    }
  });

  it("never shows another organisation's entries", async () => {
    const a = await createTenant();
    const b = await createTenant();
    const created = await createCustomer(a.token, 'A only');
    await login(a.ownerEmail, 'wrong for a, surely');
    expect((await audit(b, { entityId: created.body.id })).body.data).toEqual([]);
    const all = await audit(b, { limit: 200 });
    const ids = all.body.data.flatMap((e) => [e.entity?.id, e.actor.id]);
    expect(ids).not.toContain(created.body.id);
    expect(ids).not.toContain(a.ownerId);
  });

  it('pages through both sources newest first, each entry once', async () => {
    const t = await createTenant();
    for (let i = 0; i < 4; i++) {
      ok(await rest(t.token).POST('/v1/products', { body: { sku: `P-${i}`, name: `Product ${i}`, priceMinor: 100 } }));
      await login(t.ownerEmail, DEFAULT_PASSWORD);
    }
    const whole = (await audit(t, { limit: 200 })).body.data;
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await audit(t, { limit: 3, ...(cursor ? { cursor } : {}) });
      expect(page.status).toBe(200);
      expect(page.body.data.length).toBeLessThanOrEqual(3);
      seen.push(...page.body.data.map((e) => e.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(whole.map((e) => e.id));
    expect(new Set(seen).size).toBe(seen.length);
    const times = whole.map((e) => Date.parse(e.at));
    expect(times).toEqual([...times].sort((x, y) => y - x));
    expect(whole.filter((e) => !e.id.startsWith('e:')).length).toBeGreaterThanOrEqual(4);
  });

  it('filters by time, with instants in any offset', async () => {
    const t = await createTenant();
    const created = await createCustomer(t.token, 'Timed Ltd');
    // Now's UTC clock reading, marked +01:00: the instant an hour ago.
    const hourAgo = new Date().toISOString().replace('Z', '+01:00');
    const since = await audit(t, { entityId: created.body.id, from: hourAgo });
    expect(since.body.data).toHaveLength(1);
    const until = await audit(t, { entityId: created.body.id, to: hourAgo });
    expect(until.body.data).toHaveLength(0);
  });

  it('refuses a forged cursor and a malformed filter with 400', async () => {
    const t = await createTenant();
    const queries: AuditQuery[] = [
      { cursor: 'not-a-cursor' },
      { cursor: 'eyJlIjotNX0' },
      { action: 'DROP TABLE' },
      { from: 'yesterday' },
    ];
    for (const query of queries) {
      const res = await audit(t, query);
      expect(res.status, JSON.stringify(query)).toBe(400);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
    }
  });

  it('downloads the entries as CSV and records the download', async () => {
    const t = await createTenant();
    await api('POST', '/v1/customers', { name: '=HYPERLINK("x")' }, { token: t.token, headers: FROM });
    // Untyped: the answer is CSV.
    const res = await api('GET', '/v1/audit?format=csv', undefined, { token: t.token });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="audit-\d{4}-\d{2}-\d{2}\.csv"$/);
    const rows = parseCsv((res.body as string).replace(/^\ufeff/, ''));
    expect(rows[0]).toEqual([
      'at',
      'action',
      'source',
      'actor_type',
      'actor_id',
      'actor_name',
      'entity_type',
      'entity_id',
      'client_ip',
      'user_agent',
      'request_id',
      'detail',
    ]);
    const customerRow = rows.find((r) => r[1] === 'customer:created');
    expect(customerRow?.[8]).toBe('203.0.113.7');
    const downloads = await audit(t, { action: 'export:downloaded' });
    expect(downloads.body.data[0]).toMatchObject({
      actor: { type: 'user', id: t.ownerId },
      detail: { export: 'audit' },
    });
  });
});

describe('retention and immutability', () => {
  async function oldEntry(t: TestTenant, daysAgo: number) {
    const id = newId();
    const at = new Date(Date.now() - daysAgo * 86_400_000).toISOString();
    const detail = testDatabaseKind() === 'postgres' ? sql`'{}'::jsonb` : sql`'{}'`;
    await executeSql(
      sql`INSERT INTO audit_log (tenant_id, id, at, action, actor_type, actor_id, detail)
          VALUES (${t.tenantId}, ${id}, ${at}, 'auth:signed_in', 'user', ${t.ownerId}, ${detail})`,
    );
    return id;
  }

  it('shows only what the plan keeps, and the sweep deletes older entries', async () => {
    const t = await createTenant(); // free: 30 days
    const kept = await oldEntry(t, 29);
    const expired = await oldEntry(t, 31);
    const ids = (await audit(t, { source: 'access', limit: 200 })).body.data.map((e) => e.id);
    expect(ids).toContain(kept);
    expect(ids).not.toContain(expired);
    expect(await sweepAuditLog(systemContext(t.tenantId))).toBeGreaterThanOrEqual(1);
    const left = await executeSql<{ id: string }>(sql`SELECT id FROM audit_log WHERE tenant_id = ${t.tenantId}`);
    expect(left.rows.map((r) => String(r.id))).toContain(kept);
    expect(left.rows.map((r) => String(r.id))).not.toContain(expired);
  });

  it('has no way to change an entry: no route, and the database refuses updates', async () => {
    const t = await createTenant();
    const id = await oldEntry(t, 1);
    // Untyped: methods the audit log does not have.
    for (const method of ['PATCH', 'PUT', 'DELETE', 'POST']) {
      const res = await api(method, `/v1/audit`, {}, { token: t.token });
      expect([404, 405], method).toContain(res.status);
    }
    await expect(
      executeSql(sql`UPDATE audit_log SET action = 'auth:signed_out' WHERE tenant_id = ${t.tenantId} AND id = ${id}`),
    ).rejects.toThrow(/append-only/);
  });
});

describe('GraphQL (read-only)', () => {
  // Untyped: GraphQL is not in the OpenAPI document.
  const gql = (token: string, query: string) => api('POST', '/graphql', { query }, { token });

  it('reads the same entries, and refuses non-admins', async () => {
    const t = await createTenant();
    const created = await createCustomer(t.token, 'Seen by GraphQL');
    const res = await gql(
      t.token,
      `{ auditLog(entityId: "${created.body.id}", first: 5) { entries { action source actor { type name } entity { id } } nextCursor } }`,
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.auditLog).toEqual({
      entries: [
        {
          action: 'customer:created',
          source: 'write',
          actor: { type: 'user', name: 'Olive Owner' },
          entity: { id: created.body.id },
        },
      ],
      nextCursor: null,
    });
    const manager = await createUserWithRole(t, 'manager');
    const refused = await gql(manager.token, '{ auditLog { entries { id } } }');
    expect(refused.body.errors[0].extensions.code).toBe('FORBIDDEN');
    const bad = await gql(t.token, '{ auditLog(action: "DROP TABLE") { entries { id } } }');
    expect(bad.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    const usage = await gql(t.token, '{ usage { plan enforced limits { auditRetentionDays } rest { policy limit } } }');
    expect(usage.body.data.usage).toMatchObject({ plan: 'free', enforced: true, limits: { auditRetentionDays: 30 } });
    expect(usage.body.data.usage.rest.map((r: { policy: string }) => r.policy)).toEqual(['org', 'credential']);
  });
});
