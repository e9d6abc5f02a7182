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

/** A BCP 47 language tag the runtime can format numbers and dates in, handed on in canonical form. */
export const Locale = z
  .string()
  .max(35)
  .transform((tag, ctx) => {
    try {
      const [canonical] = Intl.getCanonicalLocales(tag);
      if (canonical && Intl.NumberFormat.supportedLocalesOf(canonical).length > 0) return canonical;
    } catch {
      // an invalid tag: refused below
    }
    ctx.addIssue({ code: 'custom', message: 'A BCP 47 language tag such as en-US, de-DE or fr-FR' });
    return z.NEVER;
  });

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** `YYYY-MM-DD` (that day) or `MM-DD` (that day every year), a real calendar day. */
const HolidayDate = z.string().refine((value) => {
  const m = /^(?:(\d{4})-)?(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1) return false;
  if (m[1] === undefined) return day <= (DAYS_IN_MONTH[month - 1] ?? 0);
  const date = new Date(Date.UTC(Number(m[1]), month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}, 'YYYY-MM-DD for one day, or MM-DD for the same day every year');

export const HolidaySchema = z
  .strictObject({
    date: HolidayDate.openapi({ example: '12-25' }),
    name: z.string().trim().min(1).max(100).openapi({ example: 'Christmas Day' }),
  })
  .openapi('Holiday');

export const Holidays = z
  .array(HolidaySchema)
  .max(200)
  .refine((list) => new Set(list.map((h) => h.date)).size === list.length, 'Each date once');

export const TenantSchema = z
  .object({
    ...entityFields,
    name: z.string(),
    plan: z.enum(PLAN_TIERS).openapi({ description: 'Set by the operator, not by the API' }),
    timezone: z.string().openapi({ description: 'IANA zone that reports use for days, weeks and months' }),
    currency: z.string().openapi({ description: 'ISO 4217 code that prices, orders and payments are in' }),
    checkInRadiusM: z.number().int().openapi({ description: 'How far from the customer a check-in is verified' }),
    locale: z.string().openapi({
      description: 'BCP 47 tag: how exports and e-mails write numbers and money, and the CSV delimiter',
    }),
    holidays: z.array(HolidaySchema).openapi({
      description: 'Days the organisation does not trade: the forecast predicts no sales on them',
    }),
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
    locale: Locale.optional().openapi({
      description:
        'Exports and e-mails from the next one on: money and numbers as the locale writes them, and CSV files separated by `;` where the locale writes decimals with a comma (de-DE, fr-FR…)',
    }),
    holidays: Holidays.optional().openapi({
      description:
        'Replaces the whole calendar; the forecast leaves these days out of its history and predicts 0 on them',
    }),
    twoFactorRequired: z.boolean().optional().openapi({
      description:
        'Require two-factor authentication of owners and admins. Changed only by a signed-in owner/admin who has it on, after a step-up (403 STEP_UP_REQUIRED otherwise); API keys cannot',
    }),
    expectedVersion: z.number().int().min(1).optional(),
  })
  .openapi('UpdateTenant', {
    example: {
      timezone: 'Europe/Berlin',
      locale: 'de-DE',
      holidays: [
        { date: '12-25', name: 'Christmas Day' },
        { date: '2026-04-03', name: 'Good Friday' },
      ],
      expectedVersion: 1,
    },
  });
