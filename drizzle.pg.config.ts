import { defineConfig } from 'drizzle-kit';

// The Postgres (Neon) schema; `npm run db:generate:pg` writes its migrations. Generating needs no database.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/pg/schema/index.ts',
  out: './migrations-pg',
});
