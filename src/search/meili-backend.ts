import { and, asc, eq, gt, isNull } from 'drizzle-orm';
import { type EnqueuedTaskPromise, Meilisearch, type SearchParams, type Settings } from 'meilisearch';
import { generateTenantToken } from 'meilisearch/token';
import type { Db } from '../db/client';
import { customers, products } from '../db/tables';
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
import { loadByIds } from './records';
import type {
  CustomerRecord,
  NearQuery,
  NearResult,
  ProductRecord,
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
 * the server side, hits are re-checked for the tenant and hydrated from the database (D1 or Postgres, so a
 * hit is always the current, live record), and the browser-facing key is a tenant token whose search rules carry the same filter.
 */
export class MeiliBackend implements SearchPort, SearchFeed {
  readonly backend = 'meilisearch' as const;
  readonly feed: SearchFeed = this;
  private readonly client: Meilisearch;
  readonly indexes: { products: string; customers: string };

  constructor(
    private readonly db: Db,
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
    return {
      type: query.type,
      hits: hits.map(({ hit, entity }) => ({
        id: entity.id,
        score: Number(hit._rankingScore ?? 0),
        highlights: highlightsOf(hit),
        entity,
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
    // One after the other: on Postgres, parallel reads would each open a connection of the request's pool.
    const lists: Awaited<ReturnType<MeiliBackend['hydrate']>>[] = [];
    for (const [i, type] of query.types.entries()) {
      lists.push(await this.hydrate(tenantId, type, (res.results[i]?.hits ?? []) as Hit[]));
    }
    const suggestions = lists.flatMap((list, i) =>
      list.map(({ hit, entity }) => {
        const detail = 'sku' in entity ? entity.sku : entity.company;
        return {
          type: query.types[i] === 'products' ? ('product' as const) : ('customer' as const),
          id: entity.id,
          text: detail ? `${entity.name} (${detail})` : entity.name,
          highlight: String(hit._formatted?.name ?? entity.name),
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
      hits: hits.map(({ hit, entity }) => ({
        id: entity.id,
        distanceM: Number(hit._geoDistance ?? 0),
        entity: entity as CustomerRecord,
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
      let after: string | null = null;
      for (;;) {
        const page = await this.livePage(type, tenantId, after);
        if (page.length === 0) break;
        const docs =
          type === 'products'
            ? (page as ProductRecord[]).map(productDocument)
            : (page as CustomerRecord[]).map(customerDocument);
        tasks.push(index.addDocuments(docs, { primaryKey: PRIMARY_KEY }));
        counts[type] += page.length;
        after = page.at(-1)?.id ?? null;
        if (page.length < PUSH_BATCH) break;
      }
    }
    await this.settle(tasks);
    return counts;
  }

  /** The tenant's live records after `after` in id order (the database's own order of its id type). */
  private livePage(type: SearchType, tenantId: string, after: string | null) {
    const table = type === 'products' ? products : customers;
    return this.db
      .select()
      .from(table)
      .where(
        and(eq(table.tenantId, tenantId), isNull(table.deletedAt), after === null ? undefined : gt(table.id, after)),
      )
      .orderBy(asc(table.id))
      .limit(PUSH_BATCH);
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

  /** Keeps hits of this tenant whose record is still live in the database, in Meilisearch's order. */
  private async hydrate(tenantId: string, type: SearchType, hits: Hit[]) {
    const own = hits.filter((h) => h.tenantId === tenantId && typeof h.id === 'string');
    const ids = own.map((h) => h.id as string);
    const records: Map<string, ProductRecord | CustomerRecord> =
      type === 'products'
        ? await loadByIds(this.db, 'products', tenantId, ids)
        : await loadByIds(this.db, 'customers', tenantId, ids);
    return own.flatMap((hit) => {
      const entity = records.get(hit.id as string);
      return entity ? [{ hit, entity }] : [];
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
