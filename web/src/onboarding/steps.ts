import type { OnboardingStep } from './onboarding-types';

/**
 * Where a step's link goes: its `path`, narrowed to the tab or choice that does it when the path is a
 * screen with several (the Team screen's territories, the Import screen's kind).
 */
export function stepHref(step: Pick<OnboardingStep, 'key' | 'path'>): string {
  const path = step.path.replace(/\/+$/, '');
  if (path.endsWith('/team') && step.key === 'territory_drawn') return `${path}/territories`;
  if (path.endsWith('/team') && step.key === 'salesman_invited') return `${path}/salesmen`;
  if (path.endsWith('/import') && step.key === 'products_added') return `${path}?kind=products`;
  if (path.endsWith('/import') && step.key === 'customers_imported') return `${path}?kind=customers`;
  return step.path;
}

/** What a step's count says, when it says anything beyond done / to do. */
export function stepCount(step: Pick<OnboardingStep, 'key' | 'count'>): string | null {
  if (step.key === 'company_profile' || step.count <= 0) return null;
  const noun: Partial<Record<OnboardingStep['key'], [string, string]>> = {
    territory_drawn: ['territory', 'territories'],
    products_added: ['product', 'products'],
    customers_imported: ['customer', 'customers'],
    salesman_invited: ['salesman', 'salesmen'],
    visit_checked_in: ['check-in', 'check-ins'],
    order_taken: ['order', 'orders'],
  };
  const [one, many] = noun[step.key] ?? ['', ''];
  return `${new Intl.NumberFormat().format(step.count)} ${step.count === 1 ? one : many}`;
}
