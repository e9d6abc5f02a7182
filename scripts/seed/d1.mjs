// Access to the local D1 database that `wrangler dev` serves (.wrangler/state/v3), via wrangler's
// getPlatformProxy: the same Miniflare persistence, so whatever is written here the dev server sees.
import { resolve } from 'node:path';

/** `persistTo` has the meaning of wrangler's --persist-to (the directory that holds `v3/`). */
export async function openLocalD1(root, persistTo = '.wrangler/state') {
  // Only D1 is used here; wrangler's notes about the other bindings (e.g. Durable Objects whose class
  // lives in the Worker, which the proxy does not run) would only be noise.
  process.env.WRANGLER_LOG ??= 'error';
  const { getPlatformProxy } = await import('wrangler');
  const proxy = await getPlatformProxy({
    configPath: resolve(root, 'wrangler.jsonc'),
    persist: { path: resolve(root, persistTo, 'v3') },
    remoteBindings: false,
  });
  return { db: proxy.env.DB, dispose: () => proxy.dispose() };
}

/** Children before parents, so deleting a tenant's rows never trips a foreign key. */
const TENANT_TABLES = [
  'sync_mutations',
  'sync_clients',
  'report_deliveries',
  'report_subscriptions',
  'rfm_scores',
  'rfm_runs',
  'search_cursors',
  'notifications',
  'location_trail',
  'payments',
  'order_lines',
  'orders',
  'visits',
  'targets',
  'customers',
  'salesmen',
  'territories',
  'stock_movements',
  'inventory',
  'products',
  'api_keys',
  'refresh_tokens',
  'users',
  'events',
];

/** Tenants that own a user with this e-mail: how the demo tenant is recognised (its id changes daily). */
export async function tenantsWithUser(db, email) {
  const { results } = await db.prepare('SELECT DISTINCT tenant_id AS id FROM users WHERE email = ?').bind(email).all();
  return results.map((r) => r.id);
}

export async function countTenants(db) {
  return (await db.prepare('SELECT COUNT(*) AS n FROM tenants').first()).n;
}

/** Removes tenants and everything they own, in one transaction. */
export async function deleteTenants(db, ids) {
  if (ids.length === 0) return;
  const list = ids.map((id) => `'${id.replaceAll("'", "''")}'`).join(',');
  const statements = [
    ...TENANT_TABLES.map((t) => `DELETE FROM ${t} WHERE tenant_id IN (${list});`),
    // Idempotency scopes are `<tenant>:<kind>:<principal>`.
    ...ids.map((id) => `DELETE FROM idempotency_keys WHERE scope LIKE '${id.replaceAll("'", "''")}:%';`),
    `DELETE FROM tenants WHERE id IN (${list});`,
  ];
  await db.exec(statements.join('\n'));
}

/**
 * Runs statements (any iterable, consumed lazily) through exec() in chunks of a few MB; each exec() call
 * is one storage transaction in local D1. While workerd executes one chunk the next one is being built,
 * so SQL generation and inserting overlap. `onProgress(statementsDone)` is called after each chunk.
 */
export async function execChunked(db, statements, onProgress, chunkChars = 8_000_000) {
  let inFlight = null;
  let failure = null;
  let done = 0;
  const settle = async () => {
    await inFlight;
    if (failure) throw failure;
  };
  const send = async (chunk) => {
    await settle();
    // The rejection is kept, not left unhandled, while the next chunk is being built.
    inFlight = db.exec(chunk.join('\n')).then(
      () => {
        done += chunk.length;
        onProgress?.(done);
      },
      (error) => {
        failure = error;
      },
    );
    // Let the request leave before the next chunk is built synchronously.
    await new Promise((resolve) => setImmediate(resolve));
  };
  let chunk = [];
  let size = 0;
  for (const statement of statements) {
    chunk.push(statement);
    size += statement.length + 1;
    if (size >= chunkChars) {
      await send(chunk);
      chunk = [];
      size = 0;
    }
  }
  if (chunk.length > 0) await send(chunk);
  await settle();
  return done;
}
