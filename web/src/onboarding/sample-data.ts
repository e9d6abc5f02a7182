import type { Onboarding, OnboardingStepKey, SampleData } from './onboarding-types';

/** The steps whose records make an organisation "not empty" for the sample (the API's own rule). */
const FILLED_BY: readonly OnboardingStepKey[] = ['customers_imported', 'products_added', 'order_taken'];

/**
 * Whether the sample may be offered: none loaded yet and no customers, products or orders (the API
 * answers 409 otherwise). Read from the checklist's counts, so no extra request.
 */
export function canLoadSample(onboarding: Pick<Onboarding, 'steps' | 'sampleData'>): boolean {
  if (onboarding.sampleData) return false;
  return onboarding.steps.filter((s) => FILLED_BY.includes(s.key)).every((s) => s.count === 0);
}

const NOUNS: [keyof SampleData['counts'], string, string][] = [
  ['customers', 'customer', 'customers'],
  ['products', 'product', 'products'],
  ['orders', 'order', 'orders'],
  ['visits', 'planned visit', 'planned visits'],
  ['salesmen', 'salesman', 'salesmen'],
  ['territories', 'territory', 'territories'],
];

/** "30 customers, 12 products, 25 orders, 10 planned visits, 3 salesmen and 2 territories". */
export function sampleSummary(counts: SampleData['counts']): string {
  const parts = NOUNS.filter(([key]) => counts[key] > 0).map(
    ([key, one, many]) => `${new Intl.NumberFormat().format(counts[key])} ${counts[key] === 1 ? one : many}`,
  );
  if (parts.length <= 1) return parts[0] ?? 'nothing';
  return `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
}
