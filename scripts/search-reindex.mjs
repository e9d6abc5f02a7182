// `npm run search:reindex`: rebuilds the search index (FTS5 or Meilisearch, whichever the server uses) of
// every tenant the given owner/admin account belongs to, through POST /v1/search/reindex on a running
// server (default: the local `npm start` server with the demo owner).
//   npm run search:reindex -- [--url http://127.0.0.1:8787] [--email owner@demo.fieldline.test]
//                             [--password fieldline-demo] [--tenant <tenant id>]
// SEARCH_REINDEX_URL / _EMAIL / _PASSWORD may be used instead of the flags (keeps the password out of `ps`).
import { parseArgs } from 'node:util';

const { values: opts } = parseArgs({
  options: {
    url: {
      type: 'string',
      default: process.env.SEARCH_REINDEX_URL ?? `http://127.0.0.1:${process.env.PORT ?? '8787'}`,
    },
    email: { type: 'string', default: process.env.SEARCH_REINDEX_EMAIL ?? 'owner@demo.fieldline.test' },
    password: { type: 'string', default: process.env.SEARCH_REINDEX_PASSWORD ?? 'fieldline-demo' },
    tenant: { type: 'string' },
  },
});

async function call(method, path, body, token) {
  let res;
  try {
    res = await fetch(new URL(path, opts.url), {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
  } catch (err) {
    throw new Error(
      `cannot reach ${opts.url} (is the server running? \`npm start\`): ${err.cause?.code ?? err.message}`,
    );
  }
  const json = await res.json().catch(() => ({}));
  return { status: res.status, body: json };
}

async function login(tenantId) {
  return call('POST', '/v1/auth/login', {
    email: opts.email,
    password: opts.password,
    ...(tenantId ? { tenantId } : {}),
  });
}

async function reindex(tenantId, label) {
  const session = await login(tenantId);
  if (session.status !== 200)
    throw new Error(`login for ${label} failed: ${session.status} ${session.body.detail ?? ''}`);
  const res = await call('POST', '/v1/search/reindex', undefined, session.body.accessToken);
  if (res.status !== 200) throw new Error(`reindex of ${label} failed: ${res.status} ${res.body.detail ?? ''}`);
  const { backend, products, customers, took } = res.body;
  console.log(`${label}: ${products} products, ${customers} customers indexed (${backend}, ${took} ms)`);
}

async function main() {
  if (opts.tenant) return reindex(opts.tenant, opts.tenant);
  const first = await login();
  if (first.status === 409 && first.body.code === 'TENANT_REQUIRED') {
    for (const t of first.body.tenants) await reindex(t.id, `${t.name} (${t.id})`);
    return;
  }
  if (first.status !== 200) throw new Error(`login failed: ${first.status} ${first.body.detail ?? ''}`);
  await reindex(first.body.tenant.id, `${first.body.tenant.name} (${first.body.tenant.id})`);
}

main().catch((err) => {
  console.error(`search:reindex: ${err.message}`);
  process.exit(1);
});
