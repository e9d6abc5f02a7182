// Data the API benchmarks create through the API before they measure (bench/api.mjs, bench/pg.mjs).

/**
 * The API benchmarks' tenant: an owner, 50 products with plenty of stock and 500 customers, created
 * through the API with `call(method, path, body, token)`. Also the body of the POST order scenario.
 */
export async function prepareData(call) {
  const session = await call('POST', '/v1/auth/signup', {
    tenantName: 'Bench Co',
    name: 'Bench Owner',
    email: 'owner@bench.test',
    password: 'bench-password-123',
    currency: 'EUR',
  });
  const token = session.accessToken;
  const products = [];
  for (let i = 0; i < 50; i++) {
    products.push(
      await call(
        'POST',
        '/v1/products',
        { sku: `B-${i}`, name: `Bench product ${i}`, category: 'Bench', priceMinor: 100 + i, initialStock: 1_000_000 },
        token,
      ),
    );
  }
  const customers = [];
  for (let batch = 0; batch < 10; batch++) {
    customers.push(
      ...(await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          call(
            'POST',
            '/v1/customers',
            { name: `Bench customer ${batch * 50 + i}`, city: 'Berlin', lat: 52.5, lng: 13.4 },
            token,
          ),
        ),
      )),
    );
  }
  return { token, tenantId: session.tenant.id, products, customers };
}

/** A POST /v1/orders body: 5 lines of the first 5 products for one customer. */
export const orderBody = (data) =>
  JSON.stringify({
    customerId: data.customers[3].id,
    lines: data.products.slice(0, 5).map((p, i) => ({ productId: p.id, quantity: i + 1, discount: i })),
  });
