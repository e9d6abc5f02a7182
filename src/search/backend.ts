import type { Db } from '../db/client';
import type { Config } from '../env';
import { Fts5Backend } from './fts5-backend';
import { MeiliBackend } from './meili-backend';
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

/** Meilisearch when configured, else FTS5 inside D1. `db` is the database opened for the request. */
export function searchPortFor(config: Config, db: Db): SearchPort {
  return meiliBackendFor(config, db) ?? new Fts5Backend(db.$client);
}
