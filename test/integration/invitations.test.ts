import type { components } from '@fieldline/client/rest';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { MailSender } from '../../src/analytics/mail/report-mail';
import { invitations, salesmen } from '../../src/db/tables';
import { sha256Hex } from '../../src/lib/crypto';
import { type InviteInput, inviteUser, resendInvitation } from '../../src/services/invitations.service';
import { api } from '../helpers/api';
import { contextFor, ownerPrincipal } from '../helpers/context';
import { testDb } from '../helpers/db';
import { createTenant, createUserWithRole, type TestTenant, unique } from '../helpers/factories';
import { createSalesman, createTerritory } from '../helpers/field-factories';
import { parseCleanMail } from '../helpers/mail';
import { answered, rest } from '../helpers/rest';

type Schemas = components['schemas'];

const BASE_URL = 'https://app.fieldline.test';
const NEW_PASSWORD = 'marble otter lantern 42';

/** What the invitation e-mails contain, as a recipient's mail client would read them. */
function mailbox(fail = false) {
  const sent: { to: string; raw: string }[] = [];
  const send: MailSender = async (_from, to, raw) => {
    if (fail) throw new Error(`mailbox ${to} unavailable`);
    sent.push({ to, raw });
    return { messageId: `<${sent.length}@test>` };
  };
  return { sent, mailer: { send, from: 'team@fieldline.test', baseUrl: BASE_URL } };
}

const tokenIn = async (raw: string) => {
  const mail = await parseCleanMail(raw);
  const token = /#token=([A-Za-z0-9_-]+)/.exec(mail.text ?? '')?.[1];
  if (!token) throw new Error('no invitation link in the e-mail');
  return { token, mail };
};

/** Invites through the service (the route's twin), keeping the e-mail to read the link in it. */
async function invite(t: TestTenant, input: Partial<InviteInput> = {}, atMs?: number) {
  const box = mailbox();
  const invitation = await inviteUser(
    contextFor(ownerPrincipal(t), atMs),
    { email: `invitee-${unique()}@example.test`, name: 'Ines Invitee', role: 'salesman', ...input },
    box.mailer,
  );
  const { token, mail } = await tokenIn(box.sent[0]?.raw ?? '');
  return { invitation, token, mail };
}

const accept = (token: string, body: Partial<Schemas['AcceptInvitation']> = {}) =>
  answered(rest().POST('/v1/invitations/accept', { body: { token, password: NEW_PASSWORD, ...body } }));
const preview = (token: string) => answered(rest().GET('/v1/invitations/accept', { params: { query: { token } } }));
const inviteVia = (token: string, body: Schemas['CreateInvitation']) =>
  answered(rest(token).POST('/v1/invitations', { body }));
const byId = (id: string) => ({ params: { path: { id } } });

describe('invitations', () => {
  it('e-mails an invitation through the send_email binding and never shows its token', async () => {
    const t = await createTenant();
    const email = `Rep-${unique()}@Example.test`;
    const res = await inviteVia(t.token, { email, name: 'Rita Rep', role: 'salesman' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      email: email.toLowerCase(),
      role: 'salesman',
      status: 'pending',
      emailStatus: 'sent',
      sendCount: 1,
      invitedBy: t.ownerId,
    });
    expect(JSON.stringify(res.body)).not.toMatch(/token/i);
    expect(Date.parse(res.body.expiresAt) - Date.now()).toBeGreaterThan(6.9 * 86_400_000);

    const listed = await answered(rest(t.token).GET('/v1/invitations', { params: { query: { status: 'pending' } } }));
    expect(listed.body.data.map((i) => i.id)).toContain(res.body.id);
    const events = await answered(rest(t.token).GET('/v1/events', { params: { query: { limit: 100 } } }));
    const mine = events.body.data.filter((e) => e.entityId === res.body.id);
    expect(mine.map((e) => e.type)).toEqual(['invitation:created', 'invitation:sent']);
    expect(JSON.stringify(mine)).not.toMatch(/token/i);
  });

  it('lets the invitee see who invites him, choose a password, join as a salesman and sign in', async () => {
    const t = await createTenant('Nordwind Handel');
    const territory = await createTerritory(t.token);
    const { invitation, token, mail } = await invite(t, { territoryId: territory.id });

    // The e-mail: who, where, as what, the link (the token in its fragment) in text and HTML.
    expect(mail.subject).toContain('Nordwind Handel');
    expect(mail.text).toContain('to join Nordwind Handel on Fieldline as a salesman');
    expect(mail.text).toContain(`${BASE_URL}/app/accept-invite#token=${token}`);
    expect(mail.html).toContain(`href="${BASE_URL}/app/accept-invite#token=${token}"`);
    // Until when, in the organisation's timezone.
    const until = new Intl.DateTimeFormat('en-GB', {
      dateStyle: 'full',
      timeStyle: 'short',
      timeZone: 'Europe/Berlin',
    });
    expect(mail.text).toContain(`until ${until.format(new Date(invitation.expiresAt))} (Europe/Berlin)`);
    // Only the token's hash is stored.
    const [row] = await testDb()
      .select({ tokenHash: invitations.tokenHash })
      .from(invitations)
      .where(and(eq(invitations.tenantId, t.tenantId), eq(invitations.id, invitation.id)));
    expect(row?.tokenHash).toBe(await sha256Hex(token));

    const shown = await preview(token);
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({
      organisation: { name: 'Nordwind Handel' },
      email: invitation.email,
      name: 'Ines Invitee',
      role: 'salesman',
      invitedBy: { name: expect.any(String) },
    });

    const weak = await accept(token, { password: 'password123' });
    expect(weak.status).toBe(400);
    expect(weak.body.code).toBe('WEAK_PASSWORD');

    const joined = await accept(token, { name: 'Ines Nowak' });
    expect(joined.status).toBe(201);
    expect(joined.body).toMatchObject({
      user: { email: invitation.email, name: 'Ines Nowak', role: 'salesman', active: true },
      tenant: { id: t.tenantId },
      tokenType: 'Bearer',
    });
    // His salesman profile exists, in the invitation's territory, and his token acts as it.
    const [profile] = await testDb()
      .select()
      .from(salesmen)
      .where(and(eq(salesmen.tenantId, t.tenantId), eq(salesmen.userId, joined.body.user.id)));
    expect(profile).toMatchObject({ name: 'Ines Nowak', territoryId: territory.id, active: true });
    const visit = await answered(
      rest(joined.body.accessToken).POST('/v1/visits', { body: { customerId: crypto.randomUUID() } }),
    );
    expect(visit.status).toBe(404); // a salesman's write, refused only because the customer does not exist
    const me = await answered(rest(joined.body.accessToken).GET('/v1/users/me'));
    expect(me.body.id).toBe(joined.body.user.id);
    const login = await answered(
      rest().POST('/v1/auth/login', { body: { email: invitation.email, password: NEW_PASSWORD } }),
    );
    expect(login.status).toBe(200);

    // The link worked once.
    const again = await accept(token);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('INVALID_STATE');
    expect((await preview(token)).body.code).toBe('INVALID_STATE');
    const after = await answered(rest(t.token).GET('/v1/invitations/{id}', byId(invitation.id)));
    expect(after.body).toMatchObject({ status: 'accepted', userId: joined.body.user.id });
  });

  it('hands a named salesman profile to the invitee, and refuses one that has a user', async () => {
    const t = await createTenant();
    const profile = await createSalesman(t.token, { name: 'Paul Profile' });
    const { token } = await invite(t, { salesmanId: profile.id, name: 'Paul Profile' });
    const joined = await accept(token);
    expect(joined.status).toBe(201);
    const read = await answered(rest(t.token).GET('/v1/salesmen/{id}', byId(profile.id)));
    expect(read.body.userId).toBe(joined.body.user.id);

    const taken = await inviteVia(t.token, {
      email: `second-${unique()}@example.test`,
      name: 'Second',
      role: 'salesman',
      salesmanId: profile.id,
    });
    expect(taken.status).toBe(409);
    expect(taken.body.code).toBe('ALREADY_EXISTS');
    const notForViewers = await inviteVia(t.token, {
      email: `viewer-${unique()}@example.test`,
      name: 'V',
      role: 'viewer',
      salesmanId: profile.id,
    });
    expect(notForViewers.status).toBe(400);
  });

  it('a resend replaces the link, a revoke ends it, an expired one answers 410', async () => {
    const t = await createTenant();
    const first = await invite(t, { role: 'manager' });
    const box = mailbox();
    const resent = await resendInvitation(contextFor(ownerPrincipal(t)), first.invitation.id, box.mailer);
    expect(resent).toMatchObject({ emailStatus: 'sent', sendCount: 2, status: 'pending' });
    const { token } = await tokenIn(box.sent[0]?.raw ?? '');
    expect(token).not.toBe(first.token);
    const old = await preview(first.token);
    expect(old.status).toBe(404);
    expect(old.body.code).toBe('NOT_FOUND');
    expect((await preview(token)).status).toBe(200);

    // Over REST too (the e-mail goes to the local binding).
    const firstId = byId(first.invitation.id);
    const viaRest = await answered(rest(t.token).POST('/v1/invitations/{id}/resend', firstId));
    expect(viaRest.body).toMatchObject({ emailStatus: 'sent', sendCount: 3 });
    expect((await preview(token)).status).toBe(404);

    const revoked = await answered(rest(t.token).POST('/v1/invitations/{id}/revoke', firstId));
    expect(revoked.body.status).toBe('revoked');
    const resendRevoked = await answered(rest(t.token).POST('/v1/invitations/{id}/resend', firstId));
    expect(resendRevoked.status).toBe(409);

    // Sent eight days ago: expired, listed as such, and the address may be invited again.
    const stale = await invite(t, { role: 'viewer' }, Date.now() - 8 * 86_400_000);
    const expired = await preview(stale.token);
    expect(expired.status).toBe(410);
    expect(expired.body.code).toBe('INVITATION_EXPIRED');
    expect((await accept(stale.token)).status).toBe(410);
    const listed = await answered(rest(t.token).GET('/v1/invitations', { params: { query: { status: 'expired' } } }));
    expect(listed.body.data.map((i) => i.id)).toEqual([stale.invitation.id]);
    const renewed = await inviteVia(t.token, { email: stale.invitation.email, name: 'Again', role: 'viewer' });
    expect(renewed.status).toBe(201);
    const replaced = await answered(rest(t.token).GET('/v1/invitations/{id}', byId(stale.invitation.id)));
    expect(replaced.body.status).toBe('revoked');
  });

  it('records a failed e-mail, which a resend repairs', async () => {
    const t = await createTenant();
    const down = mailbox(true);
    const ctx = contextFor(ownerPrincipal(t));
    const failed = await inviteUser(
      ctx,
      { email: `bounce-${unique()}@example.test`, name: 'B', role: 'viewer' },
      down.mailer,
    );
    expect(failed).toMatchObject({ status: 'pending', emailStatus: 'failed', sentAt: null, sendCount: 1 });
    expect(failed.emailError).toContain('unavailable');
    const up = mailbox();
    const repaired = await resendInvitation(ctx, failed.id, up.mailer);
    expect(repaired).toMatchObject({ emailStatus: 'sent', emailError: null, sendCount: 2 });
    expect(up.sent).toHaveLength(1);
  });

  it('refuses members, open invitations, roles above your own and callers without users:write', async () => {
    const t = await createTenant();
    const admin = await createUserWithRole(t, 'admin');
    const member = await inviteVia(t.token, { email: admin.email, name: 'Admin', role: 'viewer' });
    expect(member.status).toBe(409);
    expect(member.body).toMatchObject({ code: 'ALREADY_EXISTS', userId: admin.id });

    const { invitation } = await invite(t, { role: 'viewer' });
    const twice = await inviteVia(t.token, { email: invitation.email, name: 'Again', role: 'viewer' });
    expect(twice.status).toBe(409);
    expect(twice.body).toMatchObject({ code: 'ALREADY_EXISTS', invitationId: invitation.id });

    const owner = await inviteVia(admin.token, { email: `o-${unique()}@example.test`, name: 'O', role: 'owner' });
    expect(owner.status).toBe(403);
    for (const role of ['manager', 'salesman', 'viewer'] as const) {
      const u = await createUserWithRole(t, role);
      const res = await inviteVia(u.token, { email: `x-${unique()}@example.test`, name: 'X', role: 'viewer' });
      expect(res.status, role).toBe(403);
    }
    const badEmail = await inviteVia(t.token, { email: 'nope', name: 'N', role: 'viewer' });
    expect(badEmail.status).toBe(400);
    expect(badEmail.body.code).toBe('VALIDATION_FAILED');

    // Another organisation cannot see, resend or revoke it: its id answers 404.
    const other = await createTenant();
    const theirs = byId(invitation.id);
    for (const [route, call] of [
      ['GET /v1/invitations/{id}', () => answered(rest(other.token).GET('/v1/invitations/{id}', theirs))],
      [
        'POST /v1/invitations/{id}/resend',
        () => answered(rest(other.token).POST('/v1/invitations/{id}/resend', theirs)),
      ],
      [
        'POST /v1/invitations/{id}/revoke',
        () => answered(rest(other.token).POST('/v1/invitations/{id}/revoke', theirs)),
      ],
    ] as const) {
      expect((await call()).status, route).toBe(404);
    }
  });

  it('answers a malformed or unknown link with a clear error, and ticks the onboarding step', async () => {
    expect((await preview('short')).status).toBe(400);
    const unknown = await preview('x'.repeat(43));
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toContain('application/problem+json');
    // Untyped: no password.
    expect((await api('POST', '/v1/invitations/accept', { token: 'x'.repeat(43) })).status).toBe(400);

    const t = await createTenant();
    const step = async () =>
      (await answered(rest(t.token).GET('/v1/onboarding'))).body.steps.find((s) => s.key === 'salesman_invited')?.done;
    expect(await step()).toBe(false);
    await inviteVia(t.token, { email: `first-rep-${unique()}@example.test`, name: 'First Rep', role: 'salesman' });
    expect(await step()).toBe(true);
  });
});
