import { OnboardingSchema, SampleDataSchema } from '../contracts/onboarding.schemas';
import { getOnboarding } from '../services/onboarding.service';
import { loadSampleData, removeSampleData } from '../services/sample-data.service';
import { createProtectedRouter, jsonResponse, protectedRoute, serviceContext } from './openapi';

/** The onboarding checklist and its sample data (docs/api.md, Onboarding). */
const tags = ['Organisation'];

export const onboardingRouter = createProtectedRouter()
  .openapi(
    protectedRoute({
      method: 'get',
      path: '/',
      tags,
      summary: 'Onboarding checklist: which first steps the organisation has done (managers and up)',
      responses: { 200: jsonResponse(OnboardingSchema, 'The checklist, in the suggested order') },
    }),
    async (c) => c.json(await getOnboarding(serviceContext(c)), 200),
  )
  .openapi(
    protectedRoute({
      method: 'post',
      path: '/sample-data',
      tags,
      summary: 'Load sample data into an empty organisation (owners and admins; marked "Sample", removable)',
      responses: { 201: jsonResponse(SampleDataSchema, 'What was loaded') },
    }),
    async (c) => c.json(await loadSampleData(serviceContext(c)), 201),
  )
  .openapi(
    protectedRoute({
      method: 'delete',
      path: '/sample-data',
      tags,
      summary: 'Remove the sample data: exactly the records it created (owners and admins)',
      responses: { 204: { description: 'Removed' } },
    }),
    async (c) => {
      await removeSampleData(serviceContext(c));
      return c.body(null, 204);
    },
  );
