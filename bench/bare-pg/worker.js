// The reference for `npm run bench:pg`: a bare Worker doing the same Postgres reads as the Fieldline
// routes through the same driver and the same connection settings (a Pool per request, ended after the
// response, the local WebSocket proxy), with no framework, no authentication, no validation.
import { neonConfig, Pool } from '@neondatabase/serverless';

let configured = false;
function configure(proxy) {
  if (configured || !proxy) return;
  neonConfig.wsProxy = () => `${proxy}/`;
  neonConfig.useSecureWebSocket = false;
  neonConfig.pipelineTLS = false;
  neonConfig.pipelineConnect = false;
  configured = true;
}

export default {
  async fetch(request, env, ctx) {
    configure(env.DATABASE_WS_PROXY);
    const url = new URL(request.url);
    const tenantId = request.headers.get('x-tenant-id');
    const pool = new Pool({ connectionString: env.DATABASE_URL, max: 4, idleTimeoutMillis: 1000 });
    try {
      if (url.pathname === '/bare/ping') {
        // The floor of every request on Postgres: open a connection through the proxy, one round trip, end.
        await pool.query('SELECT 1');
        return new Response('ok');
      }
      const product = /^\/bare\/products\/([0-9a-f-]{36})$/.exec(url.pathname);
      if (product) {
        const { rows } = await pool.query(
          'SELECT * FROM products WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL',
          [tenantId, product[1]],
        );
        return rows[0] ? Response.json(rows[0]) : new Response('not found', { status: 404 });
      }
      if (url.pathname === '/bare/customers') {
        const { rows } = await pool.query(
          'SELECT * FROM customers WHERE tenant_id = $1 AND deleted_at IS NULL ORDER BY name, id LIMIT 51',
          [tenantId],
        );
        return Response.json({ data: rows.slice(0, 50) });
      }
      return new Response('not found', { status: 404 });
    } finally {
      ctx.waitUntil(pool.end());
    }
  },
};
