import { NOTIFICATION_KINDS } from '../db/tables';
import { z } from './common';

/** Notification preferences: what the API accepts and answers (REST, GraphQL inputs, tests). */

const Channels = z
  .object({ inApp: z.boolean(), push: z.boolean(), email: z.boolean() })
  .openapi('NotificationChannels');
const ChannelsInput = z.strictObject({
  inApp: z.boolean().optional(),
  push: z.boolean().optional(),
  email: z.boolean().optional(),
});
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM, 00:00 to 23:59');
const QuietHours = z.strictObject({ start: hhmm, end: hhmm }).openapi('QuietHours', {
  description: "In the tenant's timezone; may span midnight. Push and e-mail wait until the end.",
  example: { start: '21:00', end: '07:00' },
});

const kindsShape = <T extends z.ZodType>(value: T) =>
  z.object(
    Object.fromEntries(NOTIFICATION_KINDS.map((k) => [k, value])) as Record<(typeof NOTIFICATION_KINDS)[number], T>,
  );

export const PreferencesSchema = z
  .object({
    kinds: kindsShape(Channels),
    quietHours: QuietHours.nullable(),
    updatedAt: z.string().nullable(),
  })
  .openapi('NotificationPreferences');

export const PreferencesBody = z
  .strictObject({
    kinds: kindsShape(ChannelsInput.optional()).partial().strict().optional(),
    quietHours: QuietHours.nullable().optional().openapi({ description: 'null removes the quiet hours' }),
  })
  .openapi('UpdateNotificationPreferences', {
    example: {
      kinds: { stock_low: { push: false }, payment_failed: { email: true } },
      quietHours: { start: '21:00', end: '07:00' },
    },
  });
