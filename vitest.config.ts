import { defineConfig } from 'vitest/config';
import { workersProjects } from './vitest.workers';

// `npm test`: the Worker suite on D1 (the embedded default) and the built bundle. The same suite on
// Postgres is `npm run test:pg` (vitest.pg.config.ts).
export default defineConfig(async () => ({
  test: {
    projects: [
      ...(await workersProjects({ name: 'workers', setupFiles: ['./test/helpers/apply-migrations.ts'] })),
      {
        // The Worker as wrangler bundles it, served by workerd (test/bundle/global-setup.ts): what the
        // suite above cannot see, such as two copies of a module in the bundle.
        test: {
          name: 'bundle',
          environment: 'node',
          include: ['test/bundle/**/*.test.ts'],
          globalSetup: ['./test/bundle/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
}));
