import { AuditQuerySchema } from '../../contracts/audit.schemas';
import { rateCounter } from '../../limits/limiter';
import type { RateState } from '../../limits/window-counter';
import { type AuditEntry, listAudit } from '../../services/audit.service';
import { getUsage, type Usage } from '../../services/usage.service';
import { builder } from '../builder';
import { pageSize } from '../connection';
import { parseInput } from '../inputs';

const AuditActorRef = builder.objectRef<AuditEntry['actor']>('AuditActor').implement({
  fields: (t) => ({
    type: t.exposeString('type', { description: '`user`, `api_key`, `system` or `anonymous`' }),
    id: t.exposeString('id', { nullable: true }),
    name: t.exposeString('name', { nullable: true }),
  }),
});

const AuditEntityRef = builder.objectRef<NonNullable<AuditEntry['entity']>>('AuditEntity').implement({
  fields: (t) => ({ type: t.exposeString('type'), id: t.exposeString('id') }),
});

const AuditEntryRef = builder.objectRef<AuditEntry>('AuditEntry').implement({
  description: 'One entry of the audit log (docs/security.md): a write, or an access that changed no record',
  fields: (t) => ({
    id: t.exposeString('id', { description: '`e:<seq>` for a write, a UUID for an access entry' }),
    at: t.field({ type: 'DateTime', resolve: (e) => e.at }),
    action: t.exposeString('action', {
      description: 'An event type for a write (`order:created`), else auth:…, export:…, import:…',
    }),
    source: t.exposeString('source', { description: '`write` or `access`' }),
    actor: t.field({ type: AuditActorRef, resolve: (e) => e.actor }),
    entity: t.field({ type: AuditEntityRef, nullable: true, resolve: (e) => e.entity }),
    detail: t.field({ type: 'JSON', resolve: (e) => e.detail }),
    requestId: t.exposeString('requestId', { nullable: true }),
    clientIp: t.exposeString('clientIp', { nullable: true }),
    userAgent: t.exposeString('userAgent', { nullable: true }),
  }),
});

const AuditPageRef = builder.objectRef<{ data: AuditEntry[]; nextCursor: string | null }>('AuditLogPage').implement({
  fields: (t) => ({
    entries: t.field({ type: [AuditEntryRef], resolve: (p) => p.data }),
    nextCursor: t.exposeString('nextCursor', { nullable: true, description: 'Pass as `after` for the next page' }),
  }),
});

const RateStateRef = builder.objectRef<RateState>('RateState').implement({
  fields: (t) => ({
    policy: t.exposeString('policy'),
    limit: t.exposeInt('limit'),
    used: t.exposeInt('used'),
    remaining: t.exposeInt('remaining'),
    resetSeconds: t.exposeInt('resetSeconds'),
  }),
});

const PlanLimitsRef = builder.objectRef<Usage['limits']>('PlanLimits').implement({
  fields: (t) => ({
    requestsPerMinute: t.exposeInt('requestsPerMinute'),
    credentialRequestsPerMinute: t.exposeInt('credentialRequestsPerMinute'),
    graphqlCostPerMinute: t.exposeInt('graphqlCostPerMinute'),
    credentialGraphqlCostPerMinute: t.exposeInt('credentialGraphqlCostPerMinute'),
    realtimeConnectsPerMinute: t.exposeInt('realtimeConnectsPerMinute'),
    auditRetentionDays: t.exposeInt('auditRetentionDays'),
  }),
});

const UsageRef = builder.objectRef<Usage>('Usage').implement({
  description: "The organisation's plan, its limits and this minute's counts (GET /v1/usage)",
  fields: (t) => ({
    plan: t.exposeString('plan'),
    limits: t.field({ type: PlanLimitsRef, resolve: (u) => u.limits }),
    enforced: t.exposeBoolean('enforced'),
    rest: t.field({ type: [RateStateRef], resolve: (u) => u.current.rest }),
    graphql: t.field({ type: [RateStateRef], resolve: (u) => u.current.graphql }),
    realtime: t.field({ type: [RateStateRef], resolve: (u) => u.current.realtime }),
  }),
});

builder.queryFields((t) => ({
  auditLog: t.field({
    type: AuditPageRef,
    description: 'The audit log, newest first (owners and admins; read-only: nothing can change an entry)',
    args: {
      action: t.arg.string({ description: 'An action, or a prefix ending in * (`auth:*`)' }),
      actorId: t.arg.string(),
      entityType: t.arg.string(),
      entityId: t.arg.string(),
      source: t.arg.string({ description: '`write` or `access`' }),
      from: t.arg({ type: 'DateTime' }),
      to: t.arg({ type: 'DateTime' }),
      first: t.arg.int(),
      after: t.arg.string(),
    },
    complexity: (args) => ({ field: 5, multiplier: args.first ?? 50 }),
    resolve: (_root, args, ctx) => {
      const { first, after, ...filter } = args;
      const query = parseInput(
        AuditQuerySchema.omit({ limit: true, cursor: true, format: true }),
        Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== null && v !== undefined)),
        'filter',
      );
      return listAudit(ctx.service, { ...query, limit: pageSize({ first }, 200), cursor: after ?? undefined });
    },
  }),
  usage: t.field({
    type: UsageRef,
    description: "The organisation's plan, its limits and this minute's usage",
    resolve: (_root, _args, ctx) =>
      getUsage(
        ctx.service,
        rateCounter(ctx.env.RATE_LIMITER, ctx.service.principal.tenantId),
        ctx.config.RATE_LIMITS === 'on',
      ),
  }),
}));
