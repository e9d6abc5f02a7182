import { type Db, fts5Driver } from '../db/client';
import { isPostgres } from '../db/sql';
import type { Config } from '../env';
import { Fts5Backend } from './fts5-backend';
import { MeiliBackend } from './meili-backend';
import { PostgresBackend } from './pg-backend';
import type { SearchPort } from './search-port';

/** Meilisearch is used when both its host and an API key are configured; it reads records from `db`. */
export function meiliBackendFor(config: Config, db: Db): MeiliBackend | null {
  if (!config.MEILI_HOST || !config.MEILI_API_KEY) return null;
  return new MeiliBackend(db, {
    host: config.MEILI_HOST,
    apiKey: config.MEILI_API_KEY,
    indexPrefix: config.MEILI_INDEX_PREFIX,
    searchKey: config.MEILI_SEARCH_KEY,
  });
}

/**
 * The search backend of a deployment: Meilisearch when configured, else the index inside the database the
 * deployment runs on (`db`, as opened for the request): FTS5 on D1, tsvector and pg_trgm on Postgres.
 */
export function searchPortFor(config: Config, db: Db): SearchPort {
  const meili = meiliBackendFor(config, db);
  if (meili) return meili;
  return isPostgres(db) ? new PostgresBackend(db) : new Fts5Backend(fts5Driver(db));
}
