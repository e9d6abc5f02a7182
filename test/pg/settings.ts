/**
 * Where the Postgres run of the suite finds its server: scripts/pg.sh's local cluster and proxy unless
 * TEST_PG_URL / TEST_PG_WS_PROXY say otherwise. TEST_PG_URL names the maintenance database the run
 * creates its databases from (the role needs CREATEDB).
 */
const adminUrl = process.env.TEST_PG_URL ?? 'postgres://fieldline:fieldline@localhost:5432/postgres';
const proxy = process.env.TEST_PG_WS_PROXY ?? '127.0.0.1:5488';

/**
 * Every database a run creates is named after the run (its start time and a random part), so runs side
 * by side never touch each other's databases, and one left behind by an interrupted run can be told by
 * its age and dropped by a later run.
 */
export const DATABASE_PREFIX = 'fl_test_';
// Set once by the config and read again by the global setup, which runs in the same process.
process.env.FIELDLINE_TEST_PG_RUN ||= `${Math.floor(Date.now() / 1000)}_${Math.random().toString(36).slice(2, 8)}`;
const run = process.env.FIELDLINE_TEST_PG_RUN;

/** Migrated once per run; every test file gets a copy (CREATE DATABASE … TEMPLATE). */
export const TEMPLATE_DATABASE = `${DATABASE_PREFIX}${run}_template`;
/** Per-file databases of this run start with this. */
export const FILE_DATABASE_PREFIX = `${DATABASE_PREFIX}${run}_f`;

export const POSTGRES_TEST_BINDINGS = {
  TEST_PG_ADMIN_URL: adminUrl,
  TEST_PG_TEMPLATE: TEMPLATE_DATABASE,
  TEST_PG_FILE_PREFIX: FILE_DATABASE_PREFIX,
  // The Worker's own settings: DATABASE_URL is replaced per file by test/pg/setup.ts.
  DATABASE_URL: adminUrl,
  DATABASE_WS_PROXY: proxy,
};
