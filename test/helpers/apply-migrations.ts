import { applyD1Migrations } from 'cloudflare:test';
import { env } from 'cloudflare:workers';

// Runs before each test file; applyD1Migrations skips what is already applied (files that share a
// workerd runtime share its D1, see vitest.workers.ts).
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
