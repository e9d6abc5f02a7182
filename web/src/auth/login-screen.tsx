import { useState } from 'preact/hooks';
import { ApiError } from '../api/http';
import { type AuthSession, secondFactorOf, type TenantChoice } from './session';

/**
 * Email and password; when the email opens accounts in several organisations, the user picks one; when he
 * has two-factor authentication on, he then types a code of his app (or a recovery code).
 */
export function LoginScreen({ auth, notice }: { auth: AuthSession; notice?: string | undefined }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(notice || null);
  const [choice, setChoice] = useState<TenantChoice | null>(null);
  const [challenge, setChallenge] = useState<string | null>(null);

  if (challenge) return <CodeStep auth={auth} challenge={challenge} restart={() => setChallenge(null)} />;

  const submit = async (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    setBusy(true);
    setError(null);
    try {
      const tenantId = form.get('tenantId');
      const next = await auth.login(
        String(form.get('email')),
        String(form.get('password')),
        typeof tenantId === 'string' && tenantId ? tenantId : undefined,
      );
      if (next && 'challengeToken' in next) setChallenge(next.challengeToken);
      else setChoice(next);
    } catch (err) {
      setError(loginError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="login">
      <form class="card" onSubmit={submit} aria-describedby={error ? 'login-error' : undefined}>
        <h1>Sign in to Fieldline</h1>
        <label>
          Email
          <input name="email" type="email" autoComplete="username" required />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="current-password" required />
        </label>
        {choice && (
          <label>
            Organisation
            <select name="tenantId" required>
              {choice.tenants.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name}
                </option>
              ))}
            </select>
          </label>
        )}
        {choice && <p class="muted">This email belongs to several organisations: choose one.</p>}
        {error && (
          <p id="login-error" class="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="button" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}

/** The second step: a code of the authenticator app, or one of the recovery codes. */
function CodeStep({ auth, challenge, restart }: { auth: AuthSession; challenge: string; restart: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    const typed = String(new FormData(e.currentTarget as HTMLFormElement).get('code') ?? '');
    setBusy(true);
    setError(null);
    try {
      await auth.completeTwoFactor(challenge, secondFactorOf(typed));
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) {
        restart();
        return;
      }
      setError(err instanceof ApiError && err.code === 'INVALID_TWO_FACTOR_CODE' ? `${err.message}.` : loginError(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="login">
      <form class="card" onSubmit={submit} aria-describedby={error ? 'login-error' : undefined}>
        <h1>Two-factor authentication</h1>
        <p class="muted">Enter the 6-digit code your authenticator app shows, or one of your recovery codes.</p>
        <label>
          Code
          <input name="code" autoComplete="one-time-code" inputMode="text" required minLength={6} maxLength={24} />
        </label>
        {error && (
          <p id="login-error" class="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="button" disabled={busy}>
          {busy ? 'Checking…' : 'Verify'}
        </button>
        <button type="button" class="button secondary" onClick={restart}>
          Back
        </button>
      </form>
    </main>
  );
}

function loginError(err: unknown): string {
  if (!(err instanceof ApiError)) return 'Something went wrong. Please try again.';
  if (err.status === 0) return 'The server cannot be reached. Check the connection and retry.';
  if (err.status === 429) {
    const wait = Number(err.problem.retryAfter);
    return `Too many attempts. Try again in ${Number.isFinite(wait) ? `${wait} s` : 'a moment'}.`;
  }
  if (err.status === 401) return 'Wrong email or password.';
  return err.message;
}
