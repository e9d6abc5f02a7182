import { useEffect, useState } from 'preact/hooks';
import { LoginScreen } from './auth/login-screen';
import { type AuthSession, type AuthState, canManage } from './auth/session';
import { LiveScreen } from './live/live-screen';
import { useScreen } from './ui/router';

export function App({ auth }: { auth: AuthSession }) {
  const [state, setState] = useState<AuthState>(auth.state);
  const screen = useScreen();
  useEffect(() => {
    // The session may have settled between the first render and this effect.
    setState(auth.state);
    return auth.subscribe(setState);
  }, [auth]);

  if (state.status === 'restoring') {
    return (
      <p class="center muted" aria-busy="true">
        Loading…
      </p>
    );
  }
  if (state.status === 'signed-out') return <LoginScreen auth={auth} notice={state.reason} />;

  const { user, tenant } = state;
  return (
    <div class="shell">
      <nav class="topbar" aria-label="Main">
        <span class="brand">Fieldline</span>
        <a href={`${import.meta.env.BASE_URL}live`} aria-current={screen === 'live' ? 'page' : undefined}>
          Live
        </a>
        <span class="spacer" />
        <span class="who" data-testid="who">
          {user.name} · {tenant.name} · <span class="role">{user.role}</span>
        </span>
        <button type="button" class="button secondary" onClick={() => void auth.logout()}>
          Sign out
        </button>
      </nav>
      {user.role === 'salesman' ? (
        <main class="center">
          <p>The web app is for managers and owners. Your day is in the Fieldline phone app.</p>
        </main>
      ) : (
        <LiveScreen auth={auth} user={user} key={user.id} />
      )}
      {!canManage(user.role) && user.role !== 'salesman' && (
        <p class="viewer-note muted">You are signed in as a viewer: you can watch, not change.</p>
      )}
    </div>
  );
}
