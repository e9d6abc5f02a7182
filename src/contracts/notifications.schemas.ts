import { freeJsonObject } from '../lib/free-json';
import { uuid, z } from './common';

/** A manager's message: what POST /v1/notifications and GraphQL `sendNotification` accept. */
export const SendNotificationBody = z
  .strictObject({
    id: uuid().optional(),
    salesmanId: uuid().nullable().optional().openapi({ description: 'One salesman; omit or null for everyone' }),
    title: z.string().trim().min(1).max(200),
    body: z.string().trim().min(1).max(2000),
    data: freeJsonObject().nullable().optional(),
  })
  .openapi('SendNotification', {
    example: {
      salesmanId: '0190f1c2-7a3e-7c3d-9a51-2f7f5e3b1a10',
      title: 'Call the office',
      body: 'Before noon, about the Zürich order',
      data: { orderId: '0190f1c2-8b11-7aa0-8c2d-41d0e8a9c3f7' },
    },
  });
