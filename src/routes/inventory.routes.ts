import { uuid } from '../contracts/common';
import { AdjustStockBody } from '../contracts/inventory.schemas';
import { MOVEMENT_KINDS } from '../db/tables';
import {
  adjustStock,
  getInventory,
  listInventory,
  listMovements,
  updateInventory,
} from '../services/inventory.service';
import { listRoute } from './crud';
import {
  booleanQuery,
  createProtectedRouter,
  IdempotencyHeader,
  jsonBody,
  jsonResponse,
  listQuery,
  pageOf,
  protectedRoute,
  serviceContext,
  toApi,
  z,
} from './openapi';

export const InventorySchema = z
  .object({
    productId: uuid(),
    sku: z.string(),
    name: z.string(),
    onHand: z.number().int().openapi({ description: 'Physically in stock' }),
    reserved: z.number().int().openapi({ description: 'Held by confirmed, unfulfilled orders' }),
    available: z.number().int().openapi({ description: 'onHand - reserved' }),
    lowStockThreshold: z.number().int(),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Inventory');

export const StockMovementSchema = z
  .object({
    id: uuid(),
    productId: uuid(),
    kind: z.enum(MOVEMENT_KINDS),
    onHandDelta: z.number().int(),
    reservedDelta: z.number().int(),
    onHandAfter: z.number().int(),
    reservedAfter: z.number().int(),
    reason: z.string().nullable(),
    orderId: z.string().nullable(),
    actorId: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('StockMovement');

const ProductIdParams = z.object({
  productId: uuid().openapi({
    param: { name: 'productId', in: 'path' },
    example: '0190f1c2-7a3e-7c3d-9a51-2f7f5e3b1a10',
  }),
});

export const UpdateInventoryBody = z
  .strictObject({
    lowStockThreshold: z.number().int().min(0).max(1_000_000_000),
    expectedVersion: z.number().int().min(1).optional(),
  })
  .openapi('UpdateInventory');

const ListQuery = listQuery(['sku', 'name', 'available', 'updatedAt'] as const)
  .omit({ includeDeleted: true })
  .extend({
    lowStock: booleanQuery.openapi({ description: 'true: only items with available ≤ lowStockThreshold' }),
    productId: uuid().optional(),
  });

const MovementsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(512).optional(),
});

export const inventoryRouter = listRoute(createProtectedRouter(), {
  tags: ['Inventory'],
  summary: 'List stock levels',
  query: ListQuery,
  schema: InventorySchema,
  pageName: 'InventoryPage',
  description: 'A page of stock levels',
  list: listInventory,
})
  .openapi(
    protectedRoute({
      method: 'get',
      path: '/{productId}',
      tags: ['Inventory'],
      summary: "Get a product's stock level",
      request: { params: ProductIdParams },
      responses: { 200: jsonResponse(InventorySchema, 'The stock level') },
    }),
    async (c) => c.json(await getInventory(serviceContext(c), c.req.valid('param').productId), 200),
  )
  .openapi(
    protectedRoute({
      method: 'patch',
      path: '/{productId}',
      tags: ['Inventory'],
      summary: 'Change the low-stock threshold',
      request: { params: ProductIdParams, ...jsonBody(UpdateInventoryBody) },
      responses: { 200: jsonResponse(InventorySchema, 'The updated stock level') },
    }),
    async (c) =>
      c.json(await updateInventory(serviceContext(c), c.req.valid('param').productId, c.req.valid('json')), 200),
  )
  .openapi(
    protectedRoute({
      method: 'post',
      path: '/{productId}/adjust',
      tags: ['Inventory'],
      summary: 'Adjust stock on hand or book a receipt',
      description: 'Refused with 409 INSUFFICIENT_STOCK if on hand would drop below 0 or below the reserved quantity.',
      request: { params: ProductIdParams, headers: IdempotencyHeader, ...jsonBody(AdjustStockBody) },
      responses: { 200: jsonResponse(InventorySchema, 'The stock level after the change') },
    }),
    async (c) => c.json(await adjustStock(serviceContext(c), c.req.valid('param').productId, c.req.valid('json')), 200),
  )
  .openapi(
    protectedRoute({
      method: 'get',
      path: '/{productId}/movements',
      tags: ['Inventory'],
      summary: "A product's stock ledger, newest first",
      request: { params: ProductIdParams, query: MovementsQuery },
      responses: { 200: jsonResponse(pageOf(StockMovementSchema, 'StockMovementPage'), 'A page of movements') },
    }),
    async (c) => {
      const page = await listMovements(serviceContext(c), c.req.valid('param').productId, c.req.valid('query'));
      return c.json({ data: page.data.map(toApi), nextCursor: page.nextCursor }, 200);
    },
  );
