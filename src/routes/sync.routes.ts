import { PushBody, PushResponse } from '../contracts/sync.schemas';
import { pushMutations } from '../services/sync.service';
import { createProtectedRouter, jsonBody, jsonResponse, protectedRoute, serviceContext } from './openapi';

export const syncRouter = createProtectedRouter().openapi(
  protectedRoute({
    method: 'post',
    path: '/push',
    tags: ['Sync'],
    summary: "Push a client's queued mutations; each applies once, in id order, or is refused and recorded",
    description:
      "Mutations up to the client's lastMutationId answer their recorded outcome (duplicate); the next id is " +
      'processed through the same service as its REST twin; ids after a gap are skipped. See docs/sync.md.',
    request: jsonBody(PushBody),
    responses: { 200: jsonResponse(PushResponse, 'The outcome of every mutation, and the last one processed') },
  }),
  async (c) => c.json(await pushMutations(serviceContext(c), c.req.valid('json')), 200),
);
