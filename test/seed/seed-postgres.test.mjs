// `npm run test:seed:pg`: the demo seed on Postgres, on a small dataset in a database of its own (needs
// `bash scripts/pg.sh start`). Row counts match the generator, the event counter continues the log, the
// search index holds the seeded records, and --reset, --if-empty and tenant removal work.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { migratePostgres } from '../../scripts/migrate-pg.mjs';
import { openPool, withDatabase } from '../../scripts/pg-client.mjs';
import { buildDataset } from '../../scripts/seed/dataset.mjs';
import { openPostgresStore } from '../../scripts/seed/postgres.mjs';
import { TABLES, TENANT_TABLES } from '../../scripts/seed/sql.mjs';
import { seed } from '../../scripts/seed.mjs';

const adminUrl = process.env.TEST_PG_URL ?? 'postgres://fieldline:fieldline@localhost:5432/postgres';
const proxy = process.env.TEST_PG_WS_PROXY ?? '127.0.0.1:5488';
// Named like the Postgres suite's databases, so a run of it drops one an interrupted run left behind.
const database = `fl_test_${Math.floor(Date.now() / 1000)}_${Math.random().toString(36).slice(2, 8)}_seed`;
const settings = { url: withDatabase(adminUrl, database), proxy };
const args = ['--database-url', settings.url, '--ws-proxy', proxy, '--orders', '500', '--customers', '60'];
const fixed = ['--seed', '7', '--today', '2026-06-01', '--quiet'];

let admin;
let pool;
const count = async (sql, params) => Number((await pool.query(sql, params)).rows[0].n);

before(async () => {
  admin = openPool({ url: adminUrl, proxy });
  await admin.query(`CREATE DATABASE ${database}`);
  await migratePostgres(settings);
  pool = openPool(settings);
});

after(async () => {
  await pool?.end();
  // A closed client's backend can outlive pool.end() for a moment (the proxy closes its side afterwards);
  // dropping the database then terminates it, and that notice must not fail the run. Wait for the backends
  // to leave first, and ignore the notice if one is still there.
  pool?.on('error', (error) => {
    if (error?.code !== ADMIN_SHUTDOWN) throw error;
  });
  for (let i = 0; i < 50 && (await backends()) > 0; i++) await new Promise((r) => setTimeout(r, 100));
  await admin?.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin?.end();
});

/** 57P01: "terminating connection due to administrator command". */
const ADMIN_SHUTDOWN = '57P01';
const backends = async () =>
  Number((await admin.query('SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1', [database])).rows[0].n);

test('writes the generated rows, the event counter and the search index', async () => {
  assert.equal(await seed([...args, ...fixed]), true);
  const { tenantId, tables } = await buildDataset({
    seed: 7,
    todayMs: Date.parse('2026-06-01T00:00:00Z'),
    orderTarget: 500,
    customerCount: 60,
  });
  for (const table of Object.keys(TABLES)) {
    const column = table === 'tenants' ? 'id' : 'tenant_id';
    assert.equal(
      await count(`SELECT count(*) AS n FROM ${table} WHERE ${column} = $1`, [tenantId]),
      tables[table].length,
      table,
    );
  }
  const { rows } = await pool.query('SELECT last_seq FROM event_counters WHERE tenant_id = $1', [tenantId]);
  assert.equal(rows[0].last_seq, String(tables.events.length));
  assert.equal(await count('SELECT max(seq) AS n FROM events WHERE tenant_id = $1', [tenantId]), tables.events.length);
  assert.equal(
    await count('SELECT count(*) AS n FROM products_search WHERE document IS NOT NULL'),
    tables.products.length,
  );
  assert.equal(
    await count('SELECT count(*) AS n FROM customers_search WHERE document IS NOT NULL'),
    tables.customers.length,
  );
  assert.ok((await count("SELECT count(*) AS n FROM search_terms WHERE entity = 'customer'")) > 0);
  // Values arrive in their column types.
  const territory = await pool.query('SELECT jsonb_typeof(boundary) AS t FROM territories LIMIT 1');
  assert.equal(territory.rows[0].t, 'object');
  const user = await pool.query("SELECT active FROM users WHERE email = 'manager@demo.fieldline.test'");
  assert.equal(user.rows[0].active, true);
});

test('an existing demo is kept unless --reset, and --if-empty seeds nothing', async () => {
  assert.equal(await seed([...args, ...fixed]), false);
  assert.equal(await seed([...args, ...fixed, '--if-empty']), false);
  assert.equal(await seed([...args, '--seed', '8', '--today', '2026-06-02', '--quiet', '--reset']), true);
  assert.equal(await count('SELECT count(*) AS n FROM tenants'), 1);
  assert.equal(await count('SELECT count(*) AS n FROM event_counters'), 1);
});

test('removing the tenant leaves no row behind', async () => {
  const store = openPostgresStore(settings);
  try {
    await store.deleteTenants(await store.tenantsWithUser('owner@demo.fieldline.test'));
  } finally {
    await store.dispose();
  }
  for (const { table } of [...TENANT_TABLES, { table: 'search_terms' }, { table: 'products_search' }]) {
    assert.equal(await count(`SELECT count(*) AS n FROM ${table}`), 0, table);
  }
  assert.equal(await count('SELECT count(*) AS n FROM tenants'), 0);
});
