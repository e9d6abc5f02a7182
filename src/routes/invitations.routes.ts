import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import {
  AcceptInvitationBody,
  CreateInvitationBody,
  InvitationListQuery,
  InvitationPreviewSchema,
  InvitationSchema,
  InvitationTokenQuery,
} from '../contracts/invitations.schemas';
import type { AppEnv } from '../env';
import { invitationRateLimit } from '../middleware/rate-limit';
import type { InvitationMailer } from '../outbound/invitation-mail';
import { bindingSender } from '../outbound/mail-binding';
import { acceptInvitation, previewInvitation } from '../services/invitation-acceptance.service';
import {
  getInvitation,
  INVITATION_TTL_DAYS,
  inviteUser,
  listInvitations,
  resendInvitation,
  revokeInvitation,
} from '../services/invitations.service';
import { SessionSchema } from './auth.routes';
import { listRoute } from './crud';
import {
  createProtectedRouter,
  createRouter,
  ERROR_RESPONSES,
  IdempotencyHeader,
  IdParams,
  jsonBody,
  jsonResponse,
  listQuery,
  protectedRoute,
  serviceContext,
} from './openapi';

const tags = ['Invitations'];

/** The invitation e-mail goes through the send_email binding, from the reports' sender address. */
const mailerOf = (c: Context<AppEnv>): InvitationMailer => ({
  send: bindingSender(c.env.REPORT_EMAIL),
  from: c.get('config').REPORT_EMAIL_FROM,
  baseUrl: c.get('config').PUBLIC_BASE_URL,
});

const linkErrors = {
  404: ERROR_RESPONSES[404],
  409: { ...ERROR_RESPONSES[409], description: '`INVALID_STATE`: accepted already (sign in)' },
  410: {
    description: '`INVITATION_EXPIRED`: ask for a new one',
    content: ERROR_RESPONSES[404].content,
  },
};

/** The link in the e-mail: opened and accepted without a credential (the token is the credential). */
export const invitationAcceptRouter = createRouter();
invitationAcceptRouter.use('/accept', invitationRateLimit);
invitationAcceptRouter
  .openapi(
    createRoute({
      method: 'get',
      path: '/accept',
      tags,
      summary: 'What an invitation link opens (no credential)',
      description:
        'Who invites the bearer of the token to which organisation, as what, until when. Changes nothing. 404 for a link that was replaced by a newer e-mail or withdrawn, 409 `INVALID_STATE` once accepted, 410 `INVITATION_EXPIRED` after `expiresAt`.',
      request: { query: InvitationTokenQuery },
      responses: {
        200: jsonResponse(InvitationPreviewSchema, 'The invitation'),
        400: ERROR_RESPONSES[400],
        ...linkErrors,
      },
    }),
    async (c) => c.json(await previewInvitation(c.get('platform'), c.req.valid('query').token), 200),
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/accept',
      tags,
      summary: 'Accept an invitation: choose a password, join, and sign in (no credential)',
      description: [
        "Creates the user with the invitation's e-mail and role and the password given here (the password",
        'policy of signup applies: 400 `WEAK_PASSWORD`), gives a salesman his salesman profile (the one the',
        'invitation named, or a new one in its territory) and signs him in: the answer is a session, as',
        'from `POST /v1/auth/login`. The link works once; errors as for `GET /v1/invitations/accept`.',
      ].join('\n'),
      request: jsonBody(AcceptInvitationBody),
      responses: { 201: jsonResponse(SessionSchema, 'Joined and signed in'), 400: ERROR_RESPONSES[400], ...linkErrors },
    }),
    async (c) => c.json(await acceptInvitation(c.get('platform'), c.get('config'), c.req.valid('json')), 201),
  );

export const invitationsRouter = listRoute(createProtectedRouter(), {
  tags,
  summary: 'List invitations (owner/admin, users:read)',
  query: listQuery(['createdAt', 'updatedAt', 'email'] as const).extend(InvitationListQuery.shape),
  schema: InvitationSchema,
  pageName: 'InvitationPage',
  description: 'A page of invitations',
  list: listInvitations,
})
  .openapi(
    protectedRoute({
      method: 'post',
      path: '/',
      tags,
      summary: 'Invite someone by e-mail (owner/admin)',
      description: [
        `E-mails a link that works once for ${INVITATION_TTL_DAYS} days; the invitee opens it, chooses a password`,
        'and joins with the role given here (never above your own: 403). The token is in the e-mail only:',
        'Fieldline keeps its SHA-256. `emailStatus` says whether the e-mail left (`failed`: resend it).',
        '409 `ALREADY_EXISTS` when a member has the address (`userId`) or an open invitation does',
        '(`invitationId`: resend that one); an expired invitation to the address is replaced.',
      ].join('\n'),
      request: { headers: IdempotencyHeader, ...jsonBody(CreateInvitationBody) },
      responses: { 201: jsonResponse(InvitationSchema, 'The invitation, its e-mail sent (or failed)') },
    }),
    async (c) => c.json(await inviteUser(serviceContext(c), c.req.valid('json'), mailerOf(c)), 201),
  )
  .openapi(
    protectedRoute({
      method: 'get',
      path: '/{id}',
      tags,
      summary: 'Get an invitation',
      request: { params: IdParams },
      responses: { 200: jsonResponse(InvitationSchema, 'The invitation') },
    }),
    async (c) => c.json(await getInvitation(serviceContext(c), c.req.valid('param').id), 200),
  )
  .openapi(
    protectedRoute({
      method: 'post',
      path: '/{id}/resend',
      tags,
      summary: 'E-mail a pending or expired invitation again, with a new link (owner/admin)',
      description: `The previous link stops working; the new one works for ${INVITATION_TTL_DAYS} days. 409 \`INVALID_STATE\` once accepted or revoked.`,
      request: { params: IdParams, headers: IdempotencyHeader },
      responses: { 200: jsonResponse(InvitationSchema, 'The invitation, e-mailed again') },
    }),
    async (c) => c.json(await resendInvitation(serviceContext(c), c.req.valid('param').id, mailerOf(c)), 200),
  )
  .openapi(
    protectedRoute({
      method: 'post',
      path: '/{id}/revoke',
      tags,
      summary: 'Withdraw an invitation: its link opens nothing any more (owner/admin)',
      description: '409 `INVALID_STATE` once accepted (deactivate the user instead); revoking twice answers the same.',
      request: { params: IdParams, headers: IdempotencyHeader },
      responses: { 200: jsonResponse(InvitationSchema, 'The revoked invitation') },
    }),
    async (c) => c.json(await revokeInvitation(serviceContext(c), c.req.valid('param').id), 200),
  );
