import { useEffect, useState } from 'preact/hooks';
import type { Tenant, User } from './api/types';
import { LoginScreen } from './auth/login-screen';
import { type AuthSession, type AuthState, canManage } from './auth/session';
import { LiveScreen } from './live/live-screen';
import { lazyScreen } from './ui/lazy';
import { href, onLinkClick, type Screen, useRoute } from './ui/router';

// Screens other than Live are chunks of their own, fetched the first time they are opened.
const SalesmenScreen = lazyScreen(() => import('./salesmen/salesmen-screen').then((m) => m.SalesmenScreen));
const ReportsScreen = lazyScreen(() => import('./reports/reports-screen').then((m) => m.ReportsScreen));
const TeamScreen = lazyScreen(() => import('./team/team-screen').then((m) => m.TeamScreen));
const SettingsScreen = lazyScreen(() => import('./settings/settings-screen').then((m) => m.SettingsScreen));

const NAV: { screen: Screen; label: string; shown: (user: User) => boolean }[] = [
  { screen: 'live', label: 'Live', shown: () => true },
  { screen: 'salesmen', label: 'Salesmen', shown: () => true },
  { screen: 'reports', label: 'Reports', shown: () => true },
  { screen: 'team', label: 'Team', shown: () => true },
  { screen: 'settings', label: 'Settings', shown: () => true },
];

export function App({ auth }: { auth: AuthSession }) {
  const [state, setState] = useState<AuthState>(auth.state);
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
  // One shell per signed-in user: a new sign-in starts it afresh.
  return <Shell key={state.user.id} auth={auth} user={state.user} tenant={state.tenant} />;
}

function Shell({ auth, user, tenant }: { auth: AuthSession; user: User; tenant: Tenant }) {
  const route = useRoute();
  const isSalesman = user.role === 'salesman';
  useEffect(() => {
    const label = NAV.find((n) => n.screen === route.screen)?.label ?? 'Live';
    document.title = `${label} · Fieldline`;
  }, [route.screen]);

  return (
    <div class="shell">
      <nav class="topbar" aria-label="Main">
        <span class="brand">Fieldline</span>
        {!isSalesman &&
          NAV.filter((n) => n.shown(user)).map((n) => (
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
      ) : (
        <ScreenFor auth={auth} user={user} tenant={tenant} screen={route.screen} param={route.param} />
      )}
      {!canManage(user.role) && !isSalesman && (
        <p class="viewer-note muted">You are signed in as a viewer: you can watch, not change.</p>
      )}
    </div>
  );
}

function ScreenFor({
  auth,
  user,
  tenant,
  screen,
  param,
}: {
  auth: AuthSession;
  user: User;
  tenant: Tenant;
  screen: Screen;
  param: string | null;
}) {
  switch (screen) {
    case 'salesmen':
      return <SalesmenScreen auth={auth} tenant={tenant} id={param} />;
    case 'reports':
      return <ReportsScreen auth={auth} tenant={tenant} name={param} />;
    case 'team':
      return <TeamScreen auth={auth} user={user} tenant={tenant} tab={param} />;
    case 'settings':
      return <SettingsScreen auth={auth} user={user} tenant={tenant} tab={param} />;
    default:
      return <LiveScreen auth={auth} user={user} key={user.id} />;
  }
}
