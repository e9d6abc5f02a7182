import { ONBOARDING_STEPS } from '../services/onboarding.service';
import { z } from './common';

export const SampleDataSchema = z
  .object({
    loadedAt: z.string(),
    counts: z.object({
      territories: z.number().int(),
      salesmen: z.number().int(),
      customers: z.number().int(),
      products: z.number().int(),
      visits: z.number().int(),
      orders: z.number().int(),
    }),
  })
  .openapi('SampleData');

/** GET /v1/onboarding: the checklist a new organisation works through (docs/api.md, Onboarding). */
export const OnboardingSchema = z
  .object({
    steps: z.array(
      z.object({
        key: z.enum(ONBOARDING_STEPS),
        title: z.string(),
        description: z.string(),
        done: z.boolean(),
        count: z.number().int().openapi({ description: 'How many of the step’s records exist' }),
        path: z.string().openapi({ description: 'Where in the web app the step is done' }),
      }),
    ),
    completed: z.number().int(),
    total: z.number().int(),
    complete: z.boolean(),
    sampleData: SampleDataSchema.nullable().openapi({ description: 'The sample data loaded, until it is removed' }),
  })
  .openapi('Onboarding');
