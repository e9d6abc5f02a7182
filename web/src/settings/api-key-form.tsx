import { useState } from 'preact/hooks';
import type { Role } from '../api/types';
import { grantableScopes, type Permission } from '../auth/permissions';
import type { AuthSession } from '../auth/session';
import { localDate } from '../ui/format';
import { Note } from '../ui/note';
import { SecretBox } from '../ui/secret-box';
import { useAction } from '../ui/use-action';
import { ACTIONS, readOnly, scopeGroups } from './scopes';
import type { ApiKey } from './settings-types';

/** A new key: its name, scopes (at most the creator's) and an optional expiry; the secret is shown once. */
export function ApiKeyForm({
  auth,
  role,
  onCreated,
  onClose,
}: {
  auth: AuthSession;
  role: Role;
  onCreated: () => void;
  onClose: () => void;
}) {
  const grantable = grantableScopes(role);
  const [scopes, setScopes] = useState<Set<Permission>>(() => new Set(readOnly(grantable)));
  const [secret, setSecret] = useState<{ name: string; secret: string } | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const action = useAction();
  const tomorrow = localDate(Date.now() + 86_400_000, Intl.DateTimeFormat().resolvedOptions().timeZone);

  const toggle = (scope: Permission, on: boolean) => {
    const next = new Set(scopes);
    if (on) next.add(scope);
    else next.delete(scope);
    setScopes(next);
  };
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    if (scopes.size === 0) return setProblem('Choose at least one scope.');
    setProblem(null);
    const expires = String(data.get('expiresOn') ?? '');
    const body = {
      name: String(data.get('name')).trim(),
      scopes: grantable.filter((s) => scopes.has(s)),
      // The end of the chosen day on this computer's clock.
      ...(expires ? { expiresAt: new Date(`${expires}T23:59:59`).toISOString() } : {}),
    };
    let created: { apiKey: ApiKey; secret: string } | undefined;
    const ok = await action.run(async () => {
      created = await auth.fetch<{ apiKey: ApiKey; secret: string }>('/v1/api-keys', { method: 'POST', body });
    });
    if (!ok || !created) return;
    setSecret({ name: created.apiKey.name, secret: created.secret });
    form.reset();
    onCreated();
  };

  return (
    <form class="subform" onSubmit={submit} aria-labelledby="key-form-heading" data-testid="api-key-form">
      <h3 id="key-form-heading">Create an API key</h3>
      <div class="fields">
        <label>
          Name
          <input name="name" required maxLength={100} placeholder="e.g. ERP sync" autoComplete="off" />
        </label>
        <label>
          <span>
            Expires on <span class="muted">(optional)</span>
          </span>
          <input name="expiresOn" type="date" min={tomorrow} />
        </label>
      </div>
      <fieldset class="scopes">
        <legend>Scopes</legend>
        <div class="row wrap">
          <button type="button" class="button secondary" onClick={() => setScopes(new Set(readOnly(grantable)))}>
            Read only
          </button>
          <button type="button" class="button secondary" onClick={() => setScopes(new Set(grantable))}>
            Everything I may do
          </button>
          <button type="button" class="button secondary" onClick={() => setScopes(new Set())}>
            None
          </button>
        </div>
        <table class="table scope-grid">
          <caption class="visually-hidden">Scopes by resource</caption>
          <thead>
            <tr>
              <th scope="col">Resource</th>
              {ACTIONS.map((a) => (
                <th scope="col" key={a}>
                  {a}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {scopeGroups(grantable).map((g) => (
              <tr key={g.resource}>
                <th scope="row">{g.label}</th>
                {ACTIONS.map((a) => {
                  const scope = g.scopes[a];
                  return (
                    <td key={a}>
                      {scope && (
                        <input
                          type="checkbox"
                          aria-label={scope}
                          checked={scopes.has(scope)}
                          onChange={(e) => toggle(scope, e.currentTarget.checked)}
                        />
                      )}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </fieldset>
      {problem && (
        <p class="error" role="alert">
          {problem}
        </p>
      )}
      <Note action={action} testId="api-key-note" />
      {secret && (
        <SecretBox
          label={`Secret of ${secret.name}`}
          value={secret.secret}
          note="Copy it now: it is shown only once. Lost it? Revoke the key and create another."
        />
      )}
      <div class="row">
        <button type="submit" class="button" disabled={action.busy} aria-busy={action.busy}>
          {action.busy ? 'Creating…' : 'Create key'}
        </button>
        <button type="button" class="button secondary" onClick={onClose}>
          Close
        </button>
      </div>
    </form>
  );
}
