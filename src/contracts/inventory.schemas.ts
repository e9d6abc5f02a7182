import { z } from './common';

/** Stock changes: what POST /v1/inventory/{productId}/adjust and GraphQL `adjustStock` accept. */
export const AdjustStockBody = z
  .strictObject({
    delta: z
      .number()
      .int()
      .min(-1_000_000_000)
      .max(1_000_000_000)
      .refine((d) => d !== 0, 'delta must not be 0')
      .openapi({ description: 'Change to the quantity on hand; negative removes stock' }),
    reason: z.string().trim().min(1).max(500),
    kind: z.enum(['adjustment', 'receipt']).default('adjustment'),
  })
  .refine((b) => b.kind !== 'receipt' || b.delta > 0, { message: 'A receipt adds stock', path: ['delta'] })
  .openapi('AdjustStock');
