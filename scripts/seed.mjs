// Seeds the demo tenant "Demo Distribution Co" into the local D1 database (the one `wrangler dev` serves)
// or, with --database-url or DATABASE_URL, into that Postgres database (how the Worker runs on Postgres).
//
// Usage: npm run seed [-- flags]
//   (no flag)        seed unless the demo tenant already exists (then say so and exit 0)
//   --reset          delete the demo tenant and everything it owns, then seed it again
//   --if-empty       seed only when the database has no tenant at all (what `npm start` uses)
//   --quiet          do not print the demo logins afterwards (`npm start` prints them once the server is up)
//   --seed=<n>       PRNG seed (default 20260101); same seed + same --today = identical data
//   --today=<date>   anchor day YYYY-MM-DD (default: today, UTC); history covers the 18 months before it
//   --orders=<n>     approximate number of orders (default 52000)
//   --customers=<n>  number of customers (default 2400)
//   --persist-to=<dir>  D1: like wrangler's --persist-to (default .wrangler/state)
//   --database-url=<url>  Postgres: seed this database instead of D1 (default: DATABASE_URL when set)
//   --ws-proxy=<host:port>  Postgres: the WebSocket proxy in front of it (default: DATABASE_WS_PROXY, or
//                    scripts/pg.sh's 127.0.0.1:5488 for a server on this machine; none for Neon)
//
// Run migrations first (`npm run db:migrate`, or `npm run db:migrate:pg`; `npm start` and
// `npm run start:pg` do both). `--reset` while `wrangler dev` runs worked in testing on D1 (SQLite locks the
// files), but stopping the server first is the safe order.
//
// Only the setup (tenant, users, territories, salesmen) has rows in the events log; the imported
// trading history (customers, products, orders, visits, payments, stock, targets) has no per-row events.
// On Postgres the tenant's event counter is set to its last seq, so the app's appends continue from there.
// The search index follows the rows on both databases (triggers), so the demo is searchable at once.
// The inventory ledger holds one opening count and one aggregate reservation per product.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureDevVars } from './dev-vars.mjs';
import { postgresSettings } from './pg-client.mjs';
import { DAY_MS } from './seed/calendar.mjs';
import { openD1Store } from './seed/d1.mjs';
import { buildDataset } from './seed/dataset.mjs';
import { DEMO_PASSWORD, OWNER_EMAIL } from './seed/master.mjs';
import { openPostgresStore } from './seed/postgres.mjs';

const root = join(import.meta.dirname, '..');

export const DEMO_LOGINS = {
  password: DEMO_PASSWORD,
  owner: OWNER_EMAIL,
  manager: 'manager@demo.fieldline.test',
  salesmen: 'salesman1@demo.fieldline.test … salesman20@demo.fieldline.test',
};

function parseOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      reset: { type: 'boolean', default: false },
      'if-empty': { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
      seed: { type: 'string', default: '20260101' },
      today: { type: 'string' },
      orders: { type: 'string', default: '52000' },
      customers: { type: 'string', default: '2400' },
      'persist-to': { type: 'string', default: '.wrangler/state' },
      'database-url': { type: 'string' },
      'ws-proxy': { type: 'string' },
    },
  });
  const today = values.today ?? new Date().toISOString().slice(0, 10);
  const todayMs = Date.parse(`${today}T00:00:00.000Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(today) || Number.isNaN(todayMs))
    throw new Error(`--today must be YYYY-MM-DD, got ${today}`);
  const int = (name, min) => {
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}`);
    return n;
  };
  return {
    reset: values.reset,
    ifEmpty: values['if-empty'],
    quiet: values.quiet,
    seed: int('seed', 0),
    todayMs: Math.floor(todayMs / DAY_MS) * DAY_MS,
    orderTarget: int('orders', 100),
    customerCount: int('customers', 50),
    persistTo: values['persist-to'],
    postgres: postgresTarget(values),
  };
}

/** The Postgres database to seed ({ url, proxy }), or null for D1. */
function postgresTarget(values) {
  const url = values['database-url'] || process.env.DATABASE_URL;
  if (!url) return null;
  return postgresSettings({
    DATABASE_URL: url,
    DATABASE_WS_PROXY: values['ws-proxy'] ?? process.env.DATABASE_WS_PROXY,
  });
}

async function openStore(options) {
  if (options.postgres) return openPostgresStore(options.postgres);
  ensureDevVars(root);
  return openD1Store(root, options.persistTo);
}

const seconds = (since) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

export async function seed(argv = []) {
  const options = parseOptions(argv);
  const started = performance.now();
  const store = await openStore(options);
  try {
    const tenants = await store.countTenants();
    if (options.ifEmpty && tenants > 0) {
      console.log(
        `seed: ${store.label} already has tenants; not seeding (npm run seed -- --reset to rebuild the demo).`,
      );
      return false;
    }
    const existing = await store.tenantsWithUser(OWNER_EMAIL);
    if (existing.length > 0 && !options.reset) {
      console.log(
        `seed: the demo tenant already exists in ${store.label}; run \`npm run seed -- --reset\` to rebuild it.`,
      );
      return false;
    }
    if (existing.length > 0) {
      await store.deleteTenants(existing);
      console.log(`seed: removed the previous demo tenant (${seconds(started)})`);
    }

    const generating = performance.now();
    const { tenantId, tables, segments } = await buildDataset(options);
    const rows = rowTotal(tables);
    console.log(
      `seed: generated ${rows.toLocaleString('en')} rows in ${seconds(generating)}; writing to ${store.label}…`,
    );

    const writing = performance.now();
    await store.writeTenant(tenantId, tables, (written) => {
      if (process.stdout.isTTY) process.stdout.write(`\rseed: writing ${Math.round((written / rows) * 100)} %`);
    });
    if (process.stdout.isTTY) process.stdout.write('\n');
    console.log(`seed: wrote the demo tenant in ${seconds(writing)} (total ${seconds(started)})`);
    console.table(Object.fromEntries(Object.entries(tables).map(([t, rows]) => [t, rows.length])));
    console.log(`seed: customer segments ${JSON.stringify(segments)}`);
    if (!options.quiet) printLogins();
    return true;
  } finally {
    await store.dispose();
  }
}

const rowTotal = (tables) => Object.values(tables).reduce((n, rows) => n + rows.length, 0);

export function printLogins(origin = 'http://127.0.0.1:8787') {
  const line = '─'.repeat(66);
  console.log(
    [
      line,
      ` Fieldline demo: Demo Distribution Co   API ${origin}   docs ${origin}/docs`,
      ` Web app: ${origin}/app/`,
      ` Password for every demo user: ${DEMO_LOGINS.password}`,
      `   owner     ${DEMO_LOGINS.owner}`,
      `   manager   ${DEMO_LOGINS.manager}`,
      `   salesmen  ${DEMO_LOGINS.salesmen}`,
      ` curl -s ${origin}/v1/auth/login -H 'content-type: application/json' \\`,
      `   -d '{"email":"${DEMO_LOGINS.manager}","password":"${DEMO_LOGINS.password}"}'`,
      line,
    ].join('\n'),
  );
}

if (import.meta.main ?? process.argv[1] === import.meta.filename) {
  try {
    await seed(process.argv.slice(2));
  } catch (error) {
    console.error(`seed failed: ${process.env.DEBUG ? error?.stack : (error?.message ?? error)}`);
    process.exitCode = 1;
  }
}
