import type { Attainment } from '../../analytics/services/target-attainment';
import { PERMISSIONS } from '../../auth/permissions';
import { type Holiday, PLAN_TIERS, ROLES, TARGET_PERIODS } from '../../db/tables';
import { getOnboarding, ONBOARDING_STEPS, type Onboarding } from '../../services/onboarding.service';
import { countSalesmen, getSalesman, listSalesmen } from '../../services/salesmen.service';
import { getTarget, listTargets, targetAttainment } from '../../services/targets.service';
import { updateTenant } from '../../services/tenant.service';
import { type TenantSettings, tenantSettings } from '../../services/tenant-settings';
import { type TwoFactorStatus, twoFactorStatus } from '../../services/two-factor.service';
import { getUser, getUsersByIds, listUsers } from '../../services/users.service';
import { builder } from '../builder';
import { connectionComplexity, listConnection } from '../connection';
import { valueEnum } from '../enums';
import { badInput } from '../errors';
import { localId, optionalLocalId } from '../ids';
import { bodies, parseInput } from '../inputs';
import {
  SalesmanConnection,
  SalesmanRef,
  TargetConnection,
  TargetRef,
  TerritoryRef,
  UserConnection,
  UserRef,
} from '../refs';
import { SalesmanSort, TargetSort, UserSort } from '../sorts';
import { entityFields, orNull } from './common';
import { activityConnections } from './crm';

export const RoleEnum = valueEnum('Role', ROLES);
export const PeriodTypeEnum = valueEnum('TargetPeriod', TARGET_PERIODS);
const PermissionEnum = builder.enumType('Permission', {
  values: Object.fromEntries(PERMISSIONS.map((p) => [p.replace(':', '_').toUpperCase(), { value: p }])),
});

SalesmanRef.implement({
  description: 'A member of the field team. Every reader sees the whole team (it is a directory).',
  fields: (t) => ({
    ...entityFields(t),
    name: t.exposeString('name'),
    phone: t.exposeString('phone', { nullable: true }),
    employeeCode: t.exposeString('employeeCode', { nullable: true }),
    active: t.exposeBoolean('active'),
    territory: t.field({ type: TerritoryRef, nullable: true, resolve: (s) => s.territoryId }),
    user: t.loadable({
      type: UserRef,
      nullable: true,
      description: 'The login linked to this profile (needs users:read)',
      load: (ids: string[], ctx) => getUsersByIds(ctx.service, ids),
      sort: (u) => u.id,
      resolve: (s) => s.userId,
    }),
    ...activityConnections(t, 'salesmanId'),
  }),
});

const TwoFactorStatusRef = builder.objectRef<TwoFactorStatus>('TwoFactorStatus').implement({
  description: "A user's two-factor authentication (TOTP); set up and changed through REST (docs/api.md)",
  fields: (t) => ({
    enabled: t.exposeBoolean('enabled'),
    enabledAt: t.field({ type: 'DateTime', nullable: true, resolve: (s) => s.enabledAt }),
    pending: t.exposeBoolean('pending', { description: 'An enrolment waits for its first code' }),
    recoveryCodesRemaining: t.exposeInt('recoveryCodesRemaining'),
    required: t.exposeBoolean('required', { description: 'The organisation requires it of this user' }),
  }),
});

builder.node(UserRef, {
  description: 'A login of the tenant (password hashes never leave the server).',
  id: { resolve: (u) => u.id },
  loadOne: (id, ctx) => orNull(getUser(ctx.service, id)),
  fields: (t) => ({
    ...entityFields(t),
    email: t.exposeString('email'),
    name: t.exposeString('name'),
    role: t.expose('role', { type: RoleEnum }),
    active: t.exposeBoolean('active'),
    lastLoginAt: t.field({ type: 'DateTime', nullable: true, resolve: (u) => u.lastLoginAt }),
    twoFactor: t.field({
      type: TwoFactorStatusRef,
      description: 'Two-factor authentication: your own, or anyone’s with users:read',
      complexity: 2,
      resolve: (u, _args, ctx) => twoFactorStatus(ctx.service, u.id),
    }),
  }),
});

const TargetAttainmentRef = builder.objectRef<Attainment>('TargetAttainment').implement({
  description:
    'How far a salesman has come towards a target: net revenue and completed visits from the first day of the period to today (or its last day), as the sales performance report counts them.',
  fields: (t) => ({
    asOf: t.exposeString('asOf', {
      nullable: true,
      description: 'YYYY-MM-DD, the last local day counted; null before the period starts',
    }),
    revenueMinor: t.field({ type: 'SafeInt', resolve: (a) => a.revenueMinor }),
    visits: t.exposeInt('visits'),
    revenuePct: t.exposeFloat('revenuePct', {
      nullable: true,
      description: 'Null when the target has no revenue goal',
    }),
    visitPct: t.exposeFloat('visitPct', { nullable: true, description: 'Null when the target has no visit goal' }),
    elapsedPct: t.exposeFloat('elapsedPct', { description: "Percent of the period's days gone, today included" }),
  }),
});

builder.node(TargetRef, {
  description: "A salesman's revenue and visit goals for a calendar month, quarter or year.",
  id: { resolve: (target) => target.id },
  loadOne: (id, ctx) => orNull(getTarget(ctx.service, id)),
  fields: (t) => ({
    ...entityFields(t),
    salesman: t.field({ type: SalesmanRef, nullable: true, resolve: (target) => target.salesmanId }),
    periodType: t.expose('periodType', { type: PeriodTypeEnum }),
    periodStart: t.exposeString('periodStart', { description: 'YYYY-MM-DD, first day of the period' }),
    periodEnd: t.exposeString('periodEnd', { description: 'YYYY-MM-DD, last day of the period (inclusive)' }),
    revenueGoalMinor: t.field({ type: 'SafeInt', resolve: (target) => target.revenueGoalMinor }),
    visitGoal: t.exposeInt('visitGoal'),
    attainment: t.field({
      type: TargetAttainmentRef,
      description: 'Computed on request (a few aggregate queries per target): ask for it on a handful, not a long page',
      complexity: 5,
      resolve: (target, _args, ctx) => targetAttainment(ctx.service, target),
    }),
  }),
});

const PlanEnum = valueEnum('Plan', PLAN_TIERS);

const HolidayRef = builder.objectRef<Holiday>('Holiday').implement({
  description: 'A day the organisation does not trade',
  fields: (t) => ({
    date: t.exposeString('date', { description: 'YYYY-MM-DD once, or MM-DD every year' }),
    name: t.exposeString('name'),
  }),
});

const HolidayInput = builder.inputType('HolidayInput', {
  fields: (t) => ({
    date: t.string({ required: true, description: 'YYYY-MM-DD once, or MM-DD every year' }),
    name: t.string({ required: true }),
  }),
});

const TenantRef = builder.objectRef<TenantSettings & { id: string }>('Tenant').implement({
  description: "The caller's organisation.",
  fields: (t) => ({
    uuid: t.exposeString('id'),
    name: t.exposeString('name'),
    plan: t.expose('plan', { type: PlanEnum }),
    currency: t.exposeString('currency', { description: 'ISO 4217 code that prices, orders and payments are in' }),
    timezone: t.exposeString('timezone', { description: 'IANA zone that reports use for days, weeks and months' }),
    checkInRadiusM: t.exposeInt('checkInRadiusM', {
      description: 'How far from the customer a check-in is still verified',
    }),
    locale: t.exposeString('locale', {
      description: 'BCP 47 tag: how exports and e-mails write numbers and money, and the CSV delimiter',
    }),
    holidays: t.field({
      type: [HolidayRef],
      description: 'Days without trade; the forecast predicts none on them',
      resolve: (tenant) => tenant.holidays,
    }),
    twoFactorRequired: t.exposeBoolean('twoFactorRequired', {
      description: 'Owners and admins must use two-factor authentication',
    }),
  }),
});

const UpdateTenantInput = builder.inputType('UpdateTenantInput', {
  description: 'What a change means for existing data: docs/api.md, Organisation settings',
  fields: (t) => ({
    name: t.string(),
    timezone: t.string({ description: 'IANA zone; reports re-bucket in it from now on' }),
    currency: t.string({ description: 'ISO 4217; only while nothing is priced or paid yet' }),
    checkInRadiusM: t.int(),
    locale: t.string({ description: 'BCP 47 tag such as de-DE' }),
    holidays: t.field({ type: [HolidayInput], description: 'Replaces the whole calendar' }),
    twoFactorRequired: t.boolean({
      description: 'Only by a signed-in owner/admin who has 2FA on, after a step-up (STEP_UP_REQUIRED otherwise)',
    }),
    expectedVersion: t.int(),
  }),
});

builder.mutationFields((t) => ({
  updateTenant: t.field({
    type: TenantRef,
    description: "Changes the organisation's settings (owners and admins)",
    args: { input: t.arg({ type: UpdateTenantInput, required: true }) },
    resolve: (_root, { input }, ctx) => updateTenant(ctx.service, parseInput(bodies.updateTenant, input)),
  }),
}));

const OnboardingStepEnum = valueEnum('OnboardingStepKey', ONBOARDING_STEPS);
const OnboardingStepRef = builder.objectRef<Onboarding['steps'][number]>('OnboardingStep').implement({
  fields: (t) => ({
    key: t.field({ type: OnboardingStepEnum, resolve: (s) => s.key }),
    title: t.exposeString('title'),
    description: t.exposeString('description'),
    done: t.exposeBoolean('done'),
    count: t.exposeInt('count', { description: "How many of the step's records exist" }),
    path: t.exposeString('path', { description: 'Where in the web app the step is done' }),
  }),
});
const OnboardingRef = builder.objectRef<Onboarding>('Onboarding').implement({
  description: 'The first steps of a new organisation, computed from what it has (docs/api.md, Onboarding)',
  fields: (t) => ({
    steps: t.field({ type: [OnboardingStepRef], resolve: (o) => o.steps }),
    completed: t.exposeInt('completed'),
    total: t.exposeInt('total'),
    complete: t.exposeBoolean('complete'),
  }),
});

const ViewerRef = builder.objectRef<Record<string, never>>('Viewer').implement({
  description: 'Who is calling: the verified credential (user or API key) and what it may do.',
  fields: (t) => ({
    principalId: t.string({ description: 'User id or API key id', resolve: (_v, _a, ctx) => ctx.service.principal.id }),
    kind: t.string({ description: '`user` or `api_key`', resolve: (_v, _a, ctx) => ctx.service.principal.kind }),
    role: t.field({ type: RoleEnum, nullable: true, resolve: (_v, _a, ctx) => ctx.service.principal.role }),
    permissions: t.field({
      type: [PermissionEnum],
      resolve: (_v, _a, ctx) => [...ctx.service.principal.permissions],
    }),
    tenant: t.field({
      type: TenantRef,
      // One read of the tenant row serves every field of it.
      resolve: async (_v, _a, ctx) => ({ id: ctx.service.principal.tenantId, ...(await tenantSettings(ctx.service)) }),
    }),
    user: t.field({
      type: UserRef,
      nullable: true,
      resolve: (_v, _a, ctx) =>
        ctx.service.principal.kind === 'user' ? getUser(ctx.service, ctx.service.principal.id) : null,
    }),
    salesman: t.field({
      type: SalesmanRef,
      nullable: true,
      description: "A salesman user's own profile",
      resolve: (_v, _a, ctx) => ctx.service.principal.salesmanId,
    }),
  }),
});

builder.queryFields((t) => ({
  viewer: t.field({ type: ViewerRef, resolve: () => ({}) }),
  onboarding: t.field({
    type: OnboardingRef,
    description: 'The onboarding checklist (managers and up)',
    resolve: (_root, _args, ctx) => getOnboarding(ctx.service),
  }),
  salesmen: t.connection(
    {
      type: SalesmanRef,
      nullable: true,
      args: {
        search: t.arg.string({ description: 'Substring of name, employee code or phone' }),
        territoryId: t.arg.id(),
        active: t.arg.boolean(),
        sort: t.arg({ type: SalesmanSort, required: true, defaultValue: 'name' }),
      },
      complexity: connectionComplexity,
      resolve: (_root, args, ctx) => {
        const filters = {
          q: args.search ?? undefined,
          territoryId: optionalLocalId(args.territoryId, 'Territory', 'territoryId') ?? undefined,
          active: args.active ?? undefined,
        };
        return listConnection(ctx, args, listSalesmen, filters, countSalesmen);
      },
    },
    SalesmanConnection,
  ),
  salesman: t.field({
    type: SalesmanRef,
    nullable: true,
    args: { id: t.arg.id({ required: true, description: 'Global id or UUID' }) },
    resolve: (_root, args, ctx) => getSalesman(ctx.service, localId(args.id, 'Salesman')),
  }),
  users: t.connection(
    {
      type: UserRef,
      nullable: true,
      args: {
        search: t.arg.string({ description: 'Substring of name or email' }),
        role: t.arg({ type: RoleEnum }),
        active: t.arg.boolean(),
        sort: t.arg({ type: UserSort, required: true, defaultValue: 'name' }),
      },
      complexity: connectionComplexity,
      resolve: (_root, args, ctx) => {
        const filters = { q: args.search ?? undefined, role: args.role ?? undefined, active: args.active ?? undefined };
        return listConnection(ctx, args, listUsers, filters);
      },
    },
    UserConnection,
  ),
  user: t.field({
    type: UserRef,
    nullable: true,
    args: { id: t.arg.id({ required: true, description: 'Global id or UUID' }) },
    resolve: (_root, args, ctx) => getUser(ctx.service, localId(args.id, 'User')),
  }),
  targets: t.connection(
    {
      type: TargetRef,
      nullable: true,
      args: {
        salesmanId: t.arg.id(),
        periodType: t.arg({ type: PeriodTypeEnum }),
        activeOn: t.arg.string({ description: 'YYYY-MM-DD: only targets whose period contains this day' }),
        sort: t.arg({ type: TargetSort, required: true, defaultValue: 'periodStart' }),
      },
      complexity: connectionComplexity,
      resolve: (_root, args, ctx) => {
        const filters = {
          salesmanId: optionalLocalId(args.salesmanId, 'Salesman', 'salesmanId') ?? undefined,
          periodType: args.periodType ?? undefined,
          activeOn: args.activeOn ?? undefined,
        };
        if (filters.activeOn !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(filters.activeOn)) {
          throw badInput('activeOn must be a date YYYY-MM-DD');
        }
        return listConnection(ctx, args, listTargets, filters);
      },
    },
    TargetConnection,
  ),
  target: t.field({
    type: TargetRef,
    nullable: true,
    args: { id: t.arg.id({ required: true, description: 'Global id or UUID' }) },
    resolve: (_root, args, ctx) => getTarget(ctx.service, localId(args.id, 'Target')),
  }),
}));
