import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { createCustomer, createTenant, createUserWithRole } from '../helpers/factories';
import { answered, rest } from '../helpers/rest';
import { createOrder, createProduct, createSalesman, createVisit } from '../helpers/sales-factories';
import { codesOf, globalId, gql, gqlData } from './support';

describe('GraphQL authentication and error codes', () => {
  it('answers UNAUTHENTICATED with HTTP 401 without, or with a bad, credential', async () => {
    const none = await gql('{ viewer { role } }');
    expect(none.status).toBe(401);
    expect(none.body.data).toBeUndefined();
    expect(codesOf(none)).toEqual(['UNAUTHENTICATED']);
    const forged = await gql('{ viewer { role } }', {}, { token: 'eyJhbGciOiJIUzI1NiJ9.e30.x' });
    expect(forged.status).toBe(401);
    expect(codesOf(forged)).toEqual(['UNAUTHENTICATED']);
    const malformed = await gql('{ viewer { role } }', {}, { headers: { authorization: 'Basic abc' } });
    expect(codesOf(malformed)).toEqual(['UNAUTHENTICATED']);
    const t = await createTenant();
    const trailing = await gql('{ viewer { role } }', {}, { headers: { authorization: `Bearer ${t.token} junk` } });
    expect(trailing.status).toBe(401);
    expect(trailing.body.data).toBeUndefined();
    expect(trailing.body.errors).toMatchObject([
      { message: 'Authorization header must be "Bearer <token>"', extensions: { code: 'UNAUTHENTICATED' } },
    ]);
  });

  it('accepts API keys (Bearer and X-API-Key) limited to their scopes', async () => {
    const t = await createTenant();
    const res = await exports.default.fetch(
      new Request('https://fieldline.test/v1/api-keys', {
        method: 'POST',
        headers: { authorization: `Bearer ${t.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'erp', scopes: ['products:read'] }),
      }),
    );
    const key = ((await res.json()) as { secret: string }).secret;
    await createCustomer(t.token);
    const ok = await gql('{ products { totalCount } }', {}, { headers: { 'x-api-key': key } });
    expect(ok.body.data).toEqual({ products: { totalCount: 0 } });
    const refused = await gql('{ customers { totalCount } }', {}, { token: key });
    expect(codesOf(refused)).toEqual(['FORBIDDEN']);
    expect(refused.body.errors?.[0]?.extensions?.reason).toBe('FORBIDDEN');
  });

  it('maps role limits to FORBIDDEN, unknown ids to NOT_FOUND and keeps partial data', async () => {
    const t = await createTenant();
    const viewer = await createUserWithRole(t, 'viewer');
    const customer = await createCustomer(t.token);
    const write = await gql(
      'mutation { createProduct(input: { sku: "X", name: "X", priceMinor: 1 }) { uuid } }',
      {},
      {
        token: viewer.token,
      },
    );
    expect(codesOf(write)).toEqual(['FORBIDDEN']);
    const partial = await gql(
      'query($id: ID!, $missing: ID!) { customer(id: $id) { name } other: customer(id: $missing) { name } }',
      { id: customer.id, missing: '01900000-0000-7000-8000-000000000000' },
      { token: viewer.token },
    );
    expect(partial.status).toBe(200);
    expect(partial.body.data).toEqual({ customer: { name: customer.name }, other: null });
    expect(partial.body.errors?.[0]).toMatchObject({
      path: ['other'],
      extensions: { code: 'NOT_FOUND', reason: 'NOT_FOUND' },
    });
  });

  it('marks document problems: unknown fields, bad variables, syntax', async () => {
    const t = await createTenant();
    const unknown = await gql('{ customers { nope } }', {}, { token: t.token });
    expect(codesOf(unknown)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(unknown.body.errors?.[0]?.message).not.toMatch(/Did you mean/);
    const variables = await gql(
      'query($n: Int!) { products(first: $n) { totalCount } }',
      { n: 'ten' },
      { token: t.token },
    );
    expect(codesOf(variables)).toEqual(['BAD_USER_INPUT']);
    const syntax = await gql('{ customers { ', {}, { token: t.token });
    expect(codesOf(syntax)).toEqual(['GRAPHQL_PARSE_FAILED']);
    const page = await gql('{ customers(first: 500) { totalCount } }', {}, { token: t.token });
    expect(codesOf(page)).toEqual(['BAD_USER_INPUT']);
    const backwards = await gql('{ customers(last: 5) { totalCount } }', {}, { token: t.token });
    expect(codesOf(backwards)).toEqual(['BAD_USER_INPUT']);
  });
});

describe('GraphQL tenant isolation', () => {
  it("resolves another tenant's global ids to null in node() and NOT_FOUND in lookups and mutations", async () => {
    const a = await createTenant('Tenant A');
    const b = await createTenant('Tenant B');
    const s = await createSalesman(b);
    const customer = await createCustomer(b.token);
    const product = await createProduct(b);
    const visit = await createVisit(b, customer.id, s.salesmanId);
    const order = await createOrder(b, [{ productId: product, quantity: 1 }], { customerId: customer.id });
    const ids = {
      Customer: customer.id,
      Product: product,
      Salesman: s.salesmanId,
      Visit: visit,
      Order: order.id,
      User: s.userId,
    };
    for (const [type, id] of Object.entries(ids)) {
      const res = await gql('query($id: ID!) { node(id: $id) { id } }', { id: globalId(type, id) }, { token: a.token });
      expect(res.body, type).toEqual({ data: { node: null } });
      const lookup = type.charAt(0).toLowerCase() + type.slice(1);
      const single = await gql(
        `query($id: ID!) { ${lookup}(id: $id) { id } }`,
        { id: globalId(type, id) },
        { token: a.token },
      );
      expect(codesOf(single), type).toEqual(['NOT_FOUND']);
    }
    const lists = await gqlData(
      '{ customers { totalCount } products { totalCount } orders { totalCount } visits { totalCount } salesmen { totalCount } }',
      {},
      a.token,
    );
    expect(lists).toEqual({
      customers: { totalCount: 0 },
      products: { totalCount: 0 },
      orders: { totalCount: 0 },
      visits: { totalCount: 0 },
      salesmen: { totalCount: 0 },
    });
    const confirm = await gql(
      'mutation($id: ID!) { confirmOrder(id: $id) { status } }',
      { id: globalId('Order', order.id) },
      {
        token: a.token,
      },
    );
    expect(codesOf(confirm)).toEqual(['NOT_FOUND']);
    const ownCustomer = await createCustomer(a.token);
    const cross = await gql(
      'mutation($input: CreateOrderInput!) { createOrder(input: $input) { uuid } }',
      { input: { customerId: ownCustomer.id, lines: [{ productId: product, quantity: 1 }] } },
      { token: a.token },
    );
    expect(codesOf(cross)).toEqual(['NOT_FOUND']);
  });

  it('limits a salesman to his own orders and visits, everywhere they can be reached', async () => {
    const t = await createTenant();
    const mine = await createSalesman(t);
    const other = await createSalesman(t);
    const customer = await createCustomer(t.token);
    const product = await createProduct(t);
    const own = await createOrder(t, [{ productId: product, quantity: 1 }], { customerId: customer.id }, mine.token);
    const foreign = await createOrder(
      t,
      [{ productId: product, quantity: 1 }],
      { customerId: customer.id },
      other.token,
    );
    const foreignVisit = await createVisit(t, customer.id, other.salesmanId);
    await createVisit(t, customer.id, mine.salesmanId);

    const data = await gqlData(
      `query($o: ID!, $v: ID!, $c: ID!, $s: ID!) {
        orders { totalCount edges { node { uuid } } }
        visits { totalCount }
        orderNode: node(id: $o) { id }
        visitNode: node(id: $v) { id }
        customer(id: $c) { orders { totalCount } visits { totalCount } }
        salesman(id: $s) { orders { totalCount } }
      }`,
      {
        o: globalId('Order', foreign.id),
        v: globalId('Visit', foreignVisit),
        c: customer.id,
        s: other.salesmanId,
      },
      mine.token,
    );
    expect(data.orders).toEqual({ totalCount: 1, edges: [{ node: { uuid: own.id } }] });
    expect(data.visits.totalCount).toBe(1);
    expect(data.orderNode).toBeNull();
    expect(data.visitNode).toBeNull();
    expect(data.customer).toEqual({ orders: { totalCount: 1 }, visits: { totalCount: 1 } });
    expect(data.salesman.orders.totalCount).toBe(0);
    const lookup = await gql('query($id: ID!) { order(id: $id) { uuid } }', { id: foreign.id }, { token: mine.token });
    expect(codesOf(lookup)).toEqual(['NOT_FOUND']);
    const forOther = await gql(
      'mutation($input: CreateOrderInput!) { createOrder(input: $input) { uuid } }',
      {
        input: { customerId: customer.id, salesmanId: other.salesmanId, lines: [{ productId: product, quantity: 1 }] },
      },
      { token: mine.token },
    );
    expect(codesOf(forOther)).toEqual(['FORBIDDEN']);
  });

  it("applies the salesman's rule to batched loads: his own rows resolve, another's in the same batch are null", async () => {
    const t = await createTenant();
    const mine = await createSalesman(t);
    const other = await createSalesman(t);
    const customer = await createCustomer(t.token);
    const product = await createProduct(t, { priceMinor: 500 });
    const paidOrder = async (token: string, amountMinor: number) => {
      const order = await createOrder(t, [{ productId: product, quantity: 2 }], { customerId: customer.id }, token);
      expect(
        (await answered(rest(t.token).POST('/v1/orders/{id}/confirm', { params: { path: { id: order.id } } }))).status,
      ).toBe(200);
      const paid = await answered(
        rest(t.token).POST('/v1/payments', { body: { orderId: order.id, amountMinor, method: 'cash' } }),
      );
      expect(paid.status).toBe(201);
      return order.id as string;
    };
    const own = await paidOrder(mine.token, 300);
    const foreign = await paidOrder(other.token, 700);
    const ownVisit = await createVisit(t, customer.id, mine.salesmanId);
    const foreignVisit = await createVisit(t, customer.id, other.salesmanId);

    // The aliases are resolved in one batch per type, so each batch mixes a visible and an invisible id.
    const res = await gql(
      `query($o: ID!, $fo: ID!, $v: ID!, $fv: ID!) {
        own: node(id: $o) { ... on Order { uuid lines { quantity } payments { amountMinor } } }
        foreign: node(id: $fo) { id }
        ownVisit: node(id: $v) { ... on Visit { uuid } }
        foreignVisit: node(id: $fv) { id }
        lookup: order(id: $fo) { uuid }
      }`,
      {
        o: globalId('Order', own),
        fo: globalId('Order', foreign),
        v: globalId('Visit', ownVisit),
        fv: globalId('Visit', foreignVisit),
      },
      { token: mine.token },
    );
    expect(res.body.data).toEqual({
      own: { uuid: own, lines: [{ quantity: 2 }], payments: [{ amountMinor: 300 }] },
      foreign: null,
      ownVisit: { uuid: ownVisit },
      foreignVisit: null,
      lookup: null,
    });
    expect(codesOf(res)).toEqual(['NOT_FOUND']);
    // A manager sees both orders' payments through the same batched field.
    const all = await gqlData('{ orders { edges { node { uuid payments { amountMinor } } } } }', {}, t.token);
    const paymentsOf = Object.fromEntries(
      all.orders.edges.map((e: any) => [e.node.uuid, e.node.payments.map((p: any) => p.amountMinor)]),
    );
    expect(paymentsOf).toEqual({ [own]: [300], [foreign]: [700] });
  });
});
