import { and, eq, isNull } from 'drizzle-orm';
import { assertPasswordAllowed } from '../auth/password-policy';
import { hashPassword } from '../auth/passwords';
import type { Statement } from '../db/batch';
import { invitations, type Role, salesmen, tenants, users } from '../db/tables';
import type { Config } from '../env';
import { sha256Hex } from '../lib/crypto';
import { AppError, ErrorCode } from '../lib/errors';
import { newId } from '../lib/ids';
import { type Session, signInNewUser, userPrincipal } from './auth.service';
import type { PlatformContext, ServiceContext } from './context';
import { newEntity, updateEntityStatements } from './entity';
import { type InvitationRow, invitationUpdate, liveTerritory } from './invitations.service';
import { toPublicUser, type UserRow } from './users.service';
import { appendEvent, commit } from './write-pipeline';

/**
 * The invitee's side of an invitation by e-mail (docs/api.md, Invitations): the link's page shows what
 * it opens, and accepting it creates the user, gives a salesman his profile and signs him in. No
 * credential: the token in the link is the credential, and it works once.
 */

/** What the invitee sees before accepting: who invites him, to which organisation, as what. */
export interface InvitationPreview {
  organisation: { name: string };
  email: string;
  name: string;
  role: Role;
  invitedBy: { name: string } | null;
  expiresAt: string;
}

/** The invitation a link opens, for the page that asks for a password. Changes nothing. */
export async function previewInvitation(platform: PlatformContext, token: string): Promise<InvitationPreview> {
  const { invitation, tenant } = await openInvitation(platform, token);
  const [inviter] = await platform.db
    .select({ name: users.name })
    .from(users)
    .where(and(eq(users.tenantId, invitation.tenantId), eq(users.id, invitation.invitedBy)))
    .limit(1);
  return {
    organisation: { name: tenant.name },
    email: invitation.email,
    name: invitation.name,
    role: invitation.role,
    invitedBy: inviter ? { name: inviter.name } : null,
    expiresAt: invitation.expiresAt,
  };
}

/**
 * Accepts an invitation: creates the user with the invitee's password (and his name, if he changed it),
 * gives a salesman his profile (the one named, or a new one), closes the invitation, all in one unit,
 * and signs him in. The link works once.
 */
export async function acceptInvitation(
  platform: PlatformContext,
  config: Config,
  input: { token: string; password: string; name?: string | undefined },
): Promise<Session> {
  const { invitation, tenant } = await openInvitation(platform, input.token);
  const name = input.name ?? invitation.name;
  assertPasswordAllowed(input.password, { email: invitation.email, name });
  const user: UserRow = {
    tenantId: invitation.tenantId,
    id: newId(),
    email: invitation.email,
    name,
    role: invitation.role,
    passwordHash: await hashPassword(config.PASSWORD_PEPPER, input.password),
    active: true,
    lastLoginAt: null,
    sessionsEndedAt: null,
    createdAt: platform.now,
    updatedAt: platform.now,
    version: 1,
    deletedAt: null,
  };
  // The new user acts from here on: joining is his own doing, in the log.
  const ctx = platform.as(userPrincipal(user));
  const accepted = invitationUpdate(ctx, invitation, 'invitation:accepted', {
    status: 'accepted',
    acceptedAt: ctx.now,
    userId: user.id,
  });
  await commit(
    ctx,
    [
      ctx.db.insert(users).values(user),
      appendEvent(ctx, { type: 'user:created', entityType: 'user', entityId: user.id, payload: toPublicUser(user) }),
      ...accepted.statements,
      ...(await salesmanProfileStatements(ctx, invitation, user)),
    ],
    () => new AppError(ErrorCode.INVALID_STATE, 'This invitation was accepted already; sign in instead'),
  );
  return signInNewUser(platform, config, user, tenant);
}

/** The invitation behind a link, open for acceptance: anything else answers as the API documents. */
async function openInvitation(platform: PlatformContext, token: string) {
  const [found] = await platform.db
    .select({ invitation: invitations, tenant: tenants })
    .from(invitations)
    .innerJoin(tenants, eq(tenants.id, invitations.tenantId))
    .where(and(eq(invitations.tokenHash, await sha256Hex(token)), isNull(invitations.deletedAt)))
    .limit(1);
  if (!found || found.invitation.status === 'revoked' || found.tenant.deletedAt) {
    throw new AppError(
      ErrorCode.NOT_FOUND,
      'This invitation link is not valid: it was replaced by a newer e-mail or withdrawn. Ask for a new one.',
    );
  }
  if (found.invitation.status === 'accepted') {
    throw new AppError(ErrorCode.INVALID_STATE, 'This invitation was accepted already; sign in instead');
  }
  if (found.invitation.expiresAt <= platform.now) {
    throw new AppError(ErrorCode.INVITATION_EXPIRED, 'This invitation has expired; ask for a new one', {
      expiresAt: found.invitation.expiresAt,
    });
  }
  return found;
}

/**
 * A salesman's profile, in the accepting unit: the named one becomes his (guarded: still without a
 * user), or a new one is created in the invitation's territory (if it still exists).
 */
async function salesmanProfileStatements(
  ctx: ServiceContext,
  invitation: InvitationRow,
  user: UserRow,
): Promise<Statement[]> {
  if (user.role !== 'salesman') return [];
  const tenantId = invitation.tenantId;
  // The profile named when inviting becomes his, unless it was given to someone else or deleted since:
  // then he gets a new one rather than a dead link.
  const [named] = invitation.salesmanId
    ? await ctx.db
        .select()
        .from(salesmen)
        .where(
          and(
            eq(salesmen.tenantId, tenantId),
            eq(salesmen.id, invitation.salesmanId),
            isNull(salesmen.userId),
            isNull(salesmen.deletedAt),
          ),
        )
        .limit(1)
    : [];
  if (named) {
    return updateEntityStatements(
      ctx,
      salesmen,
      named,
      { userId: user.id },
      { event: 'salesman:updated', entityType: 'salesman' },
    ).statements;
  }
  const territoryId = invitation.territoryId && (await liveTerritory(ctx, invitation.territoryId));
  const profile = {
    ...newEntity(ctx, newId()),
    userId: user.id,
    territoryId: territoryId || null,
    name: user.name,
    phone: null,
    employeeCode: null,
    active: true,
  };
  const { tenantId: _t, ...payload } = profile;
  return [
    ctx.db.insert(salesmen).values(profile),
    appendEvent(ctx, { type: 'salesman:created', entityType: 'salesman', entityId: profile.id, payload }),
  ];
}
