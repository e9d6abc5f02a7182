-- Hand-written (drizzle-kit generate --custom). Extensions the Postgres search backend will build on: pg_trgm
-- gives trigram similarity and GIN/GiST trigram indexes (substring and typo-tolerant matching), the Postgres
-- counterpart of the FTS5 index and vocabulary that SQLite keeps (migrations/0002_search.sql). Neon allows it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
