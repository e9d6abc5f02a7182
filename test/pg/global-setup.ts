import { migratePostgres } from '../../scripts/migrate-pg.mjs';
import { openPool, withDatabase } from '../../scripts/pg-client.mjs';
import { DATABASE_PREFIX, FILE_DATABASE_PREFIX, POSTGRES_TEST_BINDINGS, TEMPLATE_DATABASE } from './settings';

const settings = { url: POSTGRES_TEST_BINDINGS.TEST_PG_ADMIN_URL, proxy: POSTGRES_TEST_BINDINGS.DATABASE_WS_PROXY };

/** Databases of runs that started this long ago are leftovers of an interrupted run. */
const STALE_AFTER_SECONDS = 6 * 3600;

/** Drops what interrupted runs left and builds a freshly migrated template for this one. */
export async function setup(): Promise<void> {
  // Both projects of the run (vitest.workers.ts) name this setup; the first one builds the template.
  if (process.env.FIELDLINE_TEST_PG_TEMPLATE_BY) return;
  process.env.FIELDLINE_TEST_PG_TEMPLATE_BY = String(process.pid);
  owner = true;
  const admin = openPool(settings);
  try {
    await admin.query('SELECT 1');
  } catch (err) {
    await admin.end().catch(() => {});
    throw new Error(
      `Postgres is not reachable at ${new URL(settings.url).host} through ws://${settings.proxy} ` +
        `(${(err as Error).message}). Start it with: bash scripts/pg.sh start`,
    );
  }
  try {
    await dropStaleDatabases(admin);
    await admin.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`);
  } finally {
    await admin.end();
  }
  await migratePostgres({ url: withDatabase(settings.url, TEMPLATE_DATABASE), proxy: settings.proxy });
}

/** Whether this instance built the template (and so drops the run's databases at the end). */
let owner = false;

export async function teardown(): Promise<void> {
  if (!owner) return;
  const admin = openPool(settings);
  try {
    await dropTestDatabases(admin);
  } finally {
    await admin.end();
  }
}

/** This run's template and per-file databases. */
async function dropTestDatabases(admin: ReturnType<typeof openPool>): Promise<void> {
  const { rows } = await admin.query<{ datname: string }>(
    `SELECT datname FROM pg_database WHERE datname = $1 OR datname LIKE $2`,
    [TEMPLATE_DATABASE, `${FILE_DATABASE_PREFIX}%`],
  );
  for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
}

async function dropStaleDatabases(admin: ReturnType<typeof openPool>): Promise<void> {
  const { rows } = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [
    `${DATABASE_PREFIX}%`,
  ]);
  const now = Date.now() / 1000;
  for (const { datname } of rows) {
    const started = Number(datname.slice(DATABASE_PREFIX.length).split('_')[0]);
    if (Number.isFinite(started) && now - started > STALE_AFTER_SECONDS) {
      await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
  }
}
