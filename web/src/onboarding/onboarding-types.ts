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

/** What `POST /v1/onboarding/sample-data` loaded, until `DELETE` removes it. */
export interface SampleData {
  loadedAt: string;
  counts: {
    territories: number;
    salesmen: number;
    customers: number;
    products: number;
    visits: number;
    orders: number;
  };
}

export interface Onboarding {
  steps: OnboardingStep[];
  completed: number;
  total: number;
  complete: boolean;
  /** The sample data loaded, or null (none, or removed). */
  sampleData: SampleData | null;
}
