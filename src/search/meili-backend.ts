import { type EnqueuedTaskPromise, Meilisearch, type SearchParams, type Settings } from 'meilisearch';
import { generateTenantToken } from 'meilisearch/token';
import {
  CUSTOMER_SETTINGS,
  customerDocument,
  documentUid,
  geoRadiusFilter,
  geoSort,
  indexNames,
  PRIMARY_KEY,
  PRODUCT_SETTINGS,
  productDocument,
  searchFilters,
  searchSort,
  tenantFilter,
} from './meili-settings';
import { CUSTOMER_COLUMNS, customerFromRow, loadByIds, PRODUCT_COLUMNS, productFromRow, type Row } from './records';
import type {
  NearQuery,
  NearResult,
  ReindexReport,
  SearchFeed,
  SearchPort,
  SearchQuery,
  SearchResult,
  SearchType,
  Suggestion,
  SuggestQuery,
  SyncBatch,
} from './search-port';

export interface MeiliOptions {
  host: string;
  /** An admin API key (documents, settings, tasks, keys). */
  apiKey: string;
  indexPrefix: string;
  /** Signs tenant tokens; an API key with the `search` action, never the master key. Defaults to `apiKey`. */
  searchKey?: string | undefined;
  /** How long a push may wait for Meilisearch to process it before the indexer retries later. */
  taskTimeoutMs?: number;
}

type Hit = Record<string, unknown> & { id?: unknown; tenantId?: unknown; _formatted?: Record<string, unknown> };

const HIGHLIGHT = { highlightPreTag: '<mark>', highlightPostTag: '</mark>', showRankingScore: true } as const;
const PUSH_BATCH = 1000;

/** Index creation and settings are applied once per isolate and configuration (they are idempotent). */
const prepared = new Map<string, Promise<void>>();
export const forgetPreparedIndexes = () => prepared.clear();
const keyUids = new Map<string, Promise<string>>();

/**
 * Meilisearch: one index per entity type shared by all tenants. Every request adds the tenant filter on
 * the server side, hits are re-checked for the tenant and hydrated from D1 (so a hit is always the current,
 * live record), and the browser-facing key is a tenant token whose search rules carry the same filter.
 */
export class MeiliBackend implements SearchPort, SearchFeed {
  readonly backend = 'meilisearch' as const;
  readonly feed: SearchFeed = this;
  private readonly client: Meilisearch;
  readonly indexes: { products: string; customers: string };

  constructor(
    private readonly d1: D1Database,
    private readonly options: MeiliOptions,
  ) {
    this.client = new Meilisearch({ host: options.host, apiKey: options.apiKey, timeout: 10_000 });
    this.indexes = indexNames(options.indexPrefix);
  }

  async search(tenantId: string, query: SearchQuery): Promise<SearchResult> {
    const products = query.type === 'products';
    const sort = searchSort(query.sort);
    const params: SearchParams = {
      filter: searchFilters(tenantId, query),
      limit: query.limit,
      ...(sort ? { sort } : {}),
      attributesToHighlight: products ? ['name', 'sku', 'category'] : ['name', 'company', 'email', 'phone', 'city'],
      ...(products ? { attributesToCrop: ['description'], cropLength: 12 } : {}),
      ...HIGHLIGHT,
    };
    const res = await this.client.index(this.indexes[query.type]).search<Hit>(query.q, params);
    const hits = await this.hydrate(tenantId, query.type, res.hits);
    const toEntity = products ? productFromRow : customerFromRow;
    return {
      type: query.type,
      hits: hits.map(({ hit, row }) => ({
        id: row.id as string,
        score: Number(hit._rankingScore ?? 0),
        highlights: highlightsOf(hit),
        entity: toEntity(row),
      })),
      total: res.estimatedTotalHits ?? hits.length,
      corrections: {},
    } as SearchResult;
  }

  async suggest(tenantId: string, query: SuggestQuery): Promise<Suggestion[]> {
    if (query.types.length === 0 || query.q.trim() === '') return [];
    const res = await this.client.multiSearch({
      queries: query.types.map((type) => ({
        indexUid: this.indexes[type],
        q: query.q,
        limit: query.limit,
        filter: [tenantFilter(tenantId)],
        attributesToSearchOn: type === 'products' ? ['name', 'sku'] : ['name', 'company'],
        attributesToHighlight: ['name'],
        ...HIGHLIGHT,
      })),
    });
    const lists = await Promise.all(
      query.types.map((type, i) => this.hydrate(tenantId, type, (res.results[i]?.hits ?? []) as Hit[])),
    );
    const suggestions = lists.flatMap((list, i) =>
      list.map(({ hit, row }) => {
        const detail = (query.types[i] === 'products' ? row.sku : row.company) as string | null;
        return {
          type: query.types[i] === 'products' ? ('product' as const) : ('customer' as const),
          id: row.id as string,
          text: detail ? `${row.name} (${detail})` : (row.name as string),
          highlight: String(hit._formatted?.name ?? row.name),
          score: Number(hit._rankingScore ?? 0),
        };
      }),
    );
    return suggestions.sort((a, b) => b.score - a.score).slice(0, query.limit);
  }

  async near(tenantId: string, query: NearQuery): Promise<NearResult> {
    const res = await this.client.index(this.indexes.customers).search<Hit>('', {
      filter: [tenantFilter(tenantId), geoRadiusFilter(query.lat, query.lng, query.radiusM)],
      sort: [geoSort(query.lat, query.lng)],
      limit: query.limit,
    });
    const hits = await this.hydrate(tenantId, 'customers', res.hits);
    return {
      hits: hits.map(({ hit, row }) => ({
        id: row.id as string,
        distanceM: Number(hit._geoDistance ?? 0),
        entity: customerFromRow(row),
      })),
      total: res.estimatedTotalHits ?? hits.length,
    };
  }

  async sync(tenantId: string, batch: SyncBatch): Promise<void> {
    await this.prepare();
    const tasks: EnqueuedTaskPromise[] = [];
    const push = (type: SearchType, docs: Record<string, unknown>[], removed: string[]) => {
      const index = this.client.index(this.indexes[type]);
      if (docs.length) tasks.push(index.addDocuments(docs, { primaryKey: PRIMARY_KEY }));
      if (removed.length) tasks.push(index.deleteDocuments(removed.map((id) => documentUid(tenantId, id))));
    };
    push('products', batch.products.upsert.map(productDocument), batch.products.remove);
    push('customers', batch.customers.upsert.map(customerDocument), batch.customers.remove);
    await this.settle(tasks);
  }

  async reindex(tenantId: string): Promise<ReindexReport> {
    await this.prepare();
    const tasks: EnqueuedTaskPromise[] = [];
    const counts = { products: 0, customers: 0 };
    for (const type of ['products', 'customers'] as const) {
      const index = this.client.index(this.indexes[type]);
      tasks.push(index.deleteDocuments({ filter: tenantFilter(tenantId) }));
      const columns = type === 'products' ? PRODUCT_COLUMNS : CUSTOMER_COLUMNS;
      let after = '';
      for (;;) {
        const { results } = await this.d1
          .prepare(
            `SELECT ${columns.join(', ')} FROM ${type} WHERE tenant_id = ? AND deleted_at IS NULL AND id > ? ORDER BY id LIMIT ${PUSH_BATCH}`,
          )
          .bind(tenantId, after)
          .all<Row>();
        if (results.length === 0) break;
        const docs =
          type === 'products'
            ? results.map((r) => productDocument(productFromRow(r)))
            : results.map((r) => customerDocument(customerFromRow(r)));
        tasks.push(index.addDocuments(docs, { primaryKey: PRIMARY_KEY }));
        counts[type] += results.length;
        after = results.at(-1)?.id as string;
        if (results.length < PUSH_BATCH) break;
      }
    }
    await this.settle(tasks);
    return counts;
  }

  /** A search-only key for browsers/apps: expires soon and can only ever see `tenantId`'s documents. */
  async tenantToken(tenantId: string, types: SearchType[], ttlSeconds: number) {
    const apiKey = this.options.searchKey ?? this.options.apiKey;
    const apiKeyUid = await this.keyUid(apiKey);
    // Whole seconds: the token's `exp` claim has no fraction, and the reported expiry must equal it.
    const expiresAt = new Date(Math.floor(Date.now() / 1000 + ttlSeconds) * 1000);
    const indexes = Object.fromEntries(types.map((t) => [t, this.indexes[t]]));
    const searchRules = Object.fromEntries(types.map((t) => [this.indexes[t], { filter: tenantFilter(tenantId) }]));
    const token = await generateTenantToken({ apiKey, apiKeyUid, searchRules, expiresAt });
    return { host: this.options.host, token, expiresAt: expiresAt.toISOString(), indexes };
  }

  private keyUid(apiKey: string): Promise<string> {
    const cacheKey = `${this.options.host}\u0000${apiKey}`;
    const cached = keyUids.get(cacheKey);
    if (cached) return cached;
    const uid = this.client.getKey(apiKey).then((k) => k.uid);
    uid.catch(() => keyUids.delete(cacheKey));
    keyUids.set(cacheKey, uid);
    return uid;
  }

  /** Waits for Meilisearch to process the tasks; any failure or timeout throws, so the caller retries. */
  private async settle(tasks: EnqueuedTaskPromise[]) {
    const enqueued = await Promise.all(tasks);
    const timeout = this.options.taskTimeoutMs ?? 10_000;
    for (const task of enqueued) {
      const done = await this.client.tasks.waitForTask(task.taskUid, { timeout, interval: 50 });
      if (done.status !== 'succeeded') {
        throw new Error(`Meilisearch task ${task.taskUid} ${done.status}: ${JSON.stringify(done.error ?? null)}`);
      }
    }
  }

  private prepare(): Promise<void> {
    const key = `${this.options.host}\u0000${this.options.indexPrefix}`;
    const cached = prepared.get(key);
    if (cached) return cached;
    const ready = this.createIndexes();
    ready.catch(() => prepared.delete(key));
    prepared.set(key, ready);
    return ready;
  }

  private async createIndexes() {
    const setups: [string, Settings][] = [
      [this.indexes.products, PRODUCT_SETTINGS],
      [this.indexes.customers, CUSTOMER_SETTINGS],
    ];
    for (const [uid, settings] of setups) {
      const created = await this.client.tasks.waitForTask(
        (await this.client.createIndex(uid, { primaryKey: PRIMARY_KEY })).taskUid,
      );
      if (created.status !== 'succeeded' && created.error?.code !== 'index_already_exists') {
        throw new Error(`Meilisearch could not create index ${uid}: ${JSON.stringify(created.error ?? null)}`);
      }
      await this.settle([this.client.index(uid).updateSettings(settings)]);
    }
  }

  /** Keeps hits of this tenant whose record is still live in D1, in Meilisearch's order. */
  private async hydrate(tenantId: string, type: SearchType, hits: Hit[]) {
    const own = hits.filter((h) => h.tenantId === tenantId && typeof h.id === 'string');
    const rows = await loadByIds(
      this.d1,
      type,
      tenantId,
      own.map((h) => h.id as string),
    );
    return own.flatMap((hit) => {
      const row = rows.get(hit.id as string);
      return row ? [{ hit, row }] : [];
    });
  }
}

function highlightsOf(hit: Hit): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, value] of Object.entries(hit._formatted ?? {})) {
    if (typeof value === 'string' && value.includes('<mark>')) out[field] = value;
  }
  return out;
}
