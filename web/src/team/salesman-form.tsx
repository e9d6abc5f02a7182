import { useState } from 'preact/hooks';
import { ApiError } from '../api/http';
import type { AuthSession } from '../auth/session';
import { problemText } from '../ui/format';
import { Note } from '../ui/note';
import { generatePassword } from '../ui/password';
import { SecretBox } from '../ui/secret-box';
import { useAction } from '../ui/use-action';
import type { SalesmanRecord, TerritoryRecord, UserRecord } from './team-types';

const NEW_USER = 'new';

/**
 * A salesman profile, linked to the user he signs in as: an existing user with the salesman role, or
 * (owners and admins) a new one created first with a first password to pass on.
 */
export function SalesmanForm({
  auth,
  territories,
  freeUsers,
  canCreateUsers,
  onCreated,
  onClose,
}: {
  auth: AuthSession;
  territories: TerritoryRecord[];
  freeUsers: UserRecord[];
  canCreateUsers: boolean;
  onCreated: () => void;
  onClose: () => void;
}) {
  const [signIn, setSignIn] = useState(canCreateUsers ? NEW_USER : (freeUsers[0]?.id ?? ''));
  const [password, setPassword] = useState('');
  const [created, setCreated] = useState<{ email: string; password: string } | null>(null);
  const action = useAction();

  const submit = async (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const text = (name: string) => String(data.get(name) ?? '').trim();
    const name = text('name');
    let userId: string | null = signIn && signIn !== NEW_USER ? signIn : null;
    let newUser: UserRecord | undefined;
    const ok = await action.run(async () => {
      if (signIn === NEW_USER) {
        newUser = await auth.fetch<UserRecord>('/v1/users', {
          method: 'POST',
          body: { name, email: text('email'), role: 'salesman', password },
        });
        userId = newUser.id;
      }
      try {
        await auth.fetch<SalesmanRecord>('/v1/salesmen', {
          method: 'POST',
          body: {
            name,
            userId,
            territoryId: text('territoryId') || null,
            employeeCode: text('employeeCode') || null,
            phone: text('phone') || null,
          },
        });
      } catch (err) {
        // The user exists now: say so, so a retry links him instead of creating him twice.
        if (newUser && err instanceof ApiError) {
          throw new Error(
            `The user ${newUser.email} was created, but not his salesman profile: ${problemText(err)} Add the profile again and pick him under “Signs in as”.`,
          );
        }
        throw err;
      }
    }, `${name} is added.`);
    if (newUser) {
      setCreated({ email: newUser.email, password });
      setPassword('');
    }
    if (newUser || ok) onCreated();
    if (ok) {
      form.reset();
      setSignIn(canCreateUsers ? NEW_USER : '');
    }
  };

  return (
    <form class="subform" onSubmit={submit} aria-labelledby="salesman-form-heading" data-testid="salesman-form">
      <h3 id="salesman-form-heading">Add a salesman</h3>
      <div class="fields">
        <label>
          Name
          <input name="name" required maxLength={200} autoComplete="off" />
        </label>
        <label>
          <span>
            Employee code <span class="muted">(optional, unique)</span>
          </span>
          <input name="employeeCode" maxLength={64} autoComplete="off" />
        </label>
        <label>
          <span>
            Phone <span class="muted">(optional)</span>
          </span>
          <input name="phone" type="tel" maxLength={40} autoComplete="off" />
        </label>
        <label>
          Territory
          <select name="territoryId">
            <option value="">No territory</option>
            {territories.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Signs in as
          <select name="signIn" value={signIn} onChange={(e) => setSignIn(e.currentTarget.value)}>
            {canCreateUsers && <option value={NEW_USER}>A new user (enter the email below)</option>}
            {freeUsers.map((u) => (
              <option key={u.id} value={u.id}>
                {u.name} ({u.email})
              </option>
            ))}
            <option value="">Nobody yet (no phone app)</option>
          </select>
        </label>
        {signIn === NEW_USER && (
          <>
            <label>
              His email
              <input name="email" type="email" required maxLength={254} autoComplete="off" />
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
          </>
        )}
      </div>
      {!canCreateUsers && freeUsers.length === 0 && (
        <p class="muted">
          No user with the salesman role is free to link: an owner or admin adds him under Users first.
        </p>
      )}
      <Note action={action} testId="salesman-form-note" />
      {created && (
        <SecretBox
          label={`Password for ${created.email}`}
          value={created.password}
          note="Pass it on now: it is not shown again. He signs in on the phone app with this email and password."
        />
      )}
      <div class="row">
        <button type="submit" class="button" disabled={action.busy} aria-busy={action.busy}>
          {action.busy ? 'Adding…' : 'Add salesman'}
        </button>
        <button type="button" class="button secondary" onClick={onClose}>
          Close
        </button>
      </div>
    </form>
  );
}
