import { and, count, eq, isNotNull, type SQL } from 'drizzle-orm';
import { requirePermission } from '../auth/principal';
import { customers, invitations, orders, products, salesmen, territories, visits } from '../db/tables';
import type { ServiceContext } from './context';
import { type EntityTable, readableRows } from './entity';
import { getSampleData, type SampleDataSummary } from './sample-data.service';
import { getTenant } from './tenant.service';

/** The first things a new organisation does, in the order the web app suggests them. */
export const ONBOARDING_STEPS = [
  'company_profile',
  'territory_drawn',
  'products_added',
  'customers_imported',
  'salesman_invited',
  'visit_checked_in',
  'order_taken',
] as const;
export type OnboardingStepKey = (typeof ONBOARDING_STEPS)[number];

export interface OnboardingStep {
  key: OnboardingStepKey;
  title: string;
  description: string;
  done: boolean;
  /** How many of the step's records exist (settings saves for the company profile). */
  count: number;
  /** Where in the web app the step is done. */
  path: string;
}

export interface Onboarding {
  steps: OnboardingStep[];
  completed: number;
  total: number;
  complete: boolean;
  /** The sample data loaded from this checklist, until it is removed. */
  sampleData: SampleDataSummary | null;
}

const COPY: Record<OnboardingStepKey, Pick<OnboardingStep, 'title' | 'description' | 'path'>> = {
  company_profile: {
    title: 'Set up your company profile',
    description: 'Check the name, timezone, currency and check-in radius, then save them once.',
    path: '/app/settings',
  },
  territory_drawn: {
    title: 'Draw a territory',
    description: 'Outline an area on the map so customers and salesmen can be assigned to it.',
    path: '/app/team',
  },
  products_added: {
    title: 'Add your products',
    description: 'Create them one by one or import a CSV of SKUs and prices.',
    path: '/app/import',
  },
  customers_imported: {
    title: 'Import your customers',
    description: 'Upload a CSV with names, addresses and coordinates.',
    path: '/app/import',
  },
  salesman_invited: {
    title: 'Invite your first salesman',
    description: 'Invite a salesman by e-mail (Team › Users), or create his salesman profile.',
    path: '/app/team',
  },
  visit_checked_in: {
    title: 'Check in at a first visit',
    description: 'A salesman checks in with GPS at a customer from the phone app.',
    path: '/app',
  },
  order_taken: {
    title: 'Take a first order',
    description: 'A salesman (or the API) records an order for a customer.',
    path: '/app',
  },
};

/**
 * The onboarding checklist, computed from what the organisation has (managers and up): a step is done
 * when its record exists, so deleting the last territory undoes "territory drawn". The company profile
 * counts as set once the settings were saved (the organisation's version moved past its first).
 */
export async function getOnboarding(ctx: ServiceContext): Promise<Onboarding> {
  requirePermission(ctx.principal, 'salesmen:write');
  const live = (table: EntityTable) => readableRows(ctx, table);
  const [
    tenant,
    territoryCount,
    productCount,
    customerCount,
    salesmanCount,
    invitedCount,
    checkInCount,
    orderCount,
    sample,
  ] = await Promise.all([
    getTenant(ctx),
    countOf(ctx, territories, live(territories)),
    countOf(ctx, products, live(products)),
    countOf(ctx, customers, live(customers)),
    countOf(ctx, salesmen, live(salesmen)),
    // A salesman invited by e-mail counts from the invitation on, before he has accepted it.
    countOf(
      ctx,
      invitations,
      and(live(invitations), eq(invitations.role, 'salesman'), eq(invitations.status, 'pending')),
    ),
    countOf(ctx, visits, and(live(visits), isNotNull(visits.checkInAt))),
    countOf(ctx, orders, live(orders)),
    getSampleData(ctx),
  ]);
  const counts: Record<OnboardingStepKey, number> = {
    company_profile: tenant.version - 1,
    territory_drawn: territoryCount,
    products_added: productCount,
    customers_imported: customerCount,
    salesman_invited: salesmanCount + invitedCount,
    visit_checked_in: checkInCount,
    order_taken: orderCount,
  };
  const steps = ONBOARDING_STEPS.map((key) => ({ key, ...COPY[key], done: counts[key] > 0, count: counts[key] }));
  const completed = steps.filter((s) => s.done).length;
  return { steps, completed, total: steps.length, complete: completed === steps.length, sampleData: sample };
}

async function countOf(ctx: ServiceContext, table: EntityTable, where: SQL | undefined): Promise<number> {
  const [row] = await ctx.db.select({ n: count() }).from(table).where(where);
  return row?.n ?? 0;
}
