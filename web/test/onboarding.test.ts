import { describe, expect, it } from 'vitest';
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
