import { useState } from 'preact/hooks';
import type { Role, Tenant, User } from '../api/types';
import { canManageUser, grantableRoles } from '../auth/permissions';
import type { AuthSession } from '../auth/session';
import { ConfirmButton } from '../ui/confirm-button';
import { localDateTime } from '../ui/format';
import { Note } from '../ui/note';
import { useAction } from '../ui/use-action';
import { Invitations } from './invitations';
import { ROLE_LABEL } from './labels';
import type { TerritoryRecord, UserRecord } from './team-types';
import { UserForm } from './user-form';

interface Props {
  auth: AuthSession;
  me: User;
  tenant: Tenant;
  users: UserRecord[];
  territories: TerritoryRecord[];
  reload: () => void;
}

/**
 * Who signs in to the organisation, with what role; owners and admins invite them by e-mail (or add them
 * with a first password to pass on), re-role and deactivate them.
 */
export function UsersPanel({ auth, me, tenant, users, territories, reload }: Props) {
  const [adding, setAdding] = useState(false);
  const [inviting, setInviting] = useState(false);
  const [query, setQuery] = useState('');
  const writable = grantableRoles(me.role).length > 0;
  const q = query.trim().toLowerCase();
  const shown = q ? users.filter((u) => `${u.name} ${u.email} ${u.role}`.toLowerCase().includes(q)) : users;
  return (
    <section class="panel" aria-labelledby="users-heading" data-testid="users">
      <div class="panel-head">
        <h2 id="users-heading">Users</h2>
        <span class="muted">
          {users.filter((u) => u.active).length} active of {users.length}
        </span>
        <span class="spacer" />
        <label class="inline">
          Search
          <input type="search" value={query} onInput={(e) => setQuery(e.currentTarget.value)} />
        </label>
        {writable && !inviting && (
          <button type="button" class="button" onClick={() => setInviting(true)}>
            Invite by e-mail
          </button>
        )}
        {writable && !adding && (
          <button type="button" class="button secondary" onClick={() => setAdding(true)}>
            Add with a password
          </button>
        )}
      </div>
      {writable && (
        <Invitations
          auth={auth}
          me={me}
          tenant={tenant}
          roles={grantableRoles(me.role)}
          territories={territories}
          inviting={inviting}
          onClose={() => setInviting(false)}
        />
      )}
      {adding && (
        <UserForm auth={auth} roles={grantableRoles(me.role)} onCreated={reload} onClose={() => setAdding(false)} />
      )}
      {users.length === 0 ? (
        <p class="muted">No users yet.</p>
      ) : (
        <div class="table-scroll">
          <table class="table">
            <caption class="visually-hidden">Users of the organisation</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Status</th>
                <th scope="col" class="wide-only">
                  Last sign-in
                </th>
                {writable && <th scope="col">Actions</th>}
              </tr>
            </thead>
            <tbody>
              {shown.map((u) => (
                <UserRow key={u.id} auth={auth} me={me} tenant={tenant} user={u} writable={writable} reload={reload} />
              ))}
              {shown.length === 0 && (
                <tr>
                  <td colSpan={6} class="muted">
                    Nobody matches “{query}”.
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function UserRow({
  auth,
  me,
  tenant,
  user,
  writable,
  reload,
}: {
  auth: AuthSession;
  me: User;
  tenant: Tenant;
  user: UserRecord;
  writable: boolean;
  reload: () => void;
}) {
  const [role, setRole] = useState<Role>(user.role);
  const action = useAction();
  const self = user.id === me.id;
  const manageable = !self && canManageUser(me.role, user.role);
  const patch = (body: Record<string, unknown>, done: string) =>
    action
      .run(
        () =>
          auth.fetch(`/v1/users/${encodeURIComponent(user.id)}`, {
            method: 'PATCH',
            body: { ...body, expectedVersion: user.version },
          }),
        done,
      )
      .then((ok) => ok && reload());
  return (
    <tr data-user-id={user.id} data-role={user.role} class={user.active ? undefined : 'inactive'}>
      <th scope="row">
        {user.name}
        {self && <span class="muted"> (you)</span>}
      </th>
      <td>{user.email}</td>
      <td>
        {writable && manageable ? (
          <span class="row">
            <select
              aria-label={`Role of ${user.name}`}
              value={role}
              onChange={(e) => setRole(e.currentTarget.value as Role)}
            >
              {grantableRoles(me.role).map((r) => (
                <option key={r} value={r}>
                  {ROLE_LABEL[r]}
                </option>
              ))}
            </select>
            {role !== user.role && (
              <button
                type="button"
                class="button"
                disabled={action.busy}
                onClick={() => void patch({ role }, `${user.name} is now ${ROLE_LABEL[role].toLowerCase()}.`)}
              >
                Save role
              </button>
            )}
          </span>
        ) : (
          ROLE_LABEL[user.role]
        )}
      </td>
      <td>{user.active ? 'Active' : 'Deactivated'}</td>
      <td class="wide-only">{localDateTime(user.lastLoginAt, tenant.timezone)}</td>
      {writable && (
        <td>
          {manageable &&
            (user.active ? (
              <ConfirmButton
                label="Deactivate"
                question={`Deactivate ${user.name}? Their sessions end now.`}
                confirmLabel="Deactivate"
                disabled={action.busy}
                onConfirm={() => void patch({ active: false }, `${user.name} is deactivated.`)}
              />
            ) : (
              <button
                type="button"
                class="button secondary"
                disabled={action.busy}
                onClick={() => void patch({ active: true }, `${user.name} may sign in again.`)}
              >
                Reactivate
              </button>
            ))}
          <Note action={action} />
        </td>
      )}
    </tr>
  );
}
