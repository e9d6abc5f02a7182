// The reference for the API benchmark: a bare Worker doing the same D1 reads as the Fieldline routes,
// with no framework, no authentication, no validation. Only used by bench/api.mjs.
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const tenantId = request.headers.get('x-tenant-id');
    const product = /^\/bare\/products\/([0-9a-f-]{36})$/.exec(url.pathname);
    if (product) {
      const row = await env.DB.prepare('SELECT * FROM products WHERE tenant_id = ?1 AND id = ?2 AND deleted_at IS NULL')
        .bind(tenantId, product[1])
        .first();
      return row ? Response.json(row) : new Response('not found', { status: 404 });
    }
    if (url.pathname === '/bare/customers') {
      const { results } = await env.DB.prepare(
        'SELECT * FROM customers WHERE tenant_id = ?1 AND deleted_at IS NULL ORDER BY name, id LIMIT 51',
      )
        .bind(tenantId)
        .all();
      return Response.json({ data: results.slice(0, 50) });
    }
    return new Response('not found', { status: 404 });
  },
};
