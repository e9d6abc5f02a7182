import { OnboardingSchema } from '../contracts/onboarding.schemas';
import { getOnboarding } from '../services/onboarding.service';
import { createProtectedRouter, jsonResponse, protectedRoute, serviceContext } from './openapi';

/** The onboarding checklist, computed from what the organisation has (managers and up; docs/api.md). */
export const onboardingRouter = createProtectedRouter().openapi(
  protectedRoute({
    method: 'get',
    path: '/',
    tags: ['Organisation'],
    summary: 'Onboarding checklist: which first steps the organisation has done (managers and up)',
    responses: { 200: jsonResponse(OnboardingSchema, 'The checklist, in the suggested order') },
  }),
  async (c) => c.json(await getOnboarding(serviceContext(c)), 200),
);
