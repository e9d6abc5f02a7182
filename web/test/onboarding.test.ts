import { describe, expect, it } from 'vitest';
import { canLoadSample, sampleSummary } from '../src/onboarding/sample-data';
import { stepCount, stepHref } from '../src/onboarding/steps';

describe('getting started', () => {
  it('links each step to the screen, tab or choice that does it', () => {
    expect(stepHref({ key: 'company_profile', path: '/app/settings' })).toBe('/app/settings');
    expect(stepHref({ key: 'territory_drawn', path: '/app/team' })).toBe('/app/team/territories');
    expect(stepHref({ key: 'salesman_invited', path: '/app/team' })).toBe('/app/team/salesmen');
    expect(stepHref({ key: 'products_added', path: '/app/import' })).toBe('/app/import?kind=products');
    expect(stepHref({ key: 'order_taken', path: '/app' })).toBe('/app');
    // A path the app does not know more about is followed as it is.
    expect(stepHref({ key: 'territory_drawn', path: '/app/territories' })).toBe('/app/territories');
  });

  it('counts what a step has, in words', () => {
    expect(stepCount({ key: 'customers_imported', count: 1 })).toBe('1 customer');
    expect(stepCount({ key: 'territory_drawn', count: 3 })).toBe('3 territories');
    expect(stepCount({ key: 'company_profile', count: 2 })).toBeNull();
    expect(stepCount({ key: 'order_taken', count: 0 })).toBeNull();
  });
});

describe('sample data', () => {
  const step = (key: string, count: number) => ({ key, count }) as never;
  const empty = [step('company_profile', 0), step('customers_imported', 0), step('products_added', 0)];

  it('is offered only to an organisation without customers, products or orders, and without a sample', () => {
    expect(canLoadSample({ steps: empty, sampleData: null })).toBe(true);
    // A territory or a salesman does not make the organisation "not empty"; the API agrees.
    expect(canLoadSample({ steps: [...empty, step('territory_drawn', 2)], sampleData: null })).toBe(true);
    expect(canLoadSample({ steps: [...empty, step('order_taken', 1)], sampleData: null })).toBe(false);
    expect(canLoadSample({ steps: [step('products_added', 12)], sampleData: null })).toBe(false);
    const loaded = {
      loadedAt: '2026-12-01T10:00:00Z',
      counts: { territories: 2, salesmen: 3, customers: 30, products: 12, visits: 10, orders: 25 },
    };
    expect(canLoadSample({ steps: empty, sampleData: loaded })).toBe(false);
  });

  it('says what the sample holds, in words', () => {
    expect(sampleSummary({ territories: 2, salesmen: 3, customers: 30, products: 12, visits: 10, orders: 1 })).toBe(
      '30 customers, 12 products, 1 order, 10 planned visits, 3 salesmen and 2 territories',
    );
    expect(sampleSummary({ territories: 0, salesmen: 1, customers: 0, products: 0, visits: 0, orders: 0 })).toBe(
      '1 salesman',
    );
  });
});
