import { useState } from 'preact/hooks';
import type { Role } from '../api/types';
import type { AuthSession } from '../auth/session';
import { notifyChanged } from '../ui/changes';
import { Note } from '../ui/note';
import { generatePassword } from '../ui/password';
import { SecretBox } from '../ui/secret-box';
import { useAction } from '../ui/use-action';
import { ROLE_LABEL } from './labels';
import type { UserRecord } from './team-types';

/**
 * Adds a user with a first password to pass on (for someone without e-mail at hand; otherwise invite
 * him): typed, or generated and then shown once with a Copy button.
 */
export function UserForm({
  auth,
  roles,
  onCreated,
  onClose,
}: {
  auth: AuthSession;
  roles: Role[];
  onCreated: () => void;
  onClose: () => void;
}) {
  const [password, setPassword] = useState('');
  const [created, setCreated] = useState<{ email: string; password: string } | null>(null);
  const action = useAction();
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const body = {
      name: String(data.get('name')).trim(),
      email: String(data.get('email')).trim(),
      role: String(data.get('role')) as Role,
      password,
    };
    let user: UserRecord | undefined;
    const ok = await action.run(async () => {
      user = await auth.fetch<UserRecord>('/v1/users', { method: 'POST', body });
    });
    if (!ok || !user) return;
    setCreated({ email: user.email, password });
    setPassword('');
    form.reset();
    onCreated();
    notifyChanged();
  };
  return (
    <form class="subform" onSubmit={submit} aria-labelledby="user-form-heading" data-testid="user-form">
      <h3 id="user-form-heading">Add a user with a password</h3>
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
          <select name="role" defaultValue={roles.includes('manager') ? 'manager' : roles[roles.length - 1]}>
            {roles.map((r) => (
              <option key={r} value={r}>
                {ROLE_LABEL[r]}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span>
            First password <span class="muted">(at least 10 characters)</span>
          </span>
          <span class="row">
            <input
              name="password"
              class="grow"
              type="text"
              required
              minLength={10}
              maxLength={256}
              autoComplete="new-password"
              spellcheck={false}
              value={password}
              onInput={(e) => setPassword(e.currentTarget.value)}
            />
            <button type="button" class="button secondary" onClick={() => setPassword(generatePassword())}>
              Generate
            </button>
          </span>
        </label>
      </div>
      <p class="muted">
        Salesmen sign in on the phone app; give them a salesman profile under Salesmen too. Roles: owners and admins
        manage everything, managers run the team, viewers only watch.
      </p>
      <Note action={action} testId="user-form-note" />
      {created && (
        <SecretBox
          label={`Password for ${created.email}`}
          value={created.password}
          note="Pass it on now: it is not shown again. They sign in with this email and password."
        />
      )}
      <div class="row">
        <button type="submit" class="button" disabled={action.busy} aria-busy={action.busy}>
          {action.busy ? 'Adding…' : 'Add user'}
        </button>
        <button type="button" class="button secondary" onClick={onClose}>
          Close
        </button>
      </div>
    </form>
  );
}
