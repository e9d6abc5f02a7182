import { PAYMENT_METHODS } from '../db/tables';
import { uuid, z } from './common';

/** Payments: what the API accepts (REST, GraphQL inputs, sync mutations, tests). */

export const CreatePaymentBody = z
  .strictObject({
    id: uuid().optional().openapi({ description: 'Client-generated UUIDv7 (offline creation)' }),
    orderId: uuid(),
    amountMinor: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
    method: z.enum(PAYMENT_METHODS),
    status: z
      .enum(['received', 'failed'])
      .default('received')
      .openapi({ description: 'A failed attempt is kept for the record but does not count as paid' }),
    reference: z.string().max(200).nullable().optional(),
    receivedAt: z.iso
      .datetime({ offset: true })
      .optional()
      .openapi({ description: 'When the money was taken (device clock); at most 5 minutes ahead' }),
    notes: z.string().max(4000).nullable().optional(),
  })
  .openapi('CreatePayment');
