import { env } from 'cloudflare:workers';
import { neonConfig, Pool, type PoolClient } from '@neondatabase/serverless';

// Runs inside workerd before each test file of the Postgres run. The first file a workerd runtime runs
// gets a database of its own, copied from the migrated template, and the Worker (and its Durable
// Objects, which share this env) is pointed at it; later files in that runtime keep it, as they keep
// the runtime's D1 in `npm test` (vitest.workers.ts). The copy takes tens of milliseconds; dropping them is the global teardown's job.
const testEnv = env as unknown as {
  TEST_PG_ADMIN_URL: string;
  TEST_PG_TEMPLATE: string;
  TEST_PG_FILE_PREFIX: string;
  DATABASE_URL: string;
  DATABASE_WS_PROXY: string;
};

neonConfig.wsProxy = () => `${testEnv.DATABASE_WS_PROXY}/`;
neonConfig.useSecureWebSocket = false;
neonConfig.pipelineTLS = false;
neonConfig.pipelineConnect = false;

if (!testEnv.DATABASE_URL.includes(`/${testEnv.TEST_PG_FILE_PREFIX}`)) {
  const name = `${testEnv.TEST_PG_FILE_PREFIX}${crypto.randomUUID().replaceAll('-', '').slice(0, 16)}`;
  const admin = new Pool({ connectionString: testEnv.TEST_PG_ADMIN_URL, max: 1 });
  // The runtime cuts this connection once setup is over; that is expected, not an error of the test.
  admin.on('error', () => {});
  admin.on('connect', (client: PoolClient) => client.on('error', () => {}));
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${testEnv.TEST_PG_TEMPLATE}`);
  } finally {
    await admin.end();
  }
  const url = new URL(testEnv.TEST_PG_ADMIN_URL);
  url.pathname = `/${name}`;
  testEnv.DATABASE_URL = url.toString();
}
