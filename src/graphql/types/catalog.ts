import { getInventory, getInventoryByProductIds, listInventory } from '../../services/inventory.service';
import { countProducts, getProduct, listProducts } from '../../services/products.service';
import { builder } from '../builder';
import { connectionComplexity, pageRequest, sortEnum, toConnection } from '../connection';
import { badInput } from '../errors';
import { localId } from '../ids';
import { InventoryRef, ProductConnection, ProductRef } from '../refs';
import { searchConnection } from '../search';
import { ProductSort } from '../sorts';
import { entityFields } from './common';

ProductRef.implement({
  description: 'A catalogue item. Prices are in minor units of `currency`.',
  fields: (t) => ({
    ...entityFields(t),
    sku: t.exposeString('sku'),
    name: t.exposeString('name'),
    description: t.exposeString('description', { nullable: true }),
    category: t.exposeString('category', { nullable: true }),
    priceMinor: t.field({ type: 'SafeInt', resolve: (p) => p.priceMinor }),
    currency: t.exposeString('currency'),
    active: t.exposeBoolean('active'),
    inventory: t.loadable({
      type: InventoryRef,
      nullable: true,
      description: 'Stock levels (needs inventory:read)',
      load: (ids: string[], ctx) => getInventoryByProductIds(ctx.service, ids),
      sort: (i) => i.productId,
      resolve: (p) => p.id,
    }),
  }),
});

InventoryRef.implement({
  description: "A product's stock: on hand, reserved by confirmed orders, and available (on hand − reserved).",
  fields: (t) => ({
    product: t.field({ type: ProductRef, nullable: true, resolve: (i) => i.productId }),
    onHand: t.exposeInt('onHand'),
    reserved: t.exposeInt('reserved'),
    available: t.exposeInt('available'),
    lowStockThreshold: t.exposeInt('lowStockThreshold', {
      description: '`stockLow` fires when available falls to or below it',
    }),
    version: t.exposeInt('version'),
    updatedAt: t.field({ type: 'DateTime', resolve: (i) => i.updatedAt }),
  }),
});

const InventorySort = sortEnum('InventorySort', ['sku', 'name', 'available', 'updatedAt']);
const InventoryConnection = builder.connectionObject(
  { type: InventoryRef, name: 'InventoryConnection' },
  { name: 'InventoryEdge' },
);

builder.queryFields((t) => ({
  products: t.connection(
    {
      type: ProductRef,
      nullable: true,
      description: 'The catalogue. With `search`, the search service ranks typo-tolerant matches.',
      args: {
        search: t.arg.string({ description: 'Typo-tolerant full-text search over name, sku, description, category' }),
        category: t.arg.string({ description: 'Exact category' }),
        active: t.arg.boolean(),
        minPrice: t.arg({ type: 'SafeInt', description: 'Minimum priceMinor (inclusive)' }),
        maxPrice: t.arg({ type: 'SafeInt', description: 'Maximum priceMinor (inclusive)' }),
        sort: t.arg({ type: ProductSort, description: 'Default NAME_ASC, or RELEVANCE with search' }),
      },
      complexity: connectionComplexity,
      resolve: async (_root, args, ctx) => {
        const filters = {
          category: args.category ?? undefined,
          active: args.active ?? undefined,
          minPrice: args.minPrice ?? undefined,
          maxPrice: args.maxPrice ?? undefined,
        };
        if (filters.minPrice !== undefined && filters.maxPrice !== undefined && filters.minPrice > filters.maxPrice) {
          throw badInput('minPrice must not exceed maxPrice');
        }
        if (args.search != null) return searchConnection(ctx, 'products', args.search, args, filters);
        const sort = args.sort ?? 'name';
        if (sort === 'relevance') throw badInput('sort RELEVANCE needs search');
        const page = await listProducts(ctx.service, filters, pageRequest(args, sort));
        return toConnection(page, sort, () => countProducts(ctx.service, filters));
      },
    },
    ProductConnection,
  ),
  product: t.field({
    type: ProductRef,
    nullable: true,
    args: { id: t.arg.id({ required: true, description: 'Global id or UUID' }) },
    resolve: (_root, args, ctx) => getProduct(ctx.service, localId(args.id, 'Product')),
  }),
  inventory: t.connection(
    {
      type: InventoryRef,
      nullable: true,
      description: 'Stock of live products',
      args: {
        lowStock: t.arg.boolean({ description: 'true: only items at or below their threshold; false: the others' }),
        sort: t.arg({ type: InventorySort, required: true, defaultValue: 'sku' }),
      },
      complexity: connectionComplexity,
      resolve: async (_root, args, ctx) => {
        const { limit, cursor } = pageRequest(args, args.sort);
        const page = await listInventory(
          ctx.service,
          { lowStock: args.lowStock ?? undefined },
          { limit, cursor, sort: args.sort },
        );
        return toConnection(page, args.sort, undefined, (item) => item.productId);
      },
    },
    InventoryConnection,
  ),
  inventoryItem: t.field({
    type: InventoryRef,
    nullable: true,
    description: "One product's stock",
    args: { productId: t.arg.id({ required: true, description: 'Global id or UUID of the product' }) },
    resolve: (_root, args, ctx) => getInventory(ctx.service, localId(args.productId, 'Product', 'productId')),
  }),
}));
