// `npm run db:migrate:pg`: applies migrations-pg/ to the Postgres database named by DATABASE_URL (the
// local one of scripts/pg.sh when unset), with drizzle's own migrator; applied migrations are recorded in
// drizzle.__drizzle_migrations, so running it again applies only what is new.
import { join } from 'node:path';
import { drizzle } from 'drizzle-orm/neon-serverless';
import { migrate } from 'drizzle-orm/neon-serverless/migrator';
import { openPool, postgresSettings } from './pg-client.mjs';

export const MIGRATIONS_FOLDER = join(import.meta.dirname, '..', 'migrations-pg');

export async function migratePostgres(settings) {
  const pool = openPool(settings);
  try {
    await migrate(drizzle({ client: pool }), { migrationsFolder: MIGRATIONS_FOLDER });
  } finally {
    await pool.end();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const settings = postgresSettings();
  const where = new URL(settings.url);
  try {
    await migratePostgres(settings);
    console.log(`Postgres migrations applied to ${where.host}${where.pathname}`);
  } catch (err) {
    console.error(`db:migrate:pg failed on ${where.host}${where.pathname}: ${err.message}`);
    console.error('Is PostgreSQL running? Locally: bash scripts/pg.sh start');
    process.exit(1);
  }
}
