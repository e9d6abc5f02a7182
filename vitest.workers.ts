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
  // Webhooks go to the local receiver (test/receivers), and retries come after seconds, not hours.
  WEBHOOKS_ALLOW_PRIVATE_URLS: 'true',
  WEBHOOK_RETRY_SCHEDULE: '1,1,1',
  WEBHOOK_TIMEOUT_MS: '1500',
  // A fixed VAPID pair: the local push service (test/receivers/push-service.ts) checks its signatures.
  VAPID_PUBLIC_KEY: 'BFMcgIaS8LtCyhpGqMCUolBYlLfbRn-v1ZCwe8cPwO17g5B6aYRbudAncJQcrji_cheGsnxzJ3CIxzaJ1NAf6L8',
  VAPID_PRIVATE_KEY: 'FTzfOJ3czgYJG6rWLdBkeuCyqshZXjw3F_QeTnqRjjA',
  VAPID_SUBJECT: 'mailto:push-test@fieldline.dev',
  NOTIFICATION_RETRY_SCHEDULE: '1,1,1',
});

/**
 * Test files that need a runtime holding only what they do: the nightly and hourly cron tests run their
 * jobs for every tenant in the database and wait for them all; the N+1 test counts every statement the
 * runtime sends, so background work left by earlier files (queue retries, hub alarms) would count too.
 * They run in a runtime of their own; every other file shares its runtime with the files before it.
 */
export const NEEDS_A_FRESH_DATABASE = ['test/integration/cron.test.ts', 'test/graphql/n-plus-one.test.ts'];

/**
 * The Worker suite as vitest projects: the tests run inside workerd with the Worker's own bindings
 * (D1, the tenant hub, queues, send_email). `bindings` adds to them (the Postgres run sets DATABASE_URL).
 *
 * Starting a workerd runtime for a test file costs about 6 s on the CI machine, more than most files'
 * tests, so the main project runs its files one after another in a shared runtime (`isolate: false`):
 * the database, Durable Objects, queues and module state (an isolate's caches) carry over from the
 * files before, as in a long-lived production isolate. Tests create their own tenants
 * (test/helpers/factories.ts), and tenant isolation is what the product promises anyway, so one
 * test's tenant never sees another's rows. Files in NEEDS_A_FRESH_DATABASE get a runtime each.
 */
export async function workersProjects(options: {
  name: string;
  setupFiles: string[];
  /**
   * Node-side setup for the run, given to both projects (either may run alone, e.g. one file); it must
   * do its work once per run. Each project also starts its own receivers (test/receivers/global-setup.ts).
   */
  globalSetup?: string[];
  bindings?: Record<string, string>;
  include?: string[];
  exclude?: string[];
}): Promise<TestProjectConfiguration[]> {
  const bindings = { ...(await testBindings()), ...options.bindings };
  const project = (name: string, isolate: boolean, include: string[], exclude: string[], globalSetup: string[]) => ({
    plugins: [cloudflareTest({ wrangler: { configPath: './wrangler.jsonc' }, miniflare: { bindings } })],
    test: {
      name,
      isolate,
      setupFiles: options.setupFiles,
      globalSetup: [...globalSetup, './test/receivers/global-setup.ts'],
      include,
      exclude: ['test/bundle/**', ...exclude, ...(options.exclude ?? [])],
      testTimeout: 30_000,
      hookTimeout: 60_000,
    },
  });
  return [
    project(
      options.name,
      false,
      options.include ?? ['test/**/*.test.ts'],
      NEEDS_A_FRESH_DATABASE,
      options.globalSetup ?? [],
    ),
    project(`${options.name}-fresh`, true, NEEDS_A_FRESH_DATABASE, [], options.globalSetup ?? []),
  ];
}
