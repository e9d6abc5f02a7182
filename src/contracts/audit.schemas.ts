import { CsvDelimiterQuery, z } from './common';

export const AuditEntrySchema = z
  .object({
    id: z.string().openapi({ description: '`e:<seq>` for a write (its event in the log), a UUID for an access entry' }),
    at: z.string(),
    action: z.string().openapi({
      description:
        'For a write, its event type (`order:created`, `user:updated`, `tenant:updated`, `api_key:created`, …); otherwise one of auth:signed_in, auth:sign_in_failed, auth:sign_in_throttled, auth:signed_out, auth:refresh_reused, export:downloaded, import:started',
    }),
    source: z.enum(['write', 'access']),
    actor: z.object({
      type: z.enum(['user', 'api_key', 'system', 'anonymous']),
      id: z.string().nullable(),
      name: z.string().nullable(),
    }),
    entity: z.object({ type: z.string(), id: z.string() }).nullable(),
    detail: z.record(z.string(), z.unknown()).openapi({
      description: "A write's event payload (the record as written); what an access was about otherwise",
    }),
    requestId: z.string().nullable(),
    clientIp: z.string().nullable(),
    userAgent: z.string().nullable(),
  })
  .openapi('AuditEntry');

const Instant = z.iso.datetime({ offset: true });

export const AuditQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(512).optional(),
  action: z
    .string()
    .max(64)
    .regex(/^[a-z_]+(:[a-z_]*)?\*?$|^\*$/, 'an action such as order:created, or a prefix ending in * (auth:*)')
    .optional(),
  actorId: z.string().max(128).optional(),
  entityType: z.string().max(64).optional(),
  entityId: z.string().max(64).optional(),
  source: z.enum(['write', 'access']).optional(),
  from: Instant.optional(),
  to: Instant.optional(),
  format: z
    .enum(['json', 'csv'])
    .optional()
    .openapi({ description: 'csv downloads the matching entries (up to 10,000)' }),
  ...CsvDelimiterQuery,
});

const Rate = z.object({
  policy: z.string(),
  limit: z.number().int(),
  used: z.number().int(),
  remaining: z.number().int(),
  resetSeconds: z.number().int(),
});

export const UsageSchema = z
  .object({
    plan: z.enum(['free', 'pro', 'enterprise']),
    limits: z.object({
      requestsPerMinute: z.number().int(),
      credentialRequestsPerMinute: z.number().int(),
      graphqlCostPerMinute: z.number().int(),
      credentialGraphqlCostPerMinute: z.number().int(),
      realtimeConnectsPerMinute: z.number().int(),
      auditRetentionDays: z.number().int(),
    }),
    enforced: z.boolean().openapi({ description: 'false when the deployment runs with RATE_LIMITS=off' }),
    current: z.object({ rest: z.array(Rate), graphql: z.array(Rate), realtime: z.array(Rate) }).openapi({
      description: "This minute's counts for the organisation and for the calling credential (this request included)",
    }),
  })
  .openapi('Usage');
