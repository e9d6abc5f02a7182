import { pageOf } from '../contracts/common';
import {
  ConflictListQuery,
  PullQuery,
  PullResponse,
  PushBody,
  PushResponse,
  SyncConflictSchema,
} from '../contracts/sync.schemas';
import { pushMutations } from '../services/sync.service';
import { listConflicts } from '../services/sync-conflicts.service';
import { pullChanges } from '../services/sync-pull.service';
import { decodeCursor, encodeCursor } from '../services/sync-pull-cursor';
import { createProtectedRouter, jsonBody, jsonResponse, protectedRoute, serviceContext } from './openapi';

export const syncRouter = createProtectedRouter()
  .openapi(
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
  )
  .openapi(
    protectedRoute({
      method: 'get',
      path: '/pull',
      tags: ['Sync'],
      summary: 'Pull what changed for you since your cursor (no cursor: a snapshot of your working set)',
      description:
        'Upserts of whole records and removals of records that left your working set (deleted, or handed to ' +
        "someone else), one change per record at its newest version, and your clients' lastMutationIds. " +
        'Pull again with the returned cursor while hasMore. A cursor of another tenant or user, or one this ' +
        'server did not sign, answers 400 INVALID_CURSOR. See docs/sync.md.',
      request: { query: PullQuery },
      responses: { 200: jsonResponse(PullResponse, 'One page of changes and the cursor after it') },
    }),
    async (c) => {
      const { cursor, limit } = c.req.valid('query');
      const secrets = c.get('config').JWT_KEYS.map((k) => k.secret);
      const from = cursor === undefined ? null : await decodeCursor(secrets, cursor);
      const { position, ...page } = await pullChanges(serviceContext(c), from, limit);
      return c.json({ ...page, cursor: await encodeCursor(secrets, position) }, 200);
    },
  )
  .openapi(
    protectedRoute({
      method: 'get',
      path: '/conflicts',
      tags: ['Sync'],
      summary: 'Offline edits merged onto a newer version of their record, newest first (managers)',
      description:
        'Each conflict names the mutation, the versions, and every field both the device and the server had ' +
        'changed, with both values and the one the record kept. Requires salesmen:write. See docs/sync.md.',
      request: { query: ConflictListQuery },
      responses: { 200: jsonResponse(pageOf(SyncConflictSchema, 'SyncConflictPage'), 'A page of conflicts') },
    }),
    async (c) => c.json(await listConflicts(serviceContext(c), c.req.valid('query')), 200),
  );
