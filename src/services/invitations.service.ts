import { and, eq, isNull, sql } from 'drizzle-orm';
import { requirePermission } from '../auth/principal';
import type { Statement } from '../db/batch';
import { listPage, type PageRequest } from '../db/pagination';
import { type InvitationStatus, invitations, type Role, salesmen, tenants, territories, users } from '../db/tables';
import { randomToken, sha256Hex } from '../lib/crypto';
import { AppError, ErrorCode, notFound } from '../lib/errors';
import { newId } from '../lib/ids';
import { composeInvitationMail, type InvitationMailer } from '../outbound/invitation-mail';
import type { ServiceContext } from './context';
import { findEntity, newEntity, updateEntityStatements } from './entity';
import { assertCanGrant } from './users.service';
import { appendEvent, commit } from './write-pipeline';

/**
 * Invitations by e-mail (docs/api.md, Invitations). An owner or admin invites someone with a role; the
 * e-mail carries a link with a random token, kept here only as its SHA-256, valid for
 * INVITATION_TTL_DAYS. Opening it shows who invites whom to what; accepting it with a password creates
 * the user (and, for a salesman, his salesman profile) and signs him in
 * (invitation-acceptance.service.ts). A resend mints a new token (the
 * old link stops working: there is no way to send it again, since it is not stored); a revoked, replaced
 * or accepted link opens nothing.
 */

export const INVITATION_TTL_DAYS = 7;

export type InvitationRow = typeof invitations.$inferSelect;

/** What the API shows of an invitation: never its token or hash; `expired` for a pending one past its date. */
export type PublicInvitation = Omit<InvitationRow, 'tokenHash' | 'tenantId' | 'status'> & {
  status: InvitationStatus | 'expired';
};

export const toPublicInvitation = (
  { tokenHash: _h, tenantId: _t, ...row }: InvitationRow,
  now: string,
): PublicInvitation => ({
  ...row,
  status: row.status === 'pending' && row.expiresAt <= now ? 'expired' : row.status,
});

export interface InviteInput {
  email: string;
  name: string;
  role: Role;
  /** A salesman's invitation: the existing salesman profile he takes over (one without a user yet). */
  salesmanId?: string | undefined;
  /** A salesman's invitation without a profile: the territory of the one created when he accepts. */
  territoryId?: string | undefined;
}

/**
 * Invites `input.email`: refused when a user of the organisation has that address already, or an open
 * invitation does (resend that one). An expired invitation to the address is replaced. The e-mail leaves
 * right after the commit; whether it did is in `emailStatus` (a failed one can be resent).
 */
export async function inviteUser(
  ctx: ServiceContext,
  input: InviteInput,
  mailer: InvitationMailer,
): Promise<PublicInvitation> {
  requirePermission(ctx.principal, 'users:write');
  assertCanGrant(ctx, input.role);
  const email = input.email.toLowerCase();
  const tenantId = ctx.principal.tenantId;
  await assertProfileFor(ctx, input);
  const [member] = await ctx.db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.tenantId, tenantId), eq(users.email, email), isNull(users.deletedAt)))
    .limit(1);
  if (member) {
    throw new AppError(ErrorCode.ALREADY_EXISTS, 'A user with this email is already a member of the organisation', {
      userId: member.id,
    });
  }
  const [open] = await ctx.db
    .select()
    .from(invitations)
    .where(
      and(
        eq(invitations.tenantId, tenantId),
        eq(invitations.email, email),
        eq(invitations.status, 'pending'),
        isNull(invitations.deletedAt),
      ),
    )
    .limit(1);
  const replaced: Statement[] = [];
  if (open && open.expiresAt > ctx.now) {
    throw new AppError(ErrorCode.ALREADY_EXISTS, 'This address has an open invitation; resend it instead', {
      invitationId: open.id,
    });
  }
  if (open) replaced.push(...revokeStatements(ctx, open).statements);

  const token = randomToken(32);
  const row: InvitationRow = {
    ...newEntity(ctx, newId()),
    email,
    name: input.name,
    role: input.role,
    salesmanId: input.role === 'salesman' ? (input.salesmanId ?? null) : null,
    territoryId: input.role === 'salesman' && !input.salesmanId ? (input.territoryId ?? null) : null,
    tokenHash: await sha256Hex(token),
    status: 'pending',
    invitedBy: ctx.principal.id,
    expiresAt: expiryFrom(ctx.now),
    emailStatus: 'sending',
    emailError: null,
    sentAt: null,
    sendCount: 0,
    acceptedAt: null,
    userId: null,
  };
  await commit(
    ctx,
    [
      ...replaced,
      ctx.db.insert(invitations).values(row),
      appendEvent(ctx, {
        type: 'invitation:created',
        entityType: 'invitation',
        entityId: row.id,
        payload: toPublicInvitation(row, ctx.now),
      }),
    ],
    () => new AppError(ErrorCode.CONFLICT, 'The expired invitation to this address changed meanwhile; retry'),
  );
  return send(ctx, row, token, mailer);
}

/** A new link for a pending (or expired) invitation, e-mailed again; the previous link stops working. */
export async function resendInvitation(
  ctx: ServiceContext,
  id: string,
  mailer: InvitationMailer,
): Promise<PublicInvitation> {
  requirePermission(ctx.principal, 'users:write');
  const existing = await findEntity(ctx, invitations, id, 'Invitation');
  assertCanGrant(ctx, existing.role);
  if (existing.status !== 'pending') {
    throw new AppError(ErrorCode.INVALID_STATE, `The invitation is ${existing.status}; invite again instead`);
  }
  const token = randomToken(32);
  const { updated, statements } = invitationUpdate(ctx, existing, 'invitation:renewed', {
    tokenHash: await sha256Hex(token),
    expiresAt: expiryFrom(ctx.now),
    emailStatus: 'sending',
    emailError: null,
  });
  await commit(ctx, statements, changedMeanwhile);
  return send(ctx, updated, token, mailer);
}

/** Withdraws a pending invitation: its link opens nothing any more. */
export async function revokeInvitation(ctx: ServiceContext, id: string): Promise<PublicInvitation> {
  requirePermission(ctx.principal, 'users:write');
  const existing = await findEntity(ctx, invitations, id, 'Invitation');
  assertCanGrant(ctx, existing.role);
  if (existing.status === 'accepted') {
    throw new AppError(ErrorCode.INVALID_STATE, 'The invitation was accepted; deactivate the user instead');
  }
  if (existing.status === 'revoked') return toPublicInvitation(existing, ctx.now);
  const { updated, statements } = revokeStatements(ctx, existing);
  await commit(ctx, statements, changedMeanwhile);
  return toPublicInvitation(updated, ctx.now);
}

export interface InvitationFilters {
  status?: InvitationStatus | 'expired' | undefined;
}

export async function listInvitations(ctx: ServiceContext, filters: InvitationFilters, page: PageRequest) {
  requirePermission(ctx.principal, 'users:read');
  const status = filters.status;
  const result = await listPage(ctx.db, invitations, {
    tenantId: ctx.principal.tenantId,
    filters: [
      status === 'expired' || status === 'pending' ? eq(invitations.status, 'pending') : undefined,
      status === 'expired' ? sql`${invitations.expiresAt} <= ${ctx.now}` : undefined,
      status === 'pending' ? sql`${invitations.expiresAt} > ${ctx.now}` : undefined,
      status === 'accepted' || status === 'revoked' ? eq(invitations.status, status) : undefined,
    ],
    sortable: { createdAt: invitations.createdAt, updatedAt: invitations.updatedAt, email: invitations.email },
    defaultSort: 'createdAt',
    page,
  });
  return { data: result.data.map((row) => toPublicInvitation(row, ctx.now)), nextCursor: result.nextCursor };
}

export async function getInvitation(ctx: ServiceContext, id: string): Promise<PublicInvitation> {
  requirePermission(ctx.principal, 'users:read');
  return toPublicInvitation(await findEntity(ctx, invitations, id, 'Invitation'), ctx.now);
}

/** The territory's id if it exists (not deleted) in the caller's organisation. */
export async function liveTerritory(ctx: ServiceContext, id: string): Promise<string | null> {
  const [row] = await ctx.db
    .select({ id: territories.id })
    .from(territories)
    .where(and(eq(territories.tenantId, ctx.principal.tenantId), eq(territories.id, id), isNull(territories.deletedAt)))
    .limit(1);
  return row?.id ?? null;
}

/** A named salesman profile must be the organisation's, and free; a territory must exist. */
async function assertProfileFor(ctx: ServiceContext, input: InviteInput): Promise<void> {
  if (input.role !== 'salesman') {
    if (input.salesmanId || input.territoryId) {
      throw new AppError(ErrorCode.VALIDATION_FAILED, 'salesmanId and territoryId are for salesman invitations');
    }
    return;
  }
  if (input.salesmanId) {
    const profile = await findEntity(ctx, salesmen, input.salesmanId, 'Salesman');
    if (profile.userId) {
      throw new AppError(ErrorCode.ALREADY_EXISTS, 'This salesman profile belongs to a user already', {
        userId: profile.userId,
      });
    }
  } else if (input.territoryId && !(await liveTerritory(ctx, input.territoryId))) {
    throw notFound('Territory');
  }
}

/** E-mails the link and records whether it left; the invitation exists either way. */
async function send(
  ctx: ServiceContext,
  invitation: InvitationRow,
  token: string,
  mailer: InvitationMailer,
): Promise<PublicInvitation> {
  const [tenant] = await ctx.db
    .select({ name: tenants.name, timezone: tenants.timezone })
    .from(tenants)
    .where(eq(tenants.id, ctx.principal.tenantId));
  const [inviter] = await ctx.db
    .select({ name: users.name })
    .from(users)
    .where(and(eq(users.tenantId, ctx.principal.tenantId), eq(users.id, invitation.invitedBy)))
    .limit(1);
  let outcome: Pick<InvitationRow, 'emailStatus' | 'emailError' | 'sentAt'>;
  try {
    const raw = composeInvitationMail({
      from: mailer.from,
      to: invitation.email,
      link: acceptLink(mailer.baseUrl, token),
      organisation: tenant?.name ?? '',
      inviter: inviter?.name ?? null,
      name: invitation.name,
      role: invitation.role,
      expiresAt: invitation.expiresAt,
      timeZone: tenant?.timezone ?? 'UTC',
    });
    await mailer.send(mailer.from, invitation.email, raw);
    outcome = { emailStatus: 'sent', emailError: null, sentAt: new Date().toISOString() };
  } catch (err) {
    outcome = {
      emailStatus: 'failed',
      emailError: String(err instanceof Error ? err.message : err).slice(0, 500),
      sentAt: null,
    };
  }
  const patch = { ...outcome, sendCount: invitation.sendCount + 1 };
  const event = outcome.emailStatus === 'sent' ? 'invitation:sent' : 'invitation:send_failed';
  const { updated, statements } = invitationUpdate(ctx, invitation, event, patch);
  await commit(ctx, statements, changedMeanwhile);
  return toPublicInvitation(updated, ctx.now);
}

/** The page of the web app that accepts: the token travels in the fragment, so no server log keeps it. */
export const acceptLink = (baseUrl: string, token: string) =>
  `${baseUrl.replace(/\/+$/, '')}/app/accept-invite#token=${encodeURIComponent(token)}`;

const revokeStatements = (ctx: ServiceContext, existing: InvitationRow) =>
  invitationUpdate(ctx, existing, 'invitation:revoked', { status: 'revoked' });

/** A guarded update of an invitation and its event, whose payload is what the API shows (no token hash). */
export function invitationUpdate(
  ctx: ServiceContext,
  existing: InvitationRow,
  event: string,
  patch: Partial<InvitationRow>,
) {
  const after = { ...existing, ...patch, updatedAt: ctx.now, version: existing.version + 1 };
  return updateEntityStatements(ctx, invitations, existing, patch, {
    event,
    entityType: 'invitation',
    payload: toPublicInvitation(after, ctx.now),
  });
}

const expiryFrom = (now: string) => new Date(Date.parse(now) + INVITATION_TTL_DAYS * 86_400_000).toISOString();

const changedMeanwhile = () =>
  new AppError(ErrorCode.VERSION_MISMATCH, 'The invitation was changed by someone else; reload and retry');
