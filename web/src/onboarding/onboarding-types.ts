/** GET /v1/onboarding: the first things a new organisation does, each done once its record exists. */
export type OnboardingStepKey =
  | 'company_profile'
  | 'territory_drawn'
  | 'products_added'
  | 'customers_imported'
  | 'salesman_invited'
  | 'visit_checked_in'
  | 'order_taken';

export interface OnboardingStep {
  key: OnboardingStepKey;
  title: string;
  description: string;
  done: boolean;
  count: number;
  /** Where in the web app the step is done, e.g. /app/settings. */
  path: string;
}

export interface Onboarding {
  steps: OnboardingStep[];
  completed: number;
  total: number;
  complete: boolean;
}
