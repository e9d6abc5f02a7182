import path from 'node:path';
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';

export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(import.meta.dirname, 'migrations'));
  return {
    test: {
      projects: [
        {
          plugins: [
            cloudflareTest({
              wrangler: { configPath: './wrangler.jsonc' },
              miniflare: {
                bindings: {
                  ENVIRONMENT: 'test',
                  TEST_MIGRATIONS: migrations,
                  // Two keys so rotation is exercised: k-test signs, k-old still verifies.
                  JWT_KEYS:
                    'k-test:test-signing-secret-0123456789abcdef0123456789,k-old:old-signing-secret-0123456789abcdef01234567',
                  // Two peppers: p-test hashes new passwords, hashes of p-old still verify (and are rehashed).
                  PASSWORD_PEPPER:
                    'p-test:test-pepper-secret-0123456789abcdef0123456789,p-old:old-pepper-secret-0123456789abcdef0123456789',
                  // Tests run inside workerd and cannot read the shell: pass a live Meilisearch through, if any.
                  MEILI_TEST_URL: process.env.MEILI_TEST_URL ?? '',
                  MEILI_TEST_KEY: process.env.MEILI_TEST_KEY ?? '',
                },
              },
            }),
          ],
          test: {
            name: 'workers',
            setupFiles: ['./test/helpers/apply-migrations.ts'],
            include: ['test/**/*.test.ts'],
            exclude: ['test/bundle/**'],
            testTimeout: 30_000,
            hookTimeout: 60_000,
          },
        },
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
  };
});
