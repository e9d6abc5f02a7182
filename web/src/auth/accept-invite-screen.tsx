import { useEffect, useState } from 'preact/hooks';
import { ApiError, requestJson } from '../api/http';
import type { Role } from '../api/types';
import { BASE } from '../ui/router';
import type { AuthSession } from './session';

/** What GET /v1/invitations/accept answers: who invites the reader to which organisation, as what. */
interface InvitationPreview {
  organisation: { name: string };
  email: string;
  name: string;
  role: Role;
  invitedBy: { name: string } | null;
  expiresAt: string;
}

const ROLE_WITH_ARTICLE: Record<Role, string> = {
  owner: 'an owner',
  admin: 'an administrator',
  manager: 'a manager',
  salesman: 'a salesman',
  viewer: 'a viewer',
};

/** The token of the e-mail's link: /app/accept-invite#token=… (a fragment, which no server log keeps). */
export const invitationTokenOf = (hash: string): string | null =>
  new URLSearchParams(hash.replace(/^#/, '')).get('token');

type Loaded =
  | { state: 'loading' }
  | { state: 'ready'; invitation: InvitationPreview }
  | { state: 'error'; title: string; text: string };

/**
 * /app/accept-invite: the page an invitation e-mail opens. It shows who invites whom to what, asks for a
 * password (twice) and the name to go by, joins and signs in; then the app opens as for any sign-in.
 */
export function AcceptInviteScreen({
  auth,
  token,
  onJoined,
}: {
  auth: AuthSession;
  token: string | null;
  onJoined: () => void;
}) {
  const [loaded, setLoaded] = useState<Loaded>({ state: 'loading' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!token) {
      setLoaded(linkError(null));
      return;
    }
    requestJson<InvitationPreview>(`/v1/invitations/accept?token=${encodeURIComponent(token)}`).then(
      (invitation) => setLoaded({ state: 'ready', invitation }),
      (err: unknown) => setLoaded(linkError(err)),
    );
  }, [token]);

  useEffect(() => {
    document.title = 'Join · Fieldline';
  }, []);

  if (loaded.state === 'loading') {
    return (
      <p class="center muted" aria-busy="true">
        Opening your invitation…
      </p>
    );
  }
  if (loaded.state === 'error') {
    return (
      <main class="login">
        <div class="card" data-testid="invitation-error">
          <h1>{loaded.title}</h1>
          <p role="alert">{loaded.text}</p>
          <a class="button" href={`${BASE}/`}>
            Go to sign-in
          </a>
        </div>
      </main>
    );
  }

  const { invitation } = loaded;
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const password = String(form.get('password'));
    if (password !== String(form.get('confirm'))) {
      setError('The two passwords differ.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const name = String(form.get('name')).trim();
      await auth.acceptInvitation(token ?? '', password, name && name !== invitation.name ? name : undefined);
      // Signed in: the app's start.
      onJoined();
    } catch (err) {
      setError(acceptError(err));
    } finally {
      setBusy(false);
    }
  };
  const who = invitation.invitedBy ? `${invitation.invitedBy.name} invites you` : 'You are invited';
  return (
    <main class="login">
      <form
        class="card"
        onSubmit={submit}
        aria-describedby={error ? 'accept-error' : 'accept-intro'}
        data-testid="accept-invite"
      >
        <h1>Join {invitation.organisation.name}</h1>
        <p id="accept-intro">
          {who} to join <strong>{invitation.organisation.name}</strong> on Fieldline as{' '}
          {ROLE_WITH_ARTICLE[invitation.role]}. Choose a password to finish.
        </p>
        <label>
          Email
          <input name="email" type="email" autoComplete="username" value={invitation.email} readOnly />
        </label>
        <label>
          Your name
          <input name="name" required maxLength={200} defaultValue={invitation.name} autoComplete="name" />
        </label>
        <label>
          Password <span class="muted">(at least 10 characters)</span>
          <input name="password" type="password" autoComplete="new-password" required minLength={10} maxLength={256} />
        </label>
        <label>
          Password again
          <input name="confirm" type="password" autoComplete="new-password" required minLength={10} maxLength={256} />
        </label>
        {error && (
          <p id="accept-error" class="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="button" disabled={busy} aria-busy={busy}>
          {busy ? 'Joining…' : `Join ${invitation.organisation.name}`}
        </button>
      </form>
    </main>
  );
}

/** Why a link opens nothing, in the invitee's words. */
function linkError(err: unknown): Loaded {
  if (err instanceof ApiError && err.code === 'INVITATION_EXPIRED') {
    return { state: 'error', title: 'This invitation has expired', text: 'Ask whoever invited you to send a new one.' };
  }
  if (err instanceof ApiError && err.code === 'INVALID_STATE') {
    return { state: 'error', title: 'You have joined already', text: 'This invitation was accepted: sign in instead.' };
  }
  if (err instanceof ApiError && err.status === 0) {
    return {
      state: 'error',
      title: 'No connection',
      text: 'The server cannot be reached. Check the connection and reload.',
    };
  }
  return {
    state: 'error',
    title: 'This link does not work',
    text: 'It was replaced by a newer invitation e-mail, or withdrawn. Use the newest e-mail, or ask for a new one.',
  };
}

function acceptError(err: unknown): string {
  if (!(err instanceof ApiError)) return 'Something went wrong. Please try again.';
  if (err.status === 0) return 'The server cannot be reached. Check the connection and retry.';
  return err.problem.detail ?? err.message;
}
