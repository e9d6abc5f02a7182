// Access to the local D1 database that `wrangler dev` serves (.wrangler/state/v3), via wrangler's
// getPlatformProxy: the same Miniflare persistence, so whatever is written here the dev server sees.
import { resolve } from 'node:path';
import { chunksOf, sendOverlapped } from './pipeline.mjs';
import { deleteTenantStatements, insertStatements, TABLES } from './sql.mjs';

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

/** A store on the local D1 database, with the operations scripts/seed.mjs needs (as scripts/seed/postgres.mjs). */
export async function openD1Store(root, persistTo) {
  const { db, dispose } = await openLocalD1(root, persistTo);
  return {
    label: 'the local D1 database',
    countTenants: () =>
      countTenants(db).catch((error) => {
        if (!/no such table/.test(String(error?.message))) throw error;
        throw new Error('the local database has no schema yet; run `npm run db:migrate` (or `npm start`) first');
      }),
    tenantsWithUser: (email) => tenantsWithUser(db, email),
    deleteTenants: (ids) => deleteTenants(db, ids),
    writeTenant: async (tenantId, tables, onProgress) => {
      let written = 0;
      function* statements() {
        for (const table of Object.keys(TABLES)) {
          for (const statement of insertStatements(table, tables[table])) yield statement;
          written += tables[table].length;
        }
      }
      try {
        await execChunked(db, statements(), () => onProgress?.(written));
      } catch (error) {
        // exec() chunks are separate transactions: remove what did land so a rerun starts clean.
        await deleteTenants(db, [tenantId]).catch(() => {});
        throw error;
      }
    },
    dispose,
  };
}

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
  await db.exec(deleteTenantStatements(ids, 'd1').join('\n'));
}

/**
 * Runs statements (any iterable, consumed lazily) through exec() in chunks of a few MB; each exec() call
 * is one storage transaction in local D1. While workerd executes one chunk the next one is being built,
 * so SQL generation and inserting overlap. `onProgress(statementsDone)` is called after each chunk.
 */
export async function execChunked(db, statements, onProgress, chunkChars = 8_000_000) {
  let done = 0;
  await sendOverlapped(chunksOf(statements, chunkChars), async (chunk) => {
    await db.exec(chunk.join('\n'));
    done += chunk.length;
    onProgress?.(done);
  });
  return done;
}
