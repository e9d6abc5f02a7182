import { defineConfig } from 'vitest/config';
import { POSTGRES_TEST_BINDINGS } from './test/pg/settings';
import { workersProject } from './vitest.workers';

// `npm run test:pg`: the Worker suite on Postgres. PostgreSQL and its WebSocket proxy must be running
// (`bash scripts/pg.sh start`; .ci/run does it). test/pg/global-setup.ts migrates a template database
// once; each test file then runs on its own copy of it (test/pg/setup.ts), as each file gets its own D1.
export default defineConfig(async () => {
  const project = await workersProject({
    name: 'workers-pg',
    // No D1 migrations: a test that reached for D1 by mistake fails loudly (no such table).
    setupFiles: ['./test/pg/setup.ts'],
    bindings: POSTGRES_TEST_BINDINGS,
  });
  return {
    test: {
      projects: [{ ...project, test: { ...project.test, globalSetup: ['./test/pg/global-setup.ts'] } }],
    },
  };
});
