import { uuid } from '../contracts/common';
import { TwoFactorStatusSchema } from '../contracts/two-factor.schemas';
import { ROLES } from '../db/tables';
import { resetTwoFactor, twoFactorStatus } from '../services/two-factor.service';
import { createUser, getUser, listUsers, updateUser } from '../services/users.service';
import { listRoute } from './crud';
import {
  booleanQuery,
  createProtectedRouter,
  entityFields,
  IdempotencyHeader,
  IdParams,
  jsonBody,
  jsonResponse,
  listQuery,
  protectedRoute,
  serviceContext,
  z,
} from './openapi';

export const UserSchema = z
  .object({
    ...entityFields,
    email: z.string(),
    name: z.string(),
    role: z.enum(ROLES),
    active: z.boolean(),
    lastLoginAt: z.string().nullable(),
  })
  .openapi('User');

const CreateUserBody = z
  .strictObject({
    id: uuid().optional(),
    email: z.email().max(254),
    name: z.string().trim().min(1).max(200),
    role: z.enum(ROLES),
    password: z.string().min(10).max(256).openapi({
      description:
        'At least 10 characters (400 VALIDATION_FAILED below); a common password, one character or a short run repeated or in sequence, or the email or name refused with 400 WEAK_PASSWORD',
    }),
  })
  .openapi('CreateUser');

const UpdateUserBody = z
  .strictObject({
    name: z.string().trim().min(1).max(200).optional(),
    role: z.enum(ROLES).optional(),
    active: z.boolean().optional().openapi({ description: 'false deactivates the user and ends their sessions' }),
    expectedVersion: z.number().int().min(1).optional(),
  })
  .openapi('UpdateUser');

const ListQuery = listQuery(['name', 'email', 'createdAt', 'updatedAt'] as const).extend({
  role: z.enum(ROLES).optional(),
  active: booleanQuery,
  q: z.string().max(100).optional(),
});

const tags = ['Users'];

export const usersRouter = listRoute(createProtectedRouter(), {
  tags,
  summary: 'List users',
  query: ListQuery,
  schema: UserSchema,
  pageName: 'UserPage',
  description: 'A page of users',
  list: listUsers,
})
  .openapi(
    protectedRoute({
      method: 'get',
      path: '/me',
      tags,
      summary: 'The signed-in user',
      responses: { 200: jsonResponse(UserSchema, 'The user') },
    }),
    async (c) => c.json(await getUser(serviceContext(c), c.get('principal').id), 200),
  )
  .openapi(
    protectedRoute({
      method: 'post',
      path: '/',
      tags,
      summary: 'Create a user (owner/admin)',
      request: { headers: IdempotencyHeader, ...jsonBody(CreateUserBody) },
      responses: { 201: jsonResponse(UserSchema, 'The created user') },
    }),
    async (c) => c.json(await createUser(serviceContext(c), c.req.valid('json'), c.get('config').PASSWORD_PEPPER), 201),
  )
  .openapi(
    protectedRoute({
      method: 'get',
      path: '/{id}',
      tags,
      summary: 'Get a user',
      request: { params: IdParams },
      responses: { 200: jsonResponse(UserSchema, 'The user') },
    }),
    async (c) => c.json(await getUser(serviceContext(c), c.req.valid('param').id), 200),
  )
  .openapi(
    protectedRoute({
      method: 'patch',
      path: '/{id}',
      tags,
      summary: 'Rename, change the role of, deactivate or reactivate a user (owner/admin)',
      request: { params: IdParams, ...jsonBody(UpdateUserBody) },
      responses: { 200: jsonResponse(UserSchema, 'The updated user') },
    }),
    async (c) => c.json(await updateUser(serviceContext(c), c.req.valid('param').id, c.req.valid('json')), 200),
  )
  .openapi(
    protectedRoute({
      method: 'post',
      path: '/{id}/deactivate',
      tags,
      summary: 'Deactivate a user and end their sessions (owner/admin)',
      request: { params: IdParams, headers: IdempotencyHeader },
      responses: { 200: jsonResponse(UserSchema, 'The deactivated user') },
    }),
    async (c) => c.json(await updateUser(serviceContext(c), c.req.valid('param').id, { active: false }), 200),
  )
  .openapi(
    protectedRoute({
      method: 'get',
      path: '/{id}/two-factor',
      tags,
      summary: "A user's two-factor authentication status (your own, or anyone's with users:read)",
      request: { params: IdParams },
      responses: { 200: jsonResponse(TwoFactorStatusSchema, 'The status') },
    }),
    async (c) => c.json(await twoFactorStatus(serviceContext(c), c.req.valid('param').id), 200),
  )
  .openapi(
    protectedRoute({
      method: 'post',
      path: '/{id}/two-factor/reset',
      tags,
      summary: "Turn off another user's two-factor authentication (owner/admin, after a step-up)",
      description: [
        'For a user who lost his authenticator and his recovery codes: his factor and codes are removed, and he',
        'signs in with his password and enrols again. Never your own (disable it yourself), never someone ranked',
        'above you; 403 `STEP_UP_REQUIRED` unless you proved your own second factor within 5 minutes; 409',
        '`INVALID_STATE` when the user has none.',
      ].join('\n'),
      request: { params: IdParams, headers: IdempotencyHeader },
      responses: { 204: { description: 'Reset' } },
    }),
    async (c) => {
      await resetTwoFactor(serviceContext(c), c.req.valid('param').id);
      return c.body(null, 204);
    },
  );
