/**
 * Where the Postgres run of the suite finds its server: scripts/pg.sh's local cluster and proxy unless
 * TEST_PG_URL / TEST_PG_WS_PROXY say otherwise. TEST_PG_URL names the maintenance database the run
 * creates its databases from (the role needs CREATEDB).
 */
const adminUrl = process.env.TEST_PG_URL ?? 'postgres://fieldline:fieldline@localhost:5432/postgres';
const proxy = process.env.TEST_PG_WS_PROXY ?? '127.0.0.1:5488';

/** Migrated once per run; every test file gets a copy (CREATE DATABASE … TEMPLATE). */
export const TEMPLATE_DATABASE = 'fieldline_test_template';
/** Per-file databases start with this, so a run can drop what an interrupted run left. */
export const FILE_DATABASE_PREFIX = 'fieldline_test_f';

export const POSTGRES_TEST_BINDINGS = {
  TEST_PG_ADMIN_URL: adminUrl,
  // The Worker's own settings: DATABASE_URL is replaced per file by test/pg/setup.ts.
  DATABASE_URL: adminUrl,
  DATABASE_WS_PROXY: proxy,
};
