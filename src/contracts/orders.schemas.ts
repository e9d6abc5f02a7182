import { hasAtMostTwoDecimals } from '../services/order-totals';
import { uuid, z } from './common';

/** Orders: what the API accepts (REST, GraphQL inputs, sync mutations, tests). */

const LineInput = z.strictObject({
  productId: uuid(),
  quantity: z.number().int().min(1).max(100_000),
  discount: z
    .number()
    .min(0)
    .max(100)
    .refine(hasAtMostTwoDecimals, 'at most two decimals')
    .optional()
    .openapi({ description: 'Percent off the line (0–100, up to two decimals)' }),
});
const Lines = z.array(LineInput).min(1).max(200);
const Notes = z.string().max(4000).nullable().optional();

export const CreateOrderBody = z
  .strictObject({
    id: uuid().optional().openapi({ description: 'Client-generated UUIDv7 (offline creation)' }),
    customerId: uuid(),
    visitId: uuid().optional(),
    salesmanId: uuid().optional().openapi({ description: "Defaults to the caller's own salesman profile" }),
    orderedAt: z.iso
      .datetime({ offset: true })
      .optional()
      .openapi({ description: 'When the order was taken (device clock); at most 5 minutes ahead' }),
    notes: Notes,
    lines: Lines,
  })
  .openapi('CreateOrder');

export const UpdateOrderBody = z
  .strictObject({
    notes: Notes,
    lines: Lines.optional().openapi({ description: 'Replaces all lines (drafts only); totals are recomputed' }),
    expectedVersion: z.number().int().min(1).optional(),
  })
  .openapi('UpdateOrder');

export const CancelOrderBody = z.strictObject({ reason: z.string().trim().max(500).optional() }).openapi('CancelOrder');
