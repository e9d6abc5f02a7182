import type { Settings } from 'meilisearch';
import type { CustomerRecord, ProductRecord, SearchQuery, SearchSort } from './search-port';
import { MIN_WORD_SIZE_FOR_ONE_TYPO, MIN_WORD_SIZE_FOR_TWO_TYPOS } from './text';

/**
 * How Fieldline's records live in Meilisearch: ONE index per entity type shared by all tenants, every
 * document carrying `tenantId`, and every search (server side, and tenant tokens client side) filtered by
 * it. Pure functions, so the exact requests can be asserted in tests without a server.
 */

export const indexNames = (prefix: string) => ({ products: `${prefix}products`, customers: `${prefix}customers` });

export const PRIMARY_KEY = 'uid';

const typoTolerance = {
  enabled: true,
  minWordSizeForTypos: { oneTypo: MIN_WORD_SIZE_FOR_ONE_TYPO, twoTypos: MIN_WORD_SIZE_FOR_TWO_TYPOS },
  disableOnNumbers: true,
};

export const PRODUCT_SETTINGS: Settings = {
  // Order is weight: a match in the name outranks one in the sku, which outranks category/description.
  searchableAttributes: ['name', 'sku', 'category', 'description'],
  filterableAttributes: ['tenantId', 'category', 'active', 'priceMinor'],
  sortableAttributes: ['name', 'priceMinor'],
  typoTolerance: { ...typoTolerance, disableOnAttributes: ['sku'] },
};

export const CUSTOMER_SETTINGS: Settings = {
  searchableAttributes: ['name', 'company', 'email', 'phone', 'city'],
  filterableAttributes: ['tenantId', 'territoryId', '_geo'],
  sortableAttributes: ['name', '_geo'],
  typoTolerance: { ...typoTolerance, disableOnAttributes: ['email', 'phone'] },
};

const SAFE_ID = /^[A-Za-z0-9_-]{1,200}$/;

/**
 * Document ids must be unique across tenants (record ids are only unique within one) and use
 * [A-Za-z0-9_-]; ids outside that alphabet are base64url-encoded so a push never fails on them.
 */
export function documentUid(tenantId: string, id: string): string {
  if (SAFE_ID.test(tenantId) && SAFE_ID.test(id)) return `${tenantId}_${id}`;
  const bytes = new TextEncoder().encode(`${tenantId}\u0000${id}`);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return `b64_${btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replaceAll('=', '')}`;
}

export function productDocument(p: ProductRecord) {
  return {
    [PRIMARY_KEY]: documentUid(p.tenantId, p.id),
    id: p.id,
    tenantId: p.tenantId,
    sku: p.sku,
    name: p.name,
    description: p.description,
    category: p.category,
    priceMinor: p.priceMinor,
    currency: p.currency,
    active: p.active,
  };
}

export function customerDocument(c: CustomerRecord) {
  return {
    [PRIMARY_KEY]: documentUid(c.tenantId, c.id),
    id: c.id,
    tenantId: c.tenantId,
    name: c.name,
    company: c.company,
    email: c.email,
    phone: c.phone,
    city: c.city,
    territoryId: c.territoryId,
    salesmanId: c.salesmanId,
    ...(c.lat != null && c.lng != null ? { _geo: { lat: c.lat, lng: c.lng } } : {}),
  };
}

/** A double-quoted filter value; Meilisearch (≥ 1.4) unescapes `\\` and `\"` inside it. */
export const quote = (value: string) => `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;

export const tenantFilter = (tenantId: string) => `tenantId = ${quote(tenantId)}`;

/** The filter list (ANDed by Meilisearch); the tenant condition is always first and always present. */
export function searchFilters(tenantId: string, query: SearchQuery): string[] {
  const f = query.filters;
  const filters = [tenantFilter(tenantId)];
  if (query.type === 'products') {
    if (f.category !== undefined) filters.push(`category = ${quote(f.category)}`);
    if (f.minPrice !== undefined) filters.push(`priceMinor >= ${Math.trunc(f.minPrice)}`);
    if (f.maxPrice !== undefined) filters.push(`priceMinor <= ${Math.trunc(f.maxPrice)}`);
    if (f.active !== undefined) filters.push(`active = ${f.active}`);
  } else if (f.territoryId !== undefined) {
    filters.push(`territoryId = ${quote(f.territoryId)}`);
  }
  return filters;
}

export function searchSort(sort: SearchSort): string[] | undefined {
  switch (sort) {
    case 'relevance':
      return undefined;
    case 'name':
      return ['name:asc'];
    case '-name':
      return ['name:desc'];
    case 'price':
      return ['priceMinor:asc'];
    case '-price':
      return ['priceMinor:desc'];
  }
}

/** Finite numbers only: they are written into a filter expression. */
const coordinate = (n: number) => {
  if (!Number.isFinite(n)) throw new Error('coordinate must be a finite number');
  return String(n);
};

export const geoRadiusFilter = (lat: number, lng: number, radiusM: number) =>
  `_geoRadius(${coordinate(lat)}, ${coordinate(lng)}, ${Math.round(radiusM)})`;

export const geoSort = (lat: number, lng: number) => `_geoPoint(${coordinate(lat)}, ${coordinate(lng)}):asc`;
