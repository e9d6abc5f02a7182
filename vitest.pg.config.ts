import { defineConfig } from 'vitest/config';
import { POSTGRES_TEST_BINDINGS } from './test/pg/settings';
import { workersProjects } from './vitest.workers';

// `npm run test:pg`: the Worker suite on Postgres. PostgreSQL and its WebSocket proxy must be running
// (`bash scripts/pg.sh start`; .ci/run does it). test/pg/global-setup.ts migrates a template database
// once; each workerd runtime of the run gets its own copy of it (test/pg/setup.ts), as it gets its own D1.
/**
 * What runs on Postgres: everything that reaches the database, every file of it. test/unit holds logic
 * that never does (calculations, parsers, the protocol, the schema-parity check, which reads both
 * schemas' definitions): it gives the same result whatever the database, and `npm test` runs it. Tests
 * of one backend's internals skip themselves on the other database (search-vocabulary-memory: FTS5;
 * search-postgres: Postgres).
 */
const REACHES_THE_DATABASE = [
  'test/integration/**/*.test.ts',
  'test/graphql/**/*.test.ts',
  'test/realtime/**/*.test.ts',
];

export default defineConfig(async () => {
  const projects = await workersProjects({
    name: 'workers-pg',
    include: REACHES_THE_DATABASE,
    // No D1 migrations: a test that reached for D1 by mistake fails loudly (no such table).
    setupFiles: ['./test/pg/setup.ts'],
    bindings: POSTGRES_TEST_BINDINGS,
    // The template is migrated once for the run, before either project's first file.
    globalSetup: ['./test/pg/global-setup.ts'],
  });
  return { test: { projects } };
});
