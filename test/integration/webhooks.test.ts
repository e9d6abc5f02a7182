import type { components, paths } from '@fieldline/client/rest';
import { sql } from 'drizzle-orm';
import { assert, describe, expect, inject, it } from 'vitest';
import { composeEndpointDisabledMail } from '../../src/outbound/endpoint-disabled-mail';
import { matchesEventTypes } from '../../src/outbound/event-filter';
import { webhookUrlProblem } from '../../src/outbound/url-safety';
import { api } from '../helpers/api';
import { executeSql } from '../helpers/db';
import { createCustomer, createTenant, createUserWithRole, type TestTenant, unique } from '../helpers/factories';
import { parseCleanMail } from '../helpers/mail';
import { answered, ok, rest } from '../helpers/rest';

type Schemas = components['schemas'];
type ReplayBody = NonNullable<paths['/v1/webhooks/{id}/replay']['post']['requestBody']>['content']['application/json'];
const byId = (id: string) => ({ params: { path: { id } } });

/**
 * Webhooks end to end: endpoints made over the API, events committed by ordinary writes, delivered by the
 * real queue consumer to a real HTTP receiver (test/receivers/webhook-receiver.ts, run in Node), which
 * verifies every signature with the `standardwebhooks` package. Retries come after 1 s here
 * (WEBHOOK_RETRY_SCHEDULE=1,1,1 in vitest.workers.ts) and an attempt times out after 1.5 s.
 */

const receiver = () => inject('receivers').webhooks;

interface Received {
  webhookId: string;
  type: string;
  seq: number;
  tenantId: string;
  signatures: number;
  body: { type: string; timestamp: string; data: { entityId: string; object: Record<string, unknown> } };
}
interface HookState {
  received: Received[];
  refused: { webhookId: string | null; reason: string }[];
  requests: { webhookId: string | null; answered: number | 'timeout' }[];
}

async function hook(name: string, config: Record<string, unknown>) {
  const res = await fetch(`${receiver()}/_control/hooks/${name}`, { method: 'PUT', body: JSON.stringify(config) });
  expect(res.status).toBe(200);
}

async function hookState(name: string): Promise<HookState> {
  const res = await fetch(`${receiver()}/_control/hooks/${name}`);
  return (await res.json()) as HookState;
}

async function waitFor<T>(probe: () => Promise<T | null | undefined | false>, what: string, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A receiving hook and an endpoint pointing at it, told each other's secret. */
async function endpointFor(t: TestTenant, body: Partial<Schemas['CreateWebhookEndpoint']> = {}) {
  const name = `h${unique()}`;
  await hook(name, { secrets: [] });
  const res = ok(
    await rest(t.token).POST('/v1/webhooks', { body: { url: `${receiver()}/hooks/${name}`, ...body } }),
    201,
  );
  await hook(name, { secrets: [res.secret] });
  return { name, id: res.endpoint.id, secret: res.secret };
}

const deliveries = async (t: TestTenant, endpointId: string) =>
  (
    await answered(
      rest(t.token).GET('/v1/webhooks/{id}/deliveries', {
        params: { path: { id: endpointId }, query: { limit: 200 } },
      }),
    )
  ).body.data;

const receivedCount = (name: string, n: number) => async () => {
  const state = await hookState(name);
  return state.received.length >= n ? state : null;
};

describe('webhook endpoints', () => {
  it('shows the secret once, never again, and refuses URLs and event types it cannot use', async () => {
    const t = await createTenant();
    const created = await answered(
      rest(t.token).POST('/v1/webhooks', {
        // Disabled: nothing is sent to a host that does not exist.
        body: { url: 'https://erp.example.com/hooks', description: 'ERP', eventTypes: ['order:*'], enabled: false },
      }),
    );
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(created.body.endpoint).toMatchObject({ url: 'https://erp.example.com/hooks', eventTypes: ['order:*'] });
    const id = created.body.endpoint.id;
    const read = await answered(rest(t.token).GET('/v1/webhooks/{id}', byId(id)));
    expect(read.status).toBe(200);
    expect(JSON.stringify(read.body)).not.toContain('whsec_');
    const list = await answered(rest(t.token).GET('/v1/webhooks'));
    expect(list.body.data.map((e) => e.id)).toEqual([id]);
    expect(list.body.data[0]?.url).toBe('https://erp.example.com/hooks');
    expect(JSON.stringify(list.body)).not.toContain('whsec_');

    const create = (body: Schemas['CreateWebhookEndpoint']) => answered(rest(t.token).POST('/v1/webhooks', { body }));
    for (const url of ['ftp://example.com/x', 'https://user:pw@example.com/x', 'not a url']) {
      const bad = await create({ url });
      expect(bad.status, url).toBe(400);
      expect(bad.body.code).toBe('VALIDATION_FAILED');
      expect(bad.body.errors?.[0]?.path).toBe('json.url');
    }
    const badType = await create({ url: 'https://example.com/x', eventTypes: ['Order Created'] });
    expect(badType.status).toBe(400);
    // The log (read by viewers too) carries no secret, and the URL without its query.
    const tokened = await create({ url: 'https://erp.example.com/in?token=receiver-s3cret', enabled: false });
    expect(tokened.status).toBe(201);
    const logged = await answered(
      rest(t.token).GET('/v1/events', { params: { query: { type: 'webhook_endpoint:created' } } }),
    );
    const payloads = JSON.stringify(logged.body.data);
    expect(logged.body.data.length).toBe(2);
    expect(payloads).not.toContain('whsec_');
    expect(payloads).not.toContain('receiver-s3cret');
    expect(payloads).toContain('https://erp.example.com/in"');
    await rest(t.token).DELETE('/v1/webhooks/{id}', byId(tokened.body.endpoint.id));
    const renamed = await answered(
      rest(t.token).PATCH('/v1/webhooks/{id}', { ...byId(id), body: { description: 'ERP (prod)' } }),
    );
    expect(renamed.body).toMatchObject({ description: 'ERP (prod)', version: 2 });
    const deleted = await answered(rest(t.token).DELETE('/v1/webhooks/{id}', byId(id)));
    expect(deleted.status).toBe(200);
    expect((await answered(rest(t.token).GET('/v1/webhooks/{id}', byId(id)))).status).toBe(404);
  });

  it('is for owners and admins only, and another tenant’s endpoint is not found', async () => {
    const t = await createTenant();
    const other = await createTenant();
    const { id } = await endpointFor(t);
    const manager = await createUserWithRole(t, 'manager');
    const admin = await createUserWithRole(t, 'admin');
    expect((await answered(rest(manager.token).GET('/v1/webhooks'))).status).toBe(403);
    expect((await answered(rest(admin.token).GET('/v1/webhooks/{id}', byId(id)))).status).toBe(200);
    const theirs = rest(other.token);
    const path = byId(id);
    for (const [route, call] of [
      ['GET /v1/webhooks/{id}', () => answered(theirs.GET('/v1/webhooks/{id}', path))],
      [
        'PATCH /v1/webhooks/{id}',
        () => answered(theirs.PATCH('/v1/webhooks/{id}', { ...path, body: { enabled: false } })),
      ],
      ['DELETE /v1/webhooks/{id}', () => answered(theirs.DELETE('/v1/webhooks/{id}', path))],
      ['POST /v1/webhooks/{id}/rotate-secret', () => answered(theirs.POST('/v1/webhooks/{id}/rotate-secret', path))],
      ['GET /v1/webhooks/{id}/deliveries', () => answered(theirs.GET('/v1/webhooks/{id}/deliveries', path))],
      [
        'POST /v1/webhooks/{id}/replay',
        () => answered(theirs.POST('/v1/webhooks/{id}/replay', { ...path, body: { fromSeq: 1 } })),
      ],
      ['POST /v1/webhooks/{id}/test', () => answered(theirs.POST('/v1/webhooks/{id}/test', path))],
    ] as const) {
      const res = await call();
      expect(res.status, route).toBe(404);
    }
    expect((await answered(rest(t.token).GET('/v1/webhooks/{id}', path))).body.version).toBe(1);
  });

  it('answers a retried creation 409 naming the endpoint, without a second one or the secret again', async () => {
    const t = await createTenant();
    const header = { 'idempotency-key': `wh-${unique()}` };
    const body = { url: 'https://erp.example.com/hooks', enabled: false };
    const first = await answered(rest(t.token).POST('/v1/webhooks', { params: { header }, body }));
    expect(first.status).toBe(201);
    // Untyped: the refusal's `endpointId` is not in the OpenAPI document's Problem schema.
    const retry = await api('POST', '/v1/webhooks', body, { token: t.token, headers: header });
    expect(retry.status).toBe(409);
    expect(retry.body).toMatchObject({ code: 'ALREADY_EXISTS', endpointId: first.body.endpoint.id });
    expect(JSON.stringify(retry.body)).not.toContain('whsec_');
    expect((await answered(rest(t.token).GET('/v1/webhooks'))).body.data).toHaveLength(1);
  });
});

describe('webhook delivery', () => {
  it('delivers each event once, signed, in seq order, with the filters the endpoint chose', async () => {
    const t = await createTenant();
    const all = await endpointFor(t, { eventTypes: ['customer:*'] });
    const created = await endpointFor(t, { eventTypes: ['customer:created'] });
    const customers: string[] = [];
    for (let i = 0; i < 4; i++) customers.push((await createCustomer(t.token, { name: `Shop ${i}` })).id);
    const [firstCustomer] = customers;
    assert.isDefined(firstCustomer);
    await rest(t.token).PATCH('/v1/customers/{id}', { ...byId(firstCustomer), body: { notes: 'Open on Sundays' } });

    const everything = await waitFor(receivedCount(all.name, 5), 'five deliveries');
    const onlyCreated = await waitFor(receivedCount(created.name, 4), 'four creations');
    expect(everything.refused).toEqual([]);
    expect(everything.received.map((r) => r.type)).toEqual([
      'customer:created',
      'customer:created',
      'customer:created',
      'customer:created',
      'customer:updated',
    ]);
    const seqs = everything.received.map((r) => r.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(everything.received.map((r) => r.webhookId)).size).toBe(5);
    expect(everything.received.every((r) => r.tenantId === t.tenantId && r.signatures === 1)).toBe(true);
    expect(everything.received[0]?.body.data).toMatchObject({ entityId: customers[0], object: { name: 'Shop 0' } });
    expect(onlyCreated.received.map((r) => r.body.data.entityId)).toEqual(customers);
    // Another endpoint gets other ids for the same events.
    expect(onlyCreated.received[0]?.webhookId).not.toBe(everything.received[0]?.webhookId);

    const log = await waitFor(async () => {
      const rows = await deliveries(t, all.id);
      return rows.length === 5 && rows.every((d) => d.status === 'delivered') ? rows : null;
    }, 'the delivery log');
    expect(log.map((d) => d.seq)).toEqual([...seqs].reverse());
    expect(log.every((d) => d.attempts === 1 && d.responseStatus === 204)).toBe(true);
    // Nothing more arrives later: no duplicates.
    await new Promise((r) => setTimeout(r, 1500));
    expect((await hookState(all.name)).received).toHaveLength(5);
  });

  it('retries after 500s and a timeout with the same webhook-id, and records every attempt', async () => {
    const t = await createTenant();
    const endpoint = await endpointFor(t, { eventTypes: ['customer:*'] });
    await hook(endpoint.name, { status: 500, failTimes: 2 });
    const customer = await createCustomer(t.token, { name: 'Retry Shop' });
    const state = await waitFor(receivedCount(endpoint.name, 1), 'the delivery after two 500s');
    expect(state.requests.map((r) => r.answered)).toEqual([500, 500, 204]);
    expect(new Set(state.requests.map((r) => r.webhookId)).size).toBe(1);
    expect(state.received[0]?.body.data.entityId).toBe(customer.id);
    const delivered = async () => {
      const [newest] = await deliveries(t, endpoint.id);
      return newest?.status === 'delivered' ? newest : null;
    };
    expect(await waitFor(delivered, 'the log')).toMatchObject({ attempts: 3, responseStatus: 204 });

    // A receiver slower than the timeout: the attempt counts as failed and is retried.
    await hook(endpoint.name, { delayMs: 2500 });
    await createCustomer(t.token, { name: 'Slow Shop' });
    await waitFor(async () => (await hookState(endpoint.name)).requests.length >= 4, 'the slow attempt');
    await hook(endpoint.name, { delayMs: 0 });
    const after = await waitFor(receivedCount(endpoint.name, 2), 'the retry after a timeout', 30_000);
    expect(after.received[1]?.body.data.object).toMatchObject({ name: 'Slow Shop' });
    expect((await waitFor(delivered, 'the log')).attempts).toBeGreaterThanOrEqual(2);
  });

  it('gives up after the last retry, and a replay sends the range again with the same ids', async () => {
    const t = await createTenant();
    const endpoint = await endpointFor(t, { eventTypes: ['customer:*'] });
    await hook(endpoint.name, { status: 503 });
    await createCustomer(t.token, { name: 'Down Shop' });
    const failed = await waitFor(async () => {
      const [row] = await deliveries(t, endpoint.id);
      return row?.status === 'failed' ? row : null;
    }, 'the delivery to be given up');
    expect(failed).toMatchObject({ attempts: 4, responseStatus: 503 });

    await hook(endpoint.name, { status: 204, failTimes: 0 });
    const replayFrom = (body: ReplayBody) =>
      answered(rest(t.token).POST('/v1/webhooks/{id}/replay', { ...byId(endpoint.id), body }));
    const replay = await replayFrom({ fromSeq: 1 });
    expect(replay.status).toBe(202);
    expect(replay.body).toMatchObject({ queued: 1, fromSeq: failed.seq, toSeq: failed.seq });
    const state = await waitFor(receivedCount(endpoint.name, 1), 'the replayed delivery');
    expect(state.received[0]?.webhookId).toBe(failed.id);
    expect((await deliveries(t, endpoint.id))[0]).toMatchObject({ status: 'delivered', attempts: 1 });
    const missingStart = await replayFrom({});
    expect(missingStart.status).toBe(400);
  });

  it('signs with both secrets during a rotation, and a receiver with either verifies', async () => {
    const t = await createTenant();
    const endpoint = await endpointFor(t, { eventTypes: ['customer:*'] });
    const rotated = await answered(rest(t.token).POST('/v1/webhooks/{id}/rotate-secret', byId(endpoint.id)));
    expect(rotated.status).toBe(201);
    expect(rotated.body.secret).not.toBe(endpoint.secret);
    expect(Date.parse(rotated.body.endpoint.previousSecretExpiresAt ?? '') - Date.now()).toBeGreaterThan(
      23 * 3_600_000,
    );
    // This receiver has only the old secret; a second one only the new.
    const fresh = `h${unique()}`;
    await hook(fresh, { secrets: [rotated.body.secret] });
    await createCustomer(t.token, { name: 'Rotated Shop' });
    const old = await waitFor(receivedCount(endpoint.name, 1), 'a delivery verified with the old secret');
    expect(old.received[0]?.signatures).toBe(2);
    await rest(t.token).PATCH('/v1/webhooks/{id}', {
      ...byId(endpoint.id),
      body: { url: `${receiver()}/hooks/${fresh}` },
    });
    await createCustomer(t.token, { name: 'Second Shop' });
    const next = await waitFor(receivedCount(fresh, 1), 'a delivery verified with the new secret');
    expect(next.refused).toEqual([]);
  });

  it('disables an endpoint that has failed everything for too long', async () => {
    const t = await createTenant();
    const endpoint = await endpointFor(t, { eventTypes: ['customer:*'] });
    await hook(endpoint.name, { status: 500 });
    await createCustomer(t.token, { name: 'First failure' });
    await waitFor(async () => (await hookState(endpoint.name)).requests.length >= 1, 'a failed attempt');
    // As if it had been failing for four days (WEBHOOK_DISABLE_AFTER_HOURS is 72).
    await executeSql(
      sql`UPDATE webhook_endpoints SET failing_since = ${new Date(Date.now() - 96 * 3_600_000).toISOString()} WHERE id = ${endpoint.id}`,
    );
    await createCustomer(t.token, { name: 'Last straw' });
    const disabled = await waitFor(async () => {
      const res = await answered(rest(t.token).GET('/v1/webhooks/{id}', byId(endpoint.id)));
      return res.body.enabled === false ? res.body : null;
    }, 'the endpoint to be disabled');
    expect(disabled).toMatchObject({ disabledReason: 'failing' });
    const events = await answered(
      rest(t.token).GET('/v1/events', { params: { query: { type: 'webhook_endpoint:disabled' } } }),
    );
    expect(events.status).toBe(200);
    // Enabled again by hand: healthy, and it delivers.
    await hook(endpoint.name, { status: 204, failTimes: 0 });
    const enabled = await answered(
      rest(t.token).PATCH('/v1/webhooks/{id}', { ...byId(endpoint.id), body: { enabled: true } }),
    );
    expect(enabled.body).toMatchObject({ enabled: true, disabledReason: null, failingSince: null });
    await createCustomer(t.token, { name: 'Back online' });
    // What was pending when it was disabled goes out too, in order (the first failure as well, unless
    // its retries ran out before the endpoint was disabled).
    const names = await waitFor(async () => {
      const got = (await hookState(endpoint.name)).received.map((r) => r.body.data.object.name);
      return got.includes('Back online') ? got : null;
    }, 'deliveries after enabling');
    expect(names.slice(-2)).toEqual(['Last straw', 'Back online']);
  });

  it('never sends one tenant’s events to another tenant’s endpoint', async () => {
    const a = await createTenant();
    const b = await createTenant();
    const endpoint = await endpointFor(a, { eventTypes: ['customer:*'] });
    await createCustomer(b.token, { name: 'B only' });
    await createCustomer(a.token, { name: 'A only' });
    const state = await waitFor(receivedCount(endpoint.name, 1), 'A’s delivery');
    await new Promise((r) => setTimeout(r, 1500));
    const after = await hookState(endpoint.name);
    expect(after.received.every((r) => r.tenantId === a.tenantId)).toBe(true);
    expect(after.received.map((r) => r.body.data.object.name)).toEqual(['A only']);
    expect(state.refused).toEqual([]);
  });

  it('sends a signed test message on request and answers what the receiver said', async () => {
    const t = await createTenant();
    const endpoint = await endpointFor(t);
    const test = () => answered(rest(t.token).POST('/v1/webhooks/{id}/test', byId(endpoint.id)));
    const res = await test();
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: true, status: 204, error: null });
    const state = await hookState(endpoint.name);
    expect(state.received.map((r) => [r.webhookId, r.type])).toEqual([[res.body.webhookId, 'webhook:test']]);
    await hook(endpoint.name, { status: 418 });
    const failing = await test();
    expect(failing.body).toMatchObject({ ok: false, status: 418, error: 'HTTP 418' });
  });
});

describe('webhook rules', () => {
  it('refuses URLs that do not lead to a public https host', () => {
    const refused = [
      'http://example.com/x',
      'https://localhost/x',
      'https://api.localhost/x',
      'https://intranet/x',
      'https://127.0.0.1/x',
      'https://10.1.2.3/x',
      'https://172.20.0.1/x',
      'https://192.168.1.10/x',
      'https://169.254.169.254/latest/meta-data',
      'https://100.64.0.1/x',
      'https://0.0.0.0/x',
      'https://[::1]/x',
      'https://[fd00::1]/x',
      'https://[fe80::1]/x',
      'https://[::ffff:127.0.0.1]/x',
      'https://printer.local/x',
      'https://db.internal/x',
    ];
    for (const url of refused) expect(webhookUrlProblem(url, false), url).not.toBeNull();
    for (const url of ['https://erp.example.com/hooks', 'https://8.8.8.8/x', 'https://[2001:db8::1]/x']) {
      expect(webhookUrlProblem(url, false), url).toBeNull();
    }
    // Local development and tests may use http on loopback; credentials stay refused.
    expect(webhookUrlProblem('http://127.0.0.1:9999/hooks', true)).toBeNull();
    expect(webhookUrlProblem('http://u:p@127.0.0.1:9999/hooks', true)).not.toBeNull();
  });

  it('tells the owner which endpoint was disabled, why, and how to turn it back on', async () => {
    const raw = composeEndpointDisabledMail({
      from: 'reports@fieldline.dev',
      to: 'owner@example.test',
      endpoint: {
        id: '0190f1c2-7a3e-7c3d-9a51-2f7f5e3b1a10',
        url: 'https://erp.example.com/hooks',
        description: 'ERP',
        failingSince: '2026-12-01T08:00:00.000Z',
      },
      lastError: 'HTTP 502',
      hours: 72,
      baseUrl: 'https://api.fieldline.dev',
    });
    const mail = await parseCleanMail(raw);
    expect(mail.subject).toBe('Webhook endpoint disabled: https://erp.example.com/hooks');
    expect(mail.to).toEqual([{ address: 'owner@example.test', name: '' }]);
    const text = mail.text ?? '';
    expect(text).toContain('ERP (https://erp.example.com/hooks)');
    expect(text).toContain('since 2026-12-01T08:00:00.000Z');
    expect(text).toContain('Last error: HTTP 502');
    expect(text).toContain('PATCH https://api.fieldline.dev/v1/webhooks/0190f1c2-7a3e-7c3d-9a51-2f7f5e3b1a10');
  });

  it('matches event types exactly, by family, or all', () => {
    expect(matchesEventTypes(['*'], 'order:created')).toBe(true);
    expect(matchesEventTypes(['order:*'], 'order:created')).toBe(true);
    expect(matchesEventTypes(['order:*'], 'orders:created')).toBe(false);
    expect(matchesEventTypes(['notification:*'], 'notification')).toBe(true);
    expect(matchesEventTypes(['customer:created'], 'customer:updated')).toBe(false);
  });
});
