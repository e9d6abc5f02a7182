import path from 'node:path';
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import type { TestProjectConfiguration } from 'vitest/config';

/** Bindings every run of the Worker suite gets, whichever database it runs on. */
const testBindings = async () => ({
  ENVIRONMENT: 'test',
  TEST_MIGRATIONS: await readD1Migrations(path.join(import.meta.dirname, 'migrations')),
  // Two keys so rotation is exercised: k-test signs, k-old still verifies.
  JWT_KEYS: 'k-test:test-signing-secret-0123456789abcdef0123456789,k-old:old-signing-secret-0123456789abcdef01234567',
  // Two peppers: p-test hashes new passwords, hashes of p-old still verify (and are rehashed).
  PASSWORD_PEPPER:
    'p-test:test-pepper-secret-0123456789abcdef0123456789,p-old:old-pepper-secret-0123456789abcdef0123456789',
  // Tests run inside workerd and cannot read the shell: pass a live Meilisearch through, if any.
  MEILI_TEST_URL: process.env.MEILI_TEST_URL ?? '',
  MEILI_TEST_KEY: process.env.MEILI_TEST_KEY ?? '',
});

/**
 * The Worker suite as one vitest project: the tests run inside workerd with the Worker's own bindings
 * (D1, the tenant hub, queues, send_email). `bindings` adds to them (the Postgres run sets DATABASE_URL).
 */
export async function workersProject(options: {
  name: string;
  setupFiles: string[];
  bindings?: Record<string, string>;
  include?: string[];
  exclude?: string[];
}): Promise<TestProjectConfiguration> {
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: './wrangler.jsonc' },
        miniflare: { bindings: { ...(await testBindings()), ...options.bindings } },
      }),
    ],
    test: {
      name: options.name,
      setupFiles: options.setupFiles,
      include: options.include ?? ['test/**/*.test.ts'],
      exclude: ['test/bundle/**', ...(options.exclude ?? [])],
      testTimeout: 30_000,
      hookTimeout: 60_000,
    },
  };
}
