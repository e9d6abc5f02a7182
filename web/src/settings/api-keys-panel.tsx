import { useState } from 'preact/hooks';
import type { Role, Tenant } from '../api/types';
import type { AuthSession } from '../auth/session';
import { ConfirmButton } from '../ui/confirm-button';
import { localDateTime } from '../ui/format';
import { Note } from '../ui/note';
import { useAction } from '../ui/use-action';
import { ApiKeyForm } from './api-key-form';
import type { ApiKey } from './settings-types';

export function keyStatus(key: ApiKey, now = Date.now()): 'active' | 'revoked' | 'expired' {
  if (key.revokedAt) return 'revoked';
  if (key.expiresAt && Date.parse(key.expiresAt) <= now) return 'expired';
  return 'active';
}

/** Keys for integrations (owners and admins): list, create (the secret shown once) and revoke. */
export function ApiKeysPanel({
  auth,
  role,
  tenant,
  keys,
  reload,
}: {
  auth: AuthSession;
  role: Role;
  tenant: Tenant;
  keys: ApiKey[];
  reload: () => void;
}) {
  const [adding, setAdding] = useState(false);
  return (
    <section class="panel" aria-labelledby="keys-heading" data-testid="api-keys">
      <div class="panel-head">
        <h2 id="keys-heading">API keys</h2>
        <span class="spacer" />
        {!adding && (
          <button type="button" class="button" onClick={() => setAdding(true)}>
            Create a key
          </button>
        )}
      </div>
      <p class="muted">
        Integrations call the API with a key (<code>Authorization: Bearer flk_…</code>). A key carries the scopes chosen
        here, never more than its creator has, and stops working when its creator is deactivated.
      </p>
      {adding && <ApiKeyForm auth={auth} role={role} onCreated={reload} onClose={() => setAdding(false)} />}
      {keys.length === 0 ? (
        <p class="muted">No API keys yet.</p>
      ) : (
        <div class="table-scroll">
          <table class="table">
            <caption class="visually-hidden">API keys</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Key</th>
                <th scope="col">Scopes</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">Expires</th>
                <th scope="col">Status</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {keys.map((k) => (
                <KeyRow key={k.id} auth={auth} apiKey={k} timeZone={tenant.timezone} reload={reload} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function KeyRow({
  auth,
  apiKey: k,
  timeZone,
  reload,
}: {
  auth: AuthSession;
  apiKey: ApiKey;
  timeZone: string;
  reload: () => void;
}) {
  const action = useAction();
  const status = keyStatus(k);
  const revoke = () =>
    void action
      .run(() => auth.fetch(`/v1/api-keys/${encodeURIComponent(k.id)}/revoke`, { method: 'POST' }), 'Revoked.')
      .then((ok) => ok && reload());
  return (
    <tr data-key-id={k.id} data-status={status} class={status === 'active' ? undefined : 'inactive'}>
      <th scope="row">{k.name}</th>
      <td>
        <code>{k.prefix}…</code>
      </td>
      <td title={k.scopes.join(', ')}>
        {k.scopes.length <= 3 ? k.scopes.join(', ') : `${k.scopes.slice(0, 2).join(', ')} +${k.scopes.length - 2}`}
      </td>
      <td>{localDateTime(k.createdAt, timeZone)}</td>
      <td>{k.lastUsedAt ? localDateTime(k.lastUsedAt, timeZone) : 'never'}</td>
      <td>{k.expiresAt ? localDateTime(k.expiresAt, timeZone) : 'never'}</td>
      <td>{status === 'active' ? 'Active' : status === 'revoked' ? 'Revoked' : 'Expired'}</td>
      <td>
        {status !== 'revoked' && (
          <ConfirmButton
            label="Revoke"
            question={`Revoke ${k.name}? Integrations using it stop at once.`}
            confirmLabel="Revoke"
            disabled={action.busy}
            onConfirm={revoke}
          />
        )}
        <Note action={action} />
      </td>
    </tr>
  );
}
