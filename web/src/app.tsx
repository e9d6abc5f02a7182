import { useEffect, useState } from 'preact/hooks';
import type { Tenant, User } from './api/types';
import { AcceptInviteScreen, invitationTokenOf } from './auth/accept-invite-screen';
import { LoginScreen } from './auth/login-screen';
import { type AuthSession, type AuthState, canManage, isAdmin } from './auth/session';
import { LiveScreen } from './live/live-screen';
import { type OnboardingState, useOnboarding } from './onboarding/use-onboarding';
import { lazyScreen } from './ui/lazy';
import { BASE, href, isAppRoot, navigate, onLinkClick, type Screen, useRoute } from './ui/router';

// Screens other than Live are chunks of their own, fetched the first time they are opened.
const SalesmenScreen = lazyScreen(() => import('./salesmen/salesmen-screen').then((m) => m.SalesmenScreen));
const ReportsScreen = lazyScreen(() => import('./reports/reports-screen').then((m) => m.ReportsScreen));
const TeamScreen = lazyScreen(() => import('./team/team-screen').then((m) => m.TeamScreen));
const SettingsScreen = lazyScreen(() => import('./settings/settings-screen').then((m) => m.SettingsScreen));
const ImportScreen = lazyScreen(() => import('./import/import-screen').then((m) => m.ImportScreen));
const OnboardingScreen = lazyScreen(() => import('./onboarding/onboarding-screen').then((m) => m.OnboardingScreen));

const NAV: { screen: Screen; label: string; shown: (user: User) => boolean }[] = [
  { screen: 'live', label: 'Live', shown: () => true },
  { screen: 'salesmen', label: 'Salesmen', shown: () => true },
  { screen: 'reports', label: 'Reports', shown: () => true },
  // Imports write customers and products: managers and up.
  { screen: 'import', label: 'Import', shown: (u) => canManage(u.role) },
  { screen: 'team', label: 'Team', shown: () => true },
  { screen: 'settings', label: 'Settings', shown: () => true },
];
const TITLES: Partial<Record<Screen, string>> = { onboarding: 'Getting started' };
/** Where an invitation e-mail's link leads (outside the signed-in screens). */
const ACCEPT_INVITE = `${BASE}/accept-invite`;
const isAcceptInvite = () => location.pathname.replace(/\/+$/, '') === ACCEPT_INVITE;

export function App({ auth }: { auth: AuthSession }) {
  const [state, setState] = useState<AuthState>(auth.state);
  useEffect(() => {
    // The session may have settled between the first render and this effect.
    setState(auth.state);
    return auth.subscribe(setState);
  }, [auth]);
  // An invitation e-mail's link: its page until the invitee has joined (then the app, signed in). The
  // token is read once; the address bar (and the history) keep the page without it.
  const [inviteToken, setInviteToken] = useState(() =>
    isAcceptInvite() ? (invitationTokenOf(location.hash) ?? '') : null,
  );
  useEffect(() => {
    if (isAcceptInvite() && location.hash) history.replaceState(null, '', ACCEPT_INVITE);
  }, []);

  if (inviteToken !== null) {
    const joined = () => {
      navigate(`${BASE}/`, true);
      setInviteToken(null);
    };
    return <AcceptInviteScreen auth={auth} token={inviteToken || null} onJoined={joined} />;
  }

  if (state.status === 'restoring') {
    return (
      <p class="center muted" aria-busy="true">
        Loading…
      </p>
    );
  }
  if (state.status === 'signed-out') return <LoginScreen auth={auth} notice={state.reason} />;
  // One shell per signed-in user: a new sign-in starts it afresh (landing screen, onboarding progress).
  return <Shell key={state.user.id} auth={auth} user={state.user} tenant={state.tenant} via={state.via} />;
}

function Shell({
  auth,
  user,
  tenant,
  via,
}: {
  auth: AuthSession;
  user: User;
  tenant: Tenant;
  via: 'login' | 'restore';
}) {
  const route = useRoute();
  const isSalesman = user.role === 'salesman';
  const [onboarding, reloadOnboarding] = useOnboarding(auth, canManage(user.role), route.screen);
  // Owners and admins who sign in at the app's bare URL start on the checklist until it is complete.
  const [landing, setLanding] = useState(() => via === 'login' && isAdmin(user.role) && isAppRoot(location.pathname));
  useEffect(() => {
    if (!landing || onboarding.status === 'loading') return;
    if (onboarding.status === 'ready' && !onboarding.value.complete) navigate(href('onboarding'), true);
    setLanding(false);
  }, [landing, onboarding]);
  useEffect(() => {
    const label = NAV.find((n) => n.screen === route.screen)?.label ?? TITLES[route.screen] ?? 'Live';
    document.title = `${label} · Fieldline`;
  }, [route.screen]);

  const progress = onboarding.status === 'ready' && !onboarding.value.complete ? onboarding.value : null;
  const sampleLoaded = onboarding.status === 'ready' && onboarding.value.sampleData !== null;
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
        {progress && (
          <a
            href={href('onboarding')}
            onClick={onLinkClick}
            class="getting-started"
            aria-current={route.screen === 'onboarding' ? 'page' : undefined}
            aria-label={`Getting started: ${progress.completed} of ${progress.total} steps done`}
            data-testid="nav-onboarding"
          >
            Getting started ({progress.completed}/{progress.total})
          </a>
        )}
        <span class="spacer" />
        <span class="who" data-testid="who">
          {user.name} · {tenant.name} · <span class="role">{user.role}</span>
        </span>
        <button type="button" class="button secondary" onClick={() => void auth.logout()}>
          Sign out
        </button>
      </nav>
      {sampleLoaded && route.screen !== 'onboarding' && (
        <p class="sample-bar" data-testid="sample-bar">
          Sample data is loaded: names starting with “Sample” are not yours.{' '}
          <a href={href('onboarding')} onClick={onLinkClick}>
            Remove it on Getting started
          </a>
        </p>
      )}
      {isSalesman ? (
        <main class="center">
          <p>The web app is for managers and owners. Your day is in the Fieldline phone app.</p>
        </main>
      ) : landing ? (
        <p class="center muted" aria-busy="true">
          Loading…
        </p>
      ) : (
        <ScreenFor
          auth={auth}
          user={user}
          tenant={tenant}
          screen={route.screen}
          param={route.param}
          onboarding={onboarding}
          reloadOnboarding={reloadOnboarding}
        />
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
  onboarding,
  reloadOnboarding,
}: {
  auth: AuthSession;
  user: User;
  tenant: Tenant;
  screen: Screen;
  param: string | null;
  onboarding: OnboardingState;
  reloadOnboarding: () => void;
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
    case 'import':
      return <ImportScreen auth={auth} user={user} tenant={tenant} id={param} />;
    case 'onboarding':
      return (
        <OnboardingScreen auth={auth} user={user} tenant={tenant} onboarding={onboarding} reload={reloadOnboarding} />
      );
    default:
      return <LiveScreen auth={auth} user={user} key={user.id} />;
  }
}
