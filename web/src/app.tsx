import { useEffect, useState } from 'preact/hooks';
import { LoginScreen } from './auth/login-screen';
import { type AuthSession, type AuthState, canManage } from './auth/session';
import { LiveScreen } from './live/live-screen';
import { lazyScreen } from './ui/lazy';
import { href, onLinkClick, type Screen, useRoute } from './ui/router';

// Screens other than Live are chunks of their own, fetched the first time they are opened.
const SalesmenScreen = lazyScreen(() => import('./salesmen/salesmen-screen').then((m) => m.SalesmenScreen));
const ReportsScreen = lazyScreen(() => import('./reports/reports-screen').then((m) => m.ReportsScreen));

const NAV: { screen: Screen; label: string }[] = [
  { screen: 'live', label: 'Live' },
  { screen: 'salesmen', label: 'Salesmen' },
  { screen: 'reports', label: 'Reports' },
];

export function App({ auth }: { auth: AuthSession }) {
  const [state, setState] = useState<AuthState>(auth.state);
  const route = useRoute();
  useEffect(() => {
    // The session may have settled between the first render and this effect.
    setState(auth.state);
    return auth.subscribe(setState);
  }, [auth]);
  useEffect(() => {
    const label = NAV.find((n) => n.screen === route.screen)?.label ?? 'Live';
    document.title = `${label} · Fieldline`;
  }, [route.screen]);

  if (state.status === 'restoring') {
    return (
      <p class="center muted" aria-busy="true">
        Loading…
      </p>
    );
  }
  if (state.status === 'signed-out') return <LoginScreen auth={auth} notice={state.reason} />;

  const { user, tenant } = state;
  const isSalesman = user.role === 'salesman';
  return (
    <div class="shell">
      <nav class="topbar" aria-label="Main">
        <span class="brand">Fieldline</span>
        {!isSalesman &&
          NAV.map((n) => (
            <a
              key={n.screen}
              href={href(n.screen)}
              onClick={onLinkClick}
              aria-current={route.screen === n.screen ? 'page' : undefined}
            >
              {n.label}
            </a>
          ))}
        <span class="spacer" />
        <span class="who" data-testid="who">
          {user.name} · {tenant.name} · <span class="role">{user.role}</span>
        </span>
        <button type="button" class="button secondary" onClick={() => void auth.logout()}>
          Sign out
        </button>
      </nav>
      {isSalesman ? (
        <main class="center">
          <p>The web app is for managers and owners. Your day is in the Fieldline phone app.</p>
        </main>
      ) : route.screen === 'salesmen' ? (
        <SalesmenScreen auth={auth} tenant={tenant} id={route.param} />
      ) : route.screen === 'reports' ? (
        <ReportsScreen auth={auth} tenant={tenant} name={route.param} />
      ) : (
        <LiveScreen auth={auth} user={user} key={user.id} />
      )}
      {!canManage(user.role) && !isSalesman && (
        <p class="viewer-note muted">You are signed in as a viewer: you can watch, not change.</p>
      )}
    </div>
  );
}
