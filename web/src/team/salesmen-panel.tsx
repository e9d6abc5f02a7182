import { useState } from 'preact/hooks';
import type { AuthSession } from '../auth/session';
import { notifyChanged } from '../ui/changes';
import { ConfirmButton } from '../ui/confirm-button';
import { Note } from '../ui/note';
import { href, onLinkClick } from '../ui/router';
import { useAction } from '../ui/use-action';
import { InviteToProfile } from './invitations';
import { SalesmanForm } from './salesman-form';
import type { SalesmanRecord, TerritoryRecord, UserRecord } from './team-types';

interface Props {
  auth: AuthSession;
  salesmen: SalesmanRecord[];
  territories: TerritoryRecord[];
  /** Null when the role may not list users (then sign-ins show as linked, without the email). */
  users: UserRecord[] | null;
  canWrite: boolean;
  canCreateUsers: boolean;
  reload: () => void;
}

/** Salesman profiles: who signs in as each, his territory; managers and above add and assign them. */
export function SalesmenPanel({ auth, salesmen, territories, users, canWrite, canCreateUsers, reload }: Props) {
  const [adding, setAdding] = useState(false);
  const email = new Map((users ?? []).map((u) => [u.id, u.email]));
  const linked = new Set(salesmen.map((s) => s.userId).filter(Boolean));
  // Users with the salesman role and no profile yet: the ones a new profile can sign in as.
  const free = (users ?? []).filter((u) => u.role === 'salesman' && u.active && !linked.has(u.id));
  return (
    <section class="panel" aria-labelledby="salesmen-heading" data-testid="salesmen-admin">
      <div class="panel-head">
        <h2 id="salesmen-heading">Salesmen</h2>
        <span class="muted">
          {salesmen.filter((s) => s.active).length} active of {salesmen.length}
        </span>
        <span class="spacer" />
        {canWrite && !adding && (
          <button type="button" class="button" onClick={() => setAdding(true)}>
            Add a salesman
          </button>
        )}
      </div>
      {adding && (
        <SalesmanForm
          auth={auth}
          territories={territories}
          freeUsers={free}
          canCreateUsers={canCreateUsers}
          onCreated={() => {
            reload();
            notifyChanged();
          }}
          onClose={() => setAdding(false)}
        />
      )}
      {salesmen.length === 0 ? (
        <p class="muted">No salesmen yet.{canWrite ? ' Add one to see him on the Live map.' : ''}</p>
      ) : (
        <div class="table-scroll">
          <table class="table">
            <caption class="visually-hidden">Salesmen</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Code</th>
                <th scope="col" class="wide-only">
                  Phone
                </th>
                <th scope="col">Signs in as</th>
                <th scope="col">Territory</th>
                <th scope="col">Status</th>
                {canWrite && <th scope="col">Actions</th>}
              </tr>
            </thead>
            <tbody>
              {salesmen.map((s) => (
                <SalesmanRow
                  key={s.id}
                  auth={auth}
                  salesman={s}
                  territories={territories}
                  signIn={s.userId ? (email.get(s.userId) ?? 'a user') : null}
                  canWrite={canWrite}
                  canInvite={canCreateUsers}
                  reload={reload}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function SalesmanRow({
  auth,
  salesman: s,
  territories,
  signIn,
  canWrite,
  canInvite,
  reload,
}: {
  auth: AuthSession;
  salesman: SalesmanRecord;
  territories: TerritoryRecord[];
  signIn: string | null;
  canWrite: boolean;
  /** Owners and admins invite someone by e-mail to a profile nobody signs in as. */
  canInvite: boolean;
  reload: () => void;
}) {
  const [territoryId, setTerritoryId] = useState(s.territoryId ?? '');
  const action = useAction();
  const territoryName = territories.find((t) => t.id === s.territoryId)?.name ?? '–';
  const patch = (body: Record<string, unknown>, done: string) =>
    action
      .run(
        () =>
          auth.fetch(`/v1/salesmen/${encodeURIComponent(s.id)}`, {
            method: 'PATCH',
            body: { ...body, expectedVersion: s.version },
          }),
        done,
      )
      .then((ok) => {
        if (!ok) return;
        reload();
        notifyChanged();
      });
  return (
    <tr data-salesman-id={s.id} class={s.active ? undefined : 'inactive'}>
      <th scope="row">
        <a href={href('salesmen', s.id)} onClick={onLinkClick}>
          {s.name}
        </a>
      </th>
      <td class="nowrap">{s.employeeCode ?? '–'}</td>
      <td class="nowrap wide-only">{s.phone ?? '–'}</td>
      <td>
        {signIn ??
          (canInvite && s.active ? (
            <InviteToProfile auth={auth} salesman={s} onInvited={notifyChanged} />
          ) : (
            <span class="muted">no sign-in</span>
          ))}
      </td>
      <td>
        {canWrite ? (
          <span class="row">
            <select
              aria-label={`Territory of ${s.name}`}
              value={territoryId}
              onChange={(e) => setTerritoryId(e.currentTarget.value)}
            >
              <option value="">No territory</option>
              {territories.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name}
                </option>
              ))}
            </select>
            {territoryId !== (s.territoryId ?? '') && (
              <button
                type="button"
                class="button"
                disabled={action.busy}
                onClick={() =>
                  void patch(
                    { territoryId: territoryId || null },
                    `${s.name}: ${territories.find((t) => t.id === territoryId)?.name ?? 'no territory'}.`,
                  )
                }
              >
                Assign
              </button>
            )}
          </span>
        ) : (
          territoryName
        )}
      </td>
      <td>{s.active ? 'Active' : 'Inactive'}</td>
      {canWrite && (
        <td>
          {s.active ? (
            <ConfirmButton
              label="Deactivate"
              question={`Deactivate ${s.name}?`}
              confirmLabel="Deactivate"
              disabled={action.busy}
              onConfirm={() => void patch({ active: false }, `${s.name} is inactive.`)}
            />
          ) : (
            <button
              type="button"
              class="button secondary"
              disabled={action.busy}
              onClick={() => void patch({ active: true }, `${s.name} is active again.`)}
            >
              Reactivate
            </button>
          )}
          <Note action={action} />
        </td>
      )}
    </tr>
  );
}
