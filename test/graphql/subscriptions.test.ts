import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { api } from '../helpers/api';
import { createCustomer, createTenant, type TestTenant } from '../helpers/factories';
import { createOrder, createProduct, createSalesman } from '../helpers/sales-factories';
import { connect } from '../helpers/ws';

/** A GraphQL subscription over SSE (distinct connections), read from the Worker's streamed response. */
async function subscribe(token: string, query: string, variables: Record<string, unknown> = {}) {
  const res = await exports.default.fetch(
    new Request('https://fieldline.test/graphql', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream', 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
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

/** Open hub sockets of the tenant (the subscription's socket counts once it is connected). */
async function hubSockets(t: TestTenant) {
  const stats = await api('GET', '/v1/realtime/stats', undefined, { token: t.token });
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
          status: 'draft',
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

    for (const [query, variables] of [
      ['subscription { presenceChanged { status } }', {}],
      ['subscription { stockLow { available } }', {}],
      ['subscription($s: ID) { locationUpdated(salesmanId: $s) { lat } }', { s: other.salesmanId }],
    ] as const) {
      const refused = await subscribe(mine.token, query, variables);
      const answer = await refused.next();
      expect(answer.errors?.[0]?.extensions?.code, query).toBe('FORBIDDEN');
      await refused.close();
    }
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
      data: { presenceChanged: { status: 'online', salesman: { uuid: s.salesmanId } } },
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
});
