import { describe, expect, it } from 'vitest';
import { createProduct as createCatalogProduct } from '../helpers/catalog-factories';
import { createCustomer, createTenant, createUserWithRole } from '../helpers/factories';
import { answered, rest } from '../helpers/rest';
import { createOrder, createProduct, createSalesman, createVisit } from '../helpers/sales-factories';
import { codesOf, globalId, gql, gqlData } from './support';

describe('GraphQL queries', () => {
  it('resolves node(id) from a global id and the single lookups from a global id or a UUID', async () => {
    const t = await createTenant();
    const customer = await createCustomer(t.token, { name: 'Bolt & Nut GmbH' });
    const id = globalId('Customer', customer.id);
    const data = await gqlData(
      `query($id: ID!, $uuid: ID!) {
        node(id: $id) { __typename id ... on Customer { name uuid } }
        byGlobal: customer(id: $id) { id name }
        byUuid: customer(id: $uuid) { id name version createdAt deletedAt }
      }`,
      { id, uuid: customer.id },
      t.token,
    );
    expect(data.node).toEqual({ __typename: 'Customer', id, name: 'Bolt & Nut GmbH', uuid: customer.id });
    expect(data.byGlobal).toEqual({ id, name: 'Bolt & Nut GmbH' });
    expect(data.byUuid).toMatchObject({ id, name: 'Bolt & Nut GmbH', version: 1, deletedAt: null });
  });

  it('answers node(id) with null, without an error, for an id that is not a global id of a node', async () => {
    const t = await createTenant();
    const customer = await createCustomer(t.token);
    for (const id of [
      '%%%',
      '',
      'not base64!',
      btoa('Customer'),
      btoa(':x'),
      globalId('Nope', customer.id),
      globalId('Query', '1'),
      globalId('CustomerConnection', '1'),
      globalId('Customer', 'not-a-uuid'),
      globalId('Customer', crypto.randomUUID()),
      customer.id,
    ]) {
      const res = await gql('query($id: ID!) { node(id: $id) { id } }', { id }, { token: t.token });
      expect(res.body, JSON.stringify(id)).toEqual({ data: { node: null } });
    }
    const literal = await gql('{ node(id: "%%%") { id } }', {}, { token: t.token });
    expect(literal.body).toEqual({ data: { node: null } });
    // A real one still resolves.
    const found = await gqlData(
      'query($id: ID!) { node(id: $id) { id } }',
      { id: globalId('Customer', customer.id) },
      t.token,
    );
    expect(found.node).toEqual({ id: globalId('Customer', customer.id) });
  });

  it('refuses a global id of another type where a record id is expected', async () => {
    const t = await createTenant();
    const customer = await createCustomer(t.token);
    const res = await gql(
      'query($id: ID!) { product(id: $id) { name } }',
      { id: globalId('Customer', customer.id) },
      {
        token: t.token,
      },
    );
    expect(codesOf(res)).toEqual(['BAD_USER_INPUT']);
  });

  it('pages a connection with first/after, edges, pageInfo and totalCount, honouring filters and sort', async () => {
    const t = await createTenant();
    for (const name of ['Alpha', 'Bravo', 'Charlie', 'Delta', 'Echo']) {
      await createCatalogProduct(t.token, { name, category: 'Fasteners', priceMinor: name.length * 100 });
    }
    await createCatalogProduct(t.token, { name: 'Zulu', category: 'Tools' });
    const query = `query($after: String) {
      products(first: 2, after: $after, category: "Fasteners", sort: NAME_DESC) {
        totalCount
        edges { cursor node { name category } }
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      }
    }`;
    const names: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 5; page++) {
      const data: any = await gqlData(query, { after }, t.token);
      const conn = data.products;
      expect(conn.totalCount).toBe(5);
      names.push(...conn.edges.map((e: any) => e.node.name));
      expect(conn.pageInfo.startCursor).toBe(conn.edges[0]?.cursor ?? null);
      expect(conn.pageInfo.endCursor).toBe(conn.edges.at(-1)?.cursor ?? null);
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    expect(names).toEqual(['Echo', 'Delta', 'Charlie', 'Bravo', 'Alpha']);
  });

  it('resumes after any edge cursor, not just the last one', async () => {
    const t = await createTenant();
    for (const name of ['A1', 'A2', 'A3', 'A4']) await createCustomer(t.token, { name });
    const first = await gqlData('{ customers(first: 4) { edges { cursor node { name } } } }', {}, t.token);
    const second = first.customers.edges[1].cursor;
    const rest = await gqlData(
      'query($a: String) { customers(first: 10, after: $a) { edges { node { name } } } }',
      {
        a: second,
      },
      t.token,
    );
    expect(rest.customers.edges.map((e: any) => e.node.name)).toEqual(['A3', 'A4']);
  });

  it('searches products through the search service (typo-tolerant, ranked) and combines search with category', async () => {
    const t = await createTenant();
    await createCatalogProduct(t.token, { name: 'Hex bolt M8', category: 'Fasteners', sku: 'BOLT-M8' });
    await createCatalogProduct(t.token, { name: 'Carriage bolt M10', category: 'Fasteners', sku: 'BOLT-M10' });
    await createCatalogProduct(t.token, { name: 'Bolt cutter', category: 'Tools', sku: 'TOOL-BC' });
    await createCatalogProduct(t.token, { name: 'Wing nut', category: 'Fasteners', sku: 'NUT-W' });
    const data = await gqlData(
      `{
        fasteners: products(first: 10, search: "bolt", category: "Fasteners") { totalCount edges { node { name } } }
        typo: products(first: 10, search: "bolts") { edges { node { name } } }
        paged: products(first: 1, search: "bolt") { totalCount pageInfo { hasNextPage endCursor } edges { node { sku } } }
      }`,
      {},
      t.token,
    );
    expect(data.fasteners.totalCount).toBe(2);
    expect(data.fasteners.edges.map((e: any) => e.node.name).sort()).toEqual(['Carriage bolt M10', 'Hex bolt M8']);
    expect(data.typo.edges.length).toBeGreaterThanOrEqual(3);
    expect(data.paged.totalCount).toBe(3);
    expect(data.paged.pageInfo.hasNextPage).toBe(true);
    const next = await gqlData(
      'query($a: String) { products(first: 5, search: "bolt", after: $a) { pageInfo { hasNextPage } edges { node { sku } } } }',
      { a: data.paged.pageInfo.endCursor },
      t.token,
    );
    const skus = [data.paged.edges[0].node.sku, ...next.products.edges.map((e: any) => e.node.sku)];
    expect(new Set(skus).size).toBe(3);
    expect(next.products.pageInfo.hasNextPage).toBe(false);
  });

  it('refuses RELEVANCE without search and price sort on customer search', async () => {
    const t = await createTenant();
    const a = await gql('{ products(sort: RELEVANCE) { totalCount } }', {}, { token: t.token });
    const b = await gql('{ customers(search: "x", city: "Berlin") { totalCount } }', {}, { token: t.token });
    expect(codesOf(a)).toEqual(['BAD_USER_INPUT']);
    expect(codesOf(b)).toEqual(['BAD_USER_INPUT']);
  });

  it('reads an order with its customer, salesman, lines and products in one request', async () => {
    const t = await createTenant();
    const s = await createSalesman(t);
    const customer = await createCustomer(t.token, { name: 'Kiosk Mitte' });
    const p1 = await createProduct(t, { priceMinor: 250 });
    const p2 = await createProduct(t, { priceMinor: 1000 });
    const order = await createOrder(
      t,
      [
        { productId: p1, quantity: 4 },
        { productId: p2, quantity: 1, discount: 10 },
      ],
      { customerId: customer.id, salesmanId: s.salesmanId },
    );
    const data = await gqlData(
      `query($id: ID!) { order(id: $id) {
        status totalMinor currency
        customer { name }
        salesman { uuid }
        lines { position quantity unitPriceMinor discountBps lineTotalMinor product { uuid } }
      } }`,
      { id: order.id },
      t.token,
    );
    const viaRest = await answered(rest(t.token).GET('/v1/orders/{id}', { params: { path: { id: order.id } } }));
    expect(data.order).toMatchObject({
      status: 'DRAFT',
      totalMinor: viaRest.body.totalMinor,
      currency: 'EUR',
      customer: { name: 'Kiosk Mitte' },
      salesman: { uuid: s.salesmanId },
    });
    expect(data.order.lines).toEqual(
      viaRest.body.lines.map((l) => ({
        position: l.position,
        quantity: l.quantity,
        unitPriceMinor: l.unitPriceMinor,
        discountBps: l.discountBps,
        lineTotalMinor: l.lineTotalMinor,
        product: { uuid: l.productId },
      })),
    );
  });

  it('filters orders and visits and lists a customer’s orders as a nested connection', async () => {
    const t = await createTenant();
    const s = await createSalesman(t);
    const c1 = await createCustomer(t.token);
    const c2 = await createCustomer(t.token);
    const p = await createProduct(t);
    await createOrder(t, [{ productId: p, quantity: 1 }], { customerId: c1.id });
    await createOrder(t, [{ productId: p, quantity: 2 }], { customerId: c1.id });
    await createOrder(t, [{ productId: p, quantity: 3 }], { customerId: c2.id });
    await createVisit(t, c1.id, s.salesmanId);
    const data = await gqlData(
      `query($c: ID!, $s: ID!) {
        orders(customerId: $c, status: DRAFT) { totalCount }
        all: orders(first: 1) { totalCount edges { node { uuid } } }
        visits(salesmanId: $s) { totalCount edges { node { customer { uuid } salesman { uuid } status } } }
        customer(id: $c) { orders(first: 5) { totalCount edges { node { totalMinor } } } }
      }`,
      { c: globalId('Customer', c1.id), s: s.salesmanId },
      t.token,
    );
    expect(data.orders.totalCount).toBe(2);
    expect(data.all.totalCount).toBe(3);
    expect(data.visits.totalCount).toBe(1);
    expect(data.visits.edges[0].node).toEqual({
      customer: { uuid: c1.id },
      salesman: { uuid: s.salesmanId },
      status: 'PLANNED',
    });
    expect(data.customer.orders.totalCount).toBe(2);
  });

  it('tells the caller who they are', async () => {
    const t = await createTenant('Harbour Wholesale');
    const s = await createSalesman(t);
    const data = await gqlData(
      `{ viewer {
        kind role permissions
        tenant { uuid name plan currency timezone checkInRadiusM }
        user { role }
        salesman { uuid user { uuid } }
      } }`,
      {},
      s.token,
    );
    expect(data.viewer).toMatchObject({
      kind: 'user',
      role: 'SALESMAN',
      tenant: {
        uuid: t.tenantId,
        name: 'Harbour Wholesale',
        plan: 'FREE',
        currency: 'EUR',
        timezone: 'Europe/Berlin',
        checkInRadiusM: 200,
      },
      user: { role: 'SALESMAN' },
      // Anyone may read his own user, also through the batched load; others' need users:read.
      salesman: { uuid: s.salesmanId, user: { uuid: s.userId } },
    });
    expect(data.viewer.permissions).toContain('ORDERS_WRITE');
    expect(data.viewer.permissions).not.toContain('PRODUCTS_WRITE');
    const other = await createSalesman(t);
    const res = await gql(
      'query($id: ID!) { salesman(id: $id) { uuid user { uuid } } }',
      { id: other.salesmanId },
      { token: s.token },
    );
    expect(res.body.data).toEqual({ salesman: { uuid: other.salesmanId, user: null } });
    expect(res.body.errors?.[0]).toMatchObject({ path: ['salesman', 'user'], extensions: { code: 'FORBIDDEN' } });
  });

  it("reads each tenant's own name and settings", async () => {
    const a = await createTenant('Tenant A');
    const b = await createTenant('Tenant B');
    const query = '{ viewer { tenant { uuid name } } }';
    expect((await gqlData(query, {}, a.token)).viewer.tenant).toEqual({ uuid: a.tenantId, name: 'Tenant A' });
    expect((await gqlData(query, {}, b.token)).viewer.tenant).toEqual({ uuid: b.tenantId, name: 'Tenant B' });
  });

  it('serves the analytics reports through the analytics services', async () => {
    const t = await createTenant();
    const viewer = await createUserWithRole(t, 'viewer');
    const data = await gqlData(
      `{
        executiveReport(period: MONTH) { period complete summary { key value } trend { date } meta { currency scope } }
        forecast(days: 7) { method points { date revenueMinor } }
        customerSegments(first: 5) { live segments { segment customers rule } customers { segment } }
      }`,
      {},
      viewer.token,
    );
    expect(data.executiveReport.period).toBe('MONTH');
    expect(data.executiveReport.meta).toEqual({ currency: 'EUR', scope: 'tenant' });
    expect(data.executiveReport.summary.map((l: any) => l.key)).toContain('revenueMinor');
    expect(data.forecast.points).toHaveLength(7);
    expect(data.customerSegments.segments.map((s: any) => s.segment)).toContain('CHAMPIONS');
  });

  it('nulls only the connection whose argument was refused, and answers the rest', async () => {
    const t = await createTenant();
    const res = await gql(
      '{ orders(first: 5000) { totalCount } products(first: 1) { totalCount } viewer { role } }',
      {},
      {
        token: t.token,
      },
    );
    expect(codesOf(res)).toEqual(['BAD_USER_INPUT']);
    expect(res.body.errors?.[0]?.path).toEqual(['orders']);
    expect(res.body.data).toEqual({ orders: null, products: { totalCount: 0 }, viewer: { role: 'OWNER' } });
  });
});
