import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { Client } from '@neondatabase/serverless';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app';
import { testDatabaseKind } from '../helpers/db';
import { createCustomer, createTenant, type TestTenant } from '../helpers/factories';
import { createOrder, createProduct, createSalesman } from '../helpers/sales-factories';

/** The D1 binding, counting every statement prepared (each one is one query sent to D1). */
function countingD1(d1: D1Database) {
  const counter = { statements: [] as string[] };
  const wrapped = new Proxy(d1, {
    get(target, prop) {
      if (prop === 'prepare') {
        return (sql: string) => {
          counter.statements.push(sql);
          return target.prepare(sql);
        };
      }
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { d1: wrapped, counter };
}

/**
 * On Postgres: every query any connection of the driver sends (the request's pool connects clients of
 * this class and sends each statement through `query`), counted for as long as the returned `stop` is
 * not called.
 */
function countingPostgres() {
  const counter = { statements: [] as string[] };
  const original = Client.prototype.query;
  const patched = function (this: Client, ...args: unknown[]) {
    const config = args[0] as string | { text?: string };
    counter.statements.push(typeof config === 'string' ? config : (config.text ?? ''));
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  };
  Client.prototype.query = patched as typeof original;
  return { counter, stop: () => (Client.prototype.query = original) };
}

async function graphql(d1: D1Database, token: string, query: string) {
  const ctx = createExecutionContext();
  const res = await buildApp().fetch(
    new Request('https://fieldline.test/graphql', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query }),
    }),
    { ...env, DB: d1 },
    ctx,
  );
  await waitOnExecutionContext(ctx);
  const body = (await res.json()) as { data?: any; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

async function countedQuery(token: string, query: string) {
  if (testDatabaseKind() === 'postgres') {
    // Authentication reads the tenant's ended sessions once per database and 30 s
    // (src/auth/session-ends.ts): a first request pays that, not the query under test.
    await graphql(env.DB, token, '{ viewer { principalId } }');
    const { counter, stop } = countingPostgres();
    try {
      const data = await graphql(env.DB, token, query);
      return { data, statements: counter.statements };
    } finally {
      stop();
    }
  }
  const { d1, counter } = countingD1(env.DB);
  // The same on D1, where the cache is per binding: the counting binding is a new one.
  await graphql(d1, token, '{ viewer { principalId } }');
  counter.statements.length = 0;
  const data = await graphql(d1, token, query);
  return { data, statements: counter.statements };
}

const ORDERS = (first: number) => `{
  orders(first: ${first}) {
    totalCount
    edges { node {
      totalMinor
      customer { name city }
      salesman { name }
      lines { quantity lineTotalMinor product { name sku } }
    } }
  }
}`;

async function seed(t: TestTenant, orders: number) {
  const salesmen = [await createSalesman(t), await createSalesman(t), await createSalesman(t)];
  const customers = [];
  for (let i = 0; i < 10; i++) customers.push((await createCustomer(t.token)).id);
  const products = [];
  for (let i = 0; i < 5; i++) products.push(await createProduct(t));
  for (let i = 0; i < orders; i++) {
    await createOrder(
      t,
      [
        { productId: products[i % 5] as string, quantity: 1 + (i % 3) },
        { productId: products[(i + 1) % 5] as string, quantity: 2 },
      ],
      { customerId: customers[i % 10], salesmanId: salesmen[i % 3]?.salesmanId },
    );
  }
}

describe('GraphQL N+1', () => {
  it('reads 50 orders with customer, salesman, lines and products in 6 queries', async () => {
    const t = await createTenant();
    await seed(t, 50);
    const { data, statements } = await countedQuery(t.token, ORDERS(50));
    expect(data.orders.totalCount).toBe(50);
    expect(data.orders.edges).toHaveLength(50);
    for (const { node } of data.orders.edges) {
      expect(node.customer.name).toEqual(expect.any(String));
      expect(node.salesman.name).toEqual(expect.any(String));
      expect(node.lines).toHaveLength(2);
      expect(node.lines[0].product.sku).toEqual(expect.any(String));
    }
    // The page, its count, then one batched query per level: customers, salesmen, lines, products.
    expect(statements.map((sql) => /from "(\w+)"/i.exec(sql)?.[1]).sort()).toEqual([
      'customers',
      'order_lines',
      'orders',
      'orders',
      'products',
      'salesmen',
    ]);
    expect(statements).toHaveLength(6);
  });

  it('costs the same 6 queries for 5 orders: the count does not grow with the page', async () => {
    const t = await createTenant();
    await seed(t, 5);
    const { data, statements } = await countedQuery(t.token, ORDERS(5));
    expect(data.orders.edges).toHaveLength(5);
    expect(statements).toHaveLength(6);
  });
});
