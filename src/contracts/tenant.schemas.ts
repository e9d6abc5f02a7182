import { PLAN_TIERS } from '../db/tables';
import { entityFields, z } from './common';

/** The organisation's settings: what GET/PATCH /v1/tenant answer and accept (REST, GraphQL, tests). */

export const TimeZone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'Unknown IANA timezone');

export const CurrencyCode = z.string().regex(/^[A-Z]{3}$/, 'ISO 4217 code');

export const TenantSchema = z
  .object({
    ...entityFields,
    name: z.string(),
    plan: z.enum(PLAN_TIERS).openapi({ description: 'Set by the operator, not by the API' }),
    timezone: z.string().openapi({ description: 'IANA zone that reports use for days, weeks and months' }),
    currency: z.string().openapi({ description: 'ISO 4217 code that prices, orders and payments are in' }),
    checkInRadiusM: z.number().int().openapi({ description: 'How far from the customer a check-in is verified' }),
    twoFactorRequired: z.boolean().openapi({
      description: 'Owners and admins must use two-factor authentication (until they enrol they can do nothing else)',
    }),
  })
  .openapi('Tenant');

export const UpdateTenantBody = z
  .strictObject({
    name: z.string().trim().min(1).max(200).optional(),
    timezone: TimeZone.optional().openapi({
      description: 'Reports re-bucket days, weeks and months in the new zone from the next request on',
    }),
    currency: CurrencyCode.optional().openapi({
      description: 'Only while the organisation has no products, orders or payments (409 INVALID_STATE after)',
    }),
    checkInRadiusM: z.number().int().min(10).max(5_000).optional().openapi({
      description: 'Metres; applies to check-ins from now on, verdicts already given stay',
    }),
    twoFactorRequired: z.boolean().optional().openapi({
      description:
        'Require two-factor authentication of owners and admins. Changed only by a signed-in owner/admin who has it on, after a step-up (403 STEP_UP_REQUIRED otherwise); API keys cannot',
    }),
    expectedVersion: z.number().int().min(1).optional(),
  })
  .openapi('UpdateTenant', { example: { timezone: 'Europe/Berlin', checkInRadiusM: 150, expectedVersion: 1 } });
