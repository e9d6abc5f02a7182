import { VISIT_OUTCOMES, VISIT_STATUSES, VISIT_VERDICTS } from '../../db/tables';
import { countVisits, getVisit, listVisits } from '../../services/visits.service';
import { builder } from '../builder';
import { connectionComplexity, pageRequest, toConnection } from '../connection';
import { valueEnum } from '../enums';
import { localId, optionalLocalId } from '../ids';
import { CustomerRef, SalesmanRef, VisitConnection, VisitRef } from '../refs';
import { VisitSort } from '../sorts';
import { entityFields } from './common';

export const VisitStatusEnum = valueEnum('VisitStatus', VISIT_STATUSES);
export const VisitOutcomeEnum = valueEnum('VisitOutcome', VISIT_OUTCOMES);
const VisitVerdictEnum = valueEnum(
  'VisitVerdict',
  VISIT_VERDICTS,
  "Whether the check-in fix was within the tenant's radius of the customer",
);

VisitRef.implement({
  description: 'A planned or made visit of a salesman to a customer. Salesmen see only their own.',
  fields: (t) => ({
    ...entityFields(t),
    customer: t.field({ type: CustomerRef, nullable: true, resolve: (v) => v.customerId }),
    salesman: t.field({ type: SalesmanRef, nullable: true, resolve: (v) => v.salesmanId }),
    status: t.expose('status', { type: VisitStatusEnum }),
    plannedAt: t.field({ type: 'DateTime', nullable: true, resolve: (v) => v.plannedAt }),
    checkInAt: t.field({ type: 'DateTime', nullable: true, resolve: (v) => v.checkInAt }),
    checkInLat: t.exposeFloat('checkInLat', { nullable: true }),
    checkInLng: t.exposeFloat('checkInLng', { nullable: true }),
    checkInAccuracyM: t.exposeFloat('checkInAccuracyM', { nullable: true }),
    checkInDistanceM: t.exposeFloat('checkInDistanceM', {
      nullable: true,
      description: 'Metres from the check-in fix to the customer',
    }),
    verdict: t.expose('verdict', { type: VisitVerdictEnum, nullable: true }),
    checkInOffline: t.exposeBoolean('checkInOffline', {
      description: 'The check-in fix reached the server more than a minute after its device time',
    }),
    checkOutAt: t.field({ type: 'DateTime', nullable: true, resolve: (v) => v.checkOutAt }),
    checkOutLat: t.exposeFloat('checkOutLat', { nullable: true }),
    checkOutLng: t.exposeFloat('checkOutLng', { nullable: true }),
    checkOutAccuracyM: t.exposeFloat('checkOutAccuracyM', { nullable: true }),
    checkOutOffline: t.exposeBoolean('checkOutOffline', { description: 'The check-out fix was captured offline' }),
    outcome: t.expose('outcome', { type: VisitOutcomeEnum, nullable: true }),
    notes: t.exposeString('notes', { nullable: true }),
  }),
});

builder.queryFields((t) => ({
  visits: t.connection(
    {
      type: VisitRef,
      nullable: true,
      description: 'Visits; a salesman sees only his own',
      args: {
        salesmanId: t.arg.id(),
        customerId: t.arg.id(),
        status: t.arg({ type: VisitStatusEnum }),
        from: t.arg({ type: 'DateTime', description: 'plannedAt at or after this instant' }),
        to: t.arg({ type: 'DateTime', description: 'plannedAt strictly before this instant' }),
        sort: t.arg({ type: VisitSort, required: true, defaultValue: 'createdAt' }),
      },
      complexity: connectionComplexity,
      resolve: async (_root, args, ctx) => {
        const filters = {
          salesmanId: optionalLocalId(args.salesmanId, 'Salesman', 'salesmanId') ?? undefined,
          customerId: optionalLocalId(args.customerId, 'Customer', 'customerId') ?? undefined,
          status: args.status ?? undefined,
          from: args.from ?? undefined,
          to: args.to ?? undefined,
        };
        const page = await listVisits(ctx.service, filters, pageRequest(args, args.sort));
        return toConnection(page, args.sort, () => countVisits(ctx.service, filters));
      },
    },
    VisitConnection,
  ),
  visit: t.field({
    type: VisitRef,
    nullable: true,
    args: { id: t.arg.id({ required: true, description: 'Global id or UUID' }) },
    resolve: (_root, args, ctx) => getVisit(ctx.service, localId(args.id, 'Visit')),
  }),
}));
