import { INVITATION_EMAIL_STATUSES, INVITATION_STATUSES, ROLES } from '../db/tables';
import { entityFields, Password, uuid, z } from './common';

/** Invitations by e-mail (docs/api.md, Invitations): what the API accepts and answers. */

const InvitationStatus = z.enum([...INVITATION_STATUSES, 'expired']);

export const InvitationSchema = z
  .object({
    ...entityFields,
    email: z.string(),
    name: z.string(),
    role: z.enum(ROLES),
    salesmanId: z.string().nullable().openapi({ description: 'The salesman profile the invitee takes over' }),
    territoryId: z.string().nullable().openapi({ description: 'Territory of the salesman profile he gets' }),
    status: InvitationStatus.openapi({ description: '`expired`: still pending, past `expiresAt` (resend it)' }),
    invitedBy: z.string().openapi({ description: 'Who invited (a user id)' }),
    expiresAt: z.string(),
    emailStatus: z.enum(INVITATION_EMAIL_STATUSES).openapi({
      description: 'Whether the last e-mail left: `failed` (see `emailError`) can be resent',
    }),
    emailError: z.string().nullable(),
    sentAt: z.string().nullable(),
    sendCount: z.number().int(),
    acceptedAt: z.string().nullable(),
    userId: z.string().nullable().openapi({ description: 'The user created when it was accepted' }),
  })
  .openapi('Invitation');

export const CreateInvitationBody = z
  .strictObject({
    email: z.email().max(254),
    name: z.string().trim().min(1).max(200).openapi({ description: 'How the e-mail greets him; he may change it' }),
    role: z.enum(ROLES),
    salesmanId: uuid()
      .optional()
      .openapi({ description: 'role salesman: an existing salesman profile without a user, which becomes his' }),
    territoryId: uuid()
      .optional()
      .openapi({ description: 'role salesman without salesmanId: the territory of the profile created for him' }),
  })
  .openapi('CreateInvitation');

export const InvitationListQuery = z.object({ status: InvitationStatus.optional() });

export const InvitationTokenQuery = z.object({ token: z.string().min(20).max(200) });

export const InvitationPreviewSchema = z
  .object({
    organisation: z.object({ name: z.string() }),
    email: z.string(),
    name: z.string(),
    role: z.enum(ROLES),
    invitedBy: z.object({ name: z.string() }).nullable(),
    expiresAt: z.string(),
  })
  .openapi('InvitationPreview');

export const AcceptInvitationBody = z
  .strictObject({
    token: z.string().min(20).max(200).openapi({ description: 'The `token` of the link in the e-mail' }),
    password: Password,
    name: z.string().trim().min(1).max(200).optional().openapi({ description: "Defaults to the invitation's" }),
  })
  .openapi('AcceptInvitation');
