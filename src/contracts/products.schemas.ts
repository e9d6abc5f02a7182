import { booleanQuery, createBodyOf, entityFields, listQuery, updateBodyOf, z } from './common';

/** Products: what the API returns and accepts (REST, GraphQL inputs, tests). */

const KNOWN_CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

const Currency = z
  .string()
  .regex(/^[A-Z]{3}$/, 'ISO 4217 code')
  .refine((c) => KNOWN_CURRENCIES.has(c), 'Unknown ISO 4217 currency')
  .openapi({ example: 'EUR' });

const Quantity = z.number().int().min(0).max(1_000_000_000);

export const ProductSchema = z
  .object({
    ...entityFields,
    sku: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    category: z.string().nullable(),
    priceMinor: z.number().int().openapi({ description: 'Unit price in minor units (cents)' }),
    currency: z.string(),
    active: z.boolean(),
  })
  .openapi('Product');

const fields = {
  sku: z.string().trim().min(1).max(64),
  name: z.string().trim().min(1).max(200),
  description: z.string().max(4000).nullable().optional(),
  category: z.string().trim().min(1).max(120).nullable().optional(),
  priceMinor: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  currency: Currency.optional().openapi({ description: "The tenant's currency (the default); another is refused" }),
  active: z.boolean().optional(),
};

export const CreateProductBody = createBodyOf({
  ...fields,
  initialStock: Quantity.optional().openapi({ description: 'Stock on hand, booked as a receipt' }),
  lowStockThreshold: Quantity.optional().openapi({ description: 'stock:low fires when available falls to it' }),
}).openapi('CreateProduct');

export const UpdateProductBody = updateBodyOf({
  sku: fields.sku.optional(),
  name: fields.name.optional(),
  description: fields.description,
  category: fields.category,
  priceMinor: fields.priceMinor.optional(),
  currency: fields.currency,
  active: fields.active,
}).openapi('UpdateProduct');

const Price = z.coerce.number().int().min(0).optional();

export const ProductListQuery = listQuery(['name', 'sku', 'priceMinor', 'createdAt', 'updatedAt'] as const)
  .extend({
    category: z.string().max(120).optional(),
    active: booleanQuery,
    q: z.string().max(100).optional().openapi({ description: 'Substring of name or sku' }),
    minPrice: Price.openapi({ description: 'Minimum priceMinor (inclusive)' }),
    maxPrice: Price.openapi({ description: 'Maximum priceMinor (inclusive)' }),
  })
  .refine((q) => q.minPrice === undefined || q.maxPrice === undefined || q.minPrice <= q.maxPrice, {
    message: 'minPrice must not exceed maxPrice',
    path: ['minPrice'],
  });
