import { useState } from 'preact/hooks';
import { loadAll } from '../api/pages';
import type { Role, Tenant } from '../api/types';
import { canManageUser } from '../auth/permissions';
import type { AuthSession } from '../auth/session';
import { notifyChanged } from '../ui/changes';
import { ConfirmButton } from '../ui/confirm-button';
import { localDateTime } from '../ui/format';
import { LoadError } from '../ui/load-state';
import { Note } from '../ui/note';
import { useAction } from '../ui/use-action';
import { useLoad } from '../ui/use-load';
import { ROLE_LABEL } from './labels';
import type { TerritoryRecord } from './team-types';

/** An invitation as GET /v1/invitations answers it (the fields shown here). */
export interface InvitationRecord {
  id: string;
  email: string;
  name: string;
  role: Role;
  status: 'pending' | 'expired' | 'accepted' | 'revoked';
  emailStatus: 'sending' | 'sent' | 'failed';
  emailError: string | null;
  sentAt: string | null;
  expiresAt: string;
  createdAt: string;
}

/**
 * Invitations by e-mail: the form, and the ones still open (pending or expired) with what became of
 * their e-mail, to resend or withdraw. Accepted ones are users in the table above; withdrawn ones are gone.
 */
export function Invitations({
  auth,
  me,
  tenant,
  roles,
  territories,
  inviting,
  onClose,
}: {
  auth: AuthSession;
  me: { role: Role };
  tenant: Tenant;
  roles: Role[];
  territories: TerritoryRecord[];
  inviting: boolean;
  onClose: () => void;
}) {
  const [list, reload] = useLoad(
    () => loadAll<InvitationRecord>(auth, '/v1/invitations?sort=-createdAt'),
    'invitations',
    true,
  );
  const open = list.state === 'ready' ? list.value.filter((i) => i.status === 'pending' || i.status === 'expired') : [];
  return (
    <>
      {inviting && (
        <InviteForm auth={auth} roles={roles} territories={territories} onInvited={reload} onClose={onClose} />
      )}
      {list.state === 'error' && <LoadError what="The invitations" message={list.message} retry={reload} />}
      {open.length > 0 && (
        <div class="table-scroll" data-testid="invitations">
          <table class="table">
            <caption>Invitations not accepted yet</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Status</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {open.map((i) => (
                <InvitationRow
                  key={i.id}
                  auth={auth}
                  invitation={i}
                  tenant={tenant}
                  manageable={canManageUser(me.role, i.role)}
                  reload={reload}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

function statusText(i: InvitationRecord, tenant: Tenant): string {
  if (i.status === 'expired') return `Expired ${localDateTime(i.expiresAt, tenant.timezone)}`;
  if (i.emailStatus === 'failed') return `E-mail not sent${i.emailError ? `: ${i.emailError}` : ''}`;
  if (i.emailStatus === 'sending') return 'Sending the e-mail…';
  return `E-mail sent ${localDateTime(i.sentAt, tenant.timezone)}; valid until ${localDateTime(i.expiresAt, tenant.timezone)}`;
}

function InvitationRow({
  auth,
  invitation: i,
  tenant,
  manageable,
  reload,
}: {
  auth: AuthSession;
  invitation: InvitationRecord;
  tenant: Tenant;
  manageable: boolean;
  reload: () => void;
}) {
  const action = useAction();
  const post = (verb: 'resend' | 'revoke', done: string) =>
    action
      .run(() => auth.fetch(`/v1/invitations/${encodeURIComponent(i.id)}/${verb}`, { method: 'POST' }), done)
      .then((ok) => {
        if (!ok) return;
        reload();
        notifyChanged();
      });
  const trouble = i.status === 'expired' || i.emailStatus === 'failed';
  return (
    <tr data-invitation-email={i.email} data-status={i.status} data-email-status={i.emailStatus}>
      <th scope="row">{i.name}</th>
      <td>{i.email}</td>
      <td>{ROLE_LABEL[i.role]}</td>
      <td class={trouble ? 'error' : 'muted'}>{statusText(i, tenant)}</td>
      <td>
        {manageable && (
          <span class="row">
            <button
              type="button"
              class={trouble ? 'button' : 'button secondary'}
              disabled={action.busy}
              onClick={() => void post('resend', `A new link went to ${i.email}; the previous one no longer works.`)}
            >
              Resend
            </button>
            <ConfirmButton
              label="Withdraw"
              question={`Withdraw the invitation to ${i.email}? Its link stops working.`}
              confirmLabel="Withdraw"
              disabled={action.busy}
              onConfirm={() => void post('revoke', `The invitation to ${i.email} is withdrawn.`)}
            />
          </span>
        )}
        <Note action={action} />
      </td>
    </tr>
  );
}

/** Name, e-mail and role (and a new salesman's territory): the e-mail goes out at once. */
function InviteForm({
  auth,
  roles,
  territories,
  onInvited,
  onClose,
}: {
  auth: AuthSession;
  roles: Role[];
  territories: TerritoryRecord[];
  onInvited: () => void;
  onClose: () => void;
}) {
  const [role, setRole] = useState<Role>(
    roles.includes('salesman') ? 'salesman' : (roles[roles.length - 1] ?? 'viewer'),
  );
  const action = useAction();
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const territoryId = String(data.get('territoryId') ?? '');
    const email = String(data.get('email')).trim();
    let sent: InvitationRecord | undefined;
    const ok = await action.run(async () => {
      sent = await auth.fetch<InvitationRecord>('/v1/invitations', {
        method: 'POST',
        body: {
          name: String(data.get('name')).trim(),
          email,
          role,
          ...(role === 'salesman' && territoryId ? { territoryId } : {}),
        },
      });
      if (sent.emailStatus === 'failed') {
        throw new Error(
          `The invitation is saved but its e-mail was not sent (${sent.emailError ?? 'unknown error'}): resend it below.`,
        );
      }
    }, `Invitation e-mailed to ${email}. It works for 7 days.`);
    if (sent) onInvited();
    if (!ok) return;
    form.reset();
    notifyChanged();
  };
  return (
    <form class="subform" onSubmit={submit} aria-labelledby="invite-form-heading" data-testid="invite-form">
      <h3 id="invite-form-heading">Invite by e-mail</h3>
      <div class="fields">
        <label>
          Name
          <input name="name" required maxLength={200} autoComplete="off" />
        </label>
        <label>
          Email
          <input name="email" type="email" required maxLength={254} autoComplete="off" />
        </label>
        <label>
          Role
          <select name="role" value={role} onChange={(e) => setRole(e.currentTarget.value as Role)}>
            {roles.map((r) => (
              <option key={r} value={r}>
                {ROLE_LABEL[r]}
              </option>
            ))}
          </select>
        </label>
        {role === 'salesman' && (
          <label>
            Territory <span class="muted">(optional)</span>
            <select name="territoryId" defaultValue="">
              <option value="">None yet</option>
              {territories.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      <p class="muted">
        They get a link to choose their own password and join; it works once, for 7 days. A salesman gets his salesman
        profile when he joins.
      </p>
      <Note action={action} testId="invite-form-note" />
      <div class="row">
        <button type="submit" class="button" disabled={action.busy} aria-busy={action.busy}>
          {action.busy ? 'Sending…' : 'Send invitation'}
        </button>
        <button type="button" class="button secondary" onClick={onClose}>
          Close
        </button>
      </div>
    </form>
  );
}

/**
 * "Invite…" beside a salesman profile nobody signs in as yet: his e-mail address, and the invitation
 * names the profile, which becomes his when he joins.
 */
export function InviteToProfile({
  auth,
  salesman,
  onInvited,
}: {
  auth: AuthSession;
  salesman: { id: string; name: string };
  onInvited: () => void;
}) {
  const [open, setOpen] = useState(false);
  const action = useAction();
  if (!open) {
    return (
      <span class="row">
        <span class="muted">no sign-in</span>
        <button type="button" class="button secondary" onClick={() => setOpen(true)}>
          Invite…
        </button>
        <Note action={action} />
      </span>
    );
  }
  const submit = async (e: Event) => {
    e.preventDefault();
    const email = String(new FormData(e.currentTarget as HTMLFormElement).get('email')).trim();
    let sent: InvitationRecord | undefined;
    const ok = await action.run(async () => {
      sent = await auth.fetch<InvitationRecord>('/v1/invitations', {
        method: 'POST',
        body: { email, name: salesman.name, role: 'salesman', salesmanId: salesman.id },
      });
      if (sent.emailStatus === 'failed') {
        throw new Error(
          `Saved, but the e-mail was not sent (${sent.emailError ?? 'unknown error'}): resend it under Users.`,
        );
      }
    }, `Invitation e-mailed to ${email}.`);
    if (sent) onInvited();
    if (ok) setOpen(false);
  };
  return (
    <form class="row" onSubmit={submit} data-testid="invite-to-profile">
      <input
        name="email"
        type="email"
        required
        maxLength={254}
        autoComplete="off"
        aria-label={`E-mail address of ${salesman.name}`}
        placeholder="his e-mail"
      />
      <button type="submit" class="button" disabled={action.busy} aria-busy={action.busy}>
        Send
      </button>
      <button type="button" class="button secondary" onClick={() => setOpen(false)}>
        Cancel
      </button>
      <Note action={action} />
    </form>
  );
}
