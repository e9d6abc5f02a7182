import type { Config } from '../env';
import { Fts5Backend } from './fts5-backend';
import { MeiliBackend } from './meili-backend';
import type { SearchPort } from './search-port';

/** Meilisearch is used when both its host and an API key are configured; otherwise FTS5 inside D1. */
export function meiliBackendFor(config: Config, d1: D1Database): MeiliBackend | null {
  if (!config.MEILI_HOST || !config.MEILI_API_KEY) return null;
  return new MeiliBackend(d1, {
    host: config.MEILI_HOST,
    apiKey: config.MEILI_API_KEY,
    indexPrefix: config.MEILI_INDEX_PREFIX,
    searchKey: config.MEILI_SEARCH_KEY,
  });
}

export function searchPortFor(config: Config, d1: D1Database): SearchPort {
  return meiliBackendFor(config, d1) ?? new Fts5Backend(d1);
}
