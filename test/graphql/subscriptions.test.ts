import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { createCustomer, createTenant, type TestTenant } from '../helpers/factories';
import { answered, rest } from '../helpers/rest';
import { createOrder, createProduct, createSalesman } from '../helpers/sales-factories';
import { connect } from '../helpers/ws';
import { inHub } from '../realtime/support';

/** A GraphQL subscription over SSE (distinct connections), read from the Worker's streamed response. */
async function subscribe(token: string, query: string, variables: Record<string, unknown> = {}, signal?: AbortSignal) {
  const res = await exports.default.fetch(
    new Request('https://fieldline.test/graphql', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream', 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
      ...(signal ? { signal } : {}),
    }),
  );
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  /** The next `next` event's payload (skipping keep-alive comments); null once the stream completes. */
  async function next(timeoutMs = 8000): Promise<any> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (\w+)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event === 'complete') return null;
        if (event === 'next' && data) return JSON.parse(data);
        continue;
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no SSE event within ${timeoutMs} ms; buffered: ${buffer}`);
      const chunk = await Promise.race([
        reader.read(),
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error(`SSE timed out; buffered: ${buffer}`)), left),
        ),
      ]);
      if (chunk.done) return null;
      buffer += decoder.decode(chunk.value, { stream: true });
    }
  }
  return { status: res.status, contentType: res.headers.get('content-type'), next, close: () => reader.cancel() };
}

/**
 * A subscription the server refuses before it starts: the whole answer, read as text (a refusal is one
 * JSON document, not a stream).
 */
async function refusal(
  token: string,
  query: string,
  variables: Record<string, unknown> = {},
  accept = 'text/event-stream',
) {
  const res = await exports.default.fetch(
    new Request('https://fieldline.test/graphql', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, accept, 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    }),
  );
  const text = await res.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    // An SSE stream: kept as text so the assertion shows it.
  }
  return { status: res.status, contentType: res.headers.get('content-type'), body };
}

/** Open hub sockets of the tenant (the subscription's socket counts once it is connected). */
async function hubSockets(t: TestTenant) {
  const stats = await answered(rest(t.token).GET('/v1/realtime/stats'));
  return stats.body.connections.total as number;
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('GraphQL subscriptions over SSE', () => {
  it('delivers orderCreated for an order created over REST, and closes its hub socket when the client leaves', async () => {
    const t = await createTenant();
    const customer = await createCustomer(t.token, { name: 'Kiosk am Markt' });
    const product = await createProduct(t, { priceMinor: 300 });
    const sub = await subscribe(
      t.token,
      'subscription { orderCreated { uuid status totalMinor customer { name } lines { quantity } } }',
    );
    expect(sub.status).toBe(200);
    expect(sub.contentType).toContain('text/event-stream');
    await until(async () => (await hubSockets(t)) === 1, 'the subscription socket');

    const order = await createOrder(t, [{ productId: product, quantity: 2 }], { customerId: customer.id });
    const event = await sub.next();
    expect(event).toEqual({
      data: {
        orderCreated: {
          uuid: order.id,
          status: 'DRAFT',
          totalMinor: 600,
          customer: { name: 'Kiosk am Markt' },
          lines: [{ quantity: 2 }],
        },
      },
    });
    await sub.close();
    await until(async () => (await hubSockets(t)) === 0, 'the hub socket to close');
  });

  it("gives a salesman his own orders only, and refuses what his rooms don't carry", async () => {
    const t = await createTenant();
    const mine = await createSalesman(t);
    const other = await createSalesman(t);
    const customer = await createCustomer(t.token);
    const product = await createProduct(t);
    const sub = await subscribe(mine.token, 'subscription { orderCreated { uuid salesman { uuid } } }');
    await until(async () => (await hubSockets(t)) === 1, 'the subscription socket');
    await createOrder(t, [{ productId: product, quantity: 1 }], { customerId: customer.id }, other.token);
    const own = await createOrder(t, [{ productId: product, quantity: 1 }], { customerId: customer.id }, mine.token);
    expect(await sub.next()).toEqual({ data: { orderCreated: { uuid: own.id, salesman: { uuid: mine.salesmanId } } } });
    await sub.close();

    // Refused before it starts: one GraphQL error answer with HTTP 403, not a stream (nor a 500).
    for (const [field, query, variables] of [
      ['presenceChanged', 'subscription { presenceChanged { status } }', {}],
      ['stockLow', 'subscription { stockLow { available } }', {}],
      ['locationUpdated', 'subscription($s: ID) { locationUpdated(salesmanId: $s) { lat } }', { s: other.salesmanId }],
    ] as const) {
      const refused = await refusal(mine.token, query, variables);
      expect(refused.status, query).toBe(403);
      expect(refused.contentType, query).toContain('application/json');
      expect(refused.body, query).toEqual({
        errors: [expect.objectContaining({ path: [field], extensions: { code: 'FORBIDDEN', reason: 'FORBIDDEN' } })],
      });
    }
    // The same with the GraphQL-over-HTTP media type accepted besides the stream, and with JSON only.
    const strict = await refusal(
      mine.token,
      'subscription { presenceChanged { status } }',
      {},
      'text/event-stream, application/graphql-response+json',
    );
    expect(strict.status).toBe(403);
    expect(strict.contentType).toContain('application/graphql-response+json');
    expect(strict.body.errors[0].extensions.code).toBe('FORBIDDEN');
    const json = await refusal(mine.token, 'subscription { presenceChanged { status } }', {}, 'application/json');
    expect(json.status).toBe(403);
    expect(json.body.errors[0].extensions.code).toBe('FORBIDDEN');
    expect(await hubSockets(t)).toBe(0);
  });

  it("answers a subscription over the caller's socket cap with HTTP 429 RATE_LIMITED, not a stream", async () => {
    const t = await createTenant();
    const s = await createSalesman(t);
    await inHub(t.tenantId, (hub) => {
      hub.config = { ...hub.config, REALTIME_MAX_SOCKETS_PER_PRINCIPAL: 1 };
    });
    const open = await subscribe(s.token, 'subscription { orderCreated { uuid } }');
    expect(open.status).toBe(200);
    await until(async () => (await hubSockets(t)) === 1, 'the first subscription socket');

    const refused = await refusal(s.token, 'subscription { notification { title } }');
    expect(refused.status).toBe(429);
    expect(refused.contentType).toContain('application/json');
    expect(refused.body).toEqual({
      errors: [
        expect.objectContaining({
          path: ['notification'],
          extensions: { code: 'RATE_LIMITED', reason: 'RATE_LIMITED' },
        }),
      ],
    });
    // The manager (another principal) still subscribes.
    const manager = await subscribe(t.token, 'subscription { orderCreated { uuid } }');
    expect(manager.status).toBe(200);
    await until(async () => (await hubSockets(t)) === 2, 'the manager subscription socket');
    await open.close();
    await manager.close();
  });

  it('answers a subscription without a credential or with a malformed id with a status, not a stream', async () => {
    const anonymous = await refusal('', 'subscription { orderCreated { uuid } }');
    expect(anonymous.status).toBe(401);
    expect(anonymous.contentType).toContain('application/json');
    expect(anonymous.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const t = await createTenant();
    const badId = await refusal(t.token, 'subscription { locationUpdated(salesmanId: "nope") { lat } }');
    expect(badId.status).toBe(400);
    expect(badId.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('streams presence and live locations of a salesman connected over WebSocket to a manager', async () => {
    const t = await createTenant();
    const s = await createSalesman(t);
    const presence = await subscribe(t.token, 'subscription { presenceChanged { status salesman { uuid } } }');
    const locations = await subscribe(
      t.token,
      'subscription($s: ID) { locationUpdated(salesmanId: $s) { lat lng accuracy recordedAt salesman { uuid } } }',
      { s: s.salesmanId },
    );
    await until(async () => (await hubSockets(t)) === 2, 'both subscription sockets');
    const device = await connect(s.token);
    expect(await presence.next()).toEqual({
      data: { presenceChanged: { status: 'ONLINE', salesman: { uuid: s.salesmanId } } },
    });
    const ts = Date.now() - 1000;
    device.send({ type: 'location', lat: 52.52, lng: 13.405, accuracy: 8, ts });
    expect(await locations.next()).toEqual({
      data: {
        locationUpdated: {
          lat: 52.52,
          lng: 13.405,
          accuracy: 8,
          recordedAt: new Date(ts).toISOString(),
          salesman: { uuid: s.salesmanId },
        },
      },
    });
    device.close(1000);
    await presence.close();
    await locations.close();
  });

  it('delivers notifications sent over GraphQL to the salesman they were sent to', async () => {
    const t = await createTenant();
    const s = await createSalesman(t);
    const sub = await subscribe(s.token, 'subscription { notification { title body toEveryone } }');
    await until(async () => (await hubSockets(t)) === 1, 'the subscription socket');
    const sent = await exports.default.fetch(
      new Request('https://fieldline.test/graphql', {
        method: 'POST',
        headers: { authorization: `Bearer ${t.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          query:
            'mutation($s: ID) { sendNotification(input: { salesmanId: $s, title: "Call HQ", body: "Now" }) { title } }',
          variables: { s: s.salesmanId },
        }),
      }),
    );
    expect(sent.status).toBe(200);
    expect(await sub.next()).toEqual({ data: { notification: { title: 'Call HQ', body: 'Now', toEveryone: false } } });
    await sub.close();
  });

  it('has the hub send a subscription socket only the frames it asked for', async () => {
    const t = await createTenant();
    const a = await createSalesman(t);
    const b = await createSalesman(t);
    const sub = await subscribe(
      t.token,
      'subscription($s: ID) { locationUpdated(salesmanId: $s) { lat salesman { uuid } } }',
      { s: a.salesmanId },
    );
    await until(async () => (await hubSockets(t)) === 1, 'the subscription socket');
    // Record every frame the hub sends on the subscription's socket (the owner's only socket so far).
    const sent: string[] = [];
    await inHub(t.tenantId, (_hub, state) => {
      const sockets = state.getWebSockets(`principal:${t.ownerId}`);
      expect(sockets).toHaveLength(1);
      const ws = sockets[0] as WebSocket;
      const send = ws.send.bind(ws);
      ws.send = (frame: string | ArrayBuffer | ArrayBufferView) => {
        sent.push(String(frame));
        send(frame);
      };
    });
    // A dashboard of the same tenant sees everything; once it has, the subscription socket was offered it too.
    const dashboard = await connect(t.token);
    await dashboard.next((f) => f.type === 'welcome');
    const phoneA = await connect(a.token);
    const phoneB = await connect(b.token);
    const customer = await createCustomer(t.token);
    const ts = Date.now() - 1000;
    phoneB.send({ type: 'location', lat: 48.1, lng: 11.5, accuracy: 5, ts });
    phoneA.send({ type: 'location', lat: 52.5, lng: 13.4, accuracy: 5, ts });
    expect(await sub.next()).toEqual({ data: { locationUpdated: { lat: 52.5, salesman: { uuid: a.salesmanId } } } });
    await dashboard.next((f) => f.type === 'event' && f.event.entityId === customer.id);
    for (const who of [a.salesmanId, b.salesmanId]) {
      await dashboard.next((f) => f.type === 'locations' && f.locations.some((l: any) => l.salesmanId === who));
      await dashboard.next((f) => f.type === 'presence' && f.changes.some((c: any) => c.salesmanId === who));
    }

    const frames = sent.map((f) => JSON.parse(f));
    expect(frames.map((f) => f.type)).toEqual(['locations']);
    expect(frames[0].locations.map((l: any) => l.salesmanId)).toEqual([a.salesmanId]);
    expect(sent.join('\n')).not.toContain(b.salesmanId);
    for (const s of [dashboard, phoneA, phoneB]) s.close(1000);
    await sub.close();
  });

  it('closes the hub socket at once when the SSE client left while the subscription was opening it', async () => {
    const t = await createTenant();
    // Hold the subscription's upgrade at the hub until the client has gone.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let upgrades = 0;
    let handled = false;
    await inHub(t.tenantId, (hub) => {
      const fetch = hub.fetch.bind(hub);
      hub.fetch = async (request: Request) => {
        upgrades += 1;
        await gate;
        try {
          return await fetch(request);
        } finally {
          handled = true;
        }
      };
    });
    const client = new AbortController();
    const answer = subscribe(t.token, 'subscription { orderCreated { uuid } }', {}, client.signal).catch(() => null);
    await until(async () => upgrades === 1, 'the upgrade to reach the hub');
    client.abort();
    await answer;
    release();
    // Unless the hub notices the abort, it accepts the socket for nobody, and keeps it until the runtime gives
    // up on the abandoned request (tens of seconds).
    await until(async () => handled, 'the hub to handle the upgrade');
    await until(async () => (await hubSockets(t)) === 0, 'the hub socket to close', 3000);
  });
});
