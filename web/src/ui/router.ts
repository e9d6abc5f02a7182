import { useEffect, useState } from 'preact/hooks';

/** The app lives under /app (vite `base`); screens are paths below it, e.g. /app/live. */
export const BASE = import.meta.env.BASE_URL.replace(/\/$/, '');

export type Screen = 'live' | 'salesmen' | 'reports' | 'team' | 'settings' | 'import' | 'onboarding';
const SCREENS: readonly Screen[] = ['live', 'salesmen', 'reports', 'team', 'settings', 'import', 'onboarding'];

/** A screen and what it is about: /app/salesmen/<id>, /app/reports/<name>, /app/team/territories. */
export interface Route {
  screen: Screen;
  /** The second path segment (a salesman's id, a report's name, a tab), when there is one. */
  param: string | null;
}

/** The route of a URL path; an unknown or empty path opens Live. */
export function routeOf(pathname: string): Route {
  const rest = pathname.startsWith(BASE) ? pathname.slice(BASE.length) : pathname;
  const [name = '', param = ''] = rest.replace(/^\/+|\/+$/g, '').split('/');
  if (!(SCREENS as readonly string[]).includes(name)) return { screen: 'live', param: null };
  return { screen: name as Screen, param: param ? decodeURIComponent(param) : null };
}

/** True for the app's bare entry URL (/app, /app/): no screen was asked for, so the app picks one. */
export function isAppRoot(pathname: string): boolean {
  const rest = pathname.startsWith(BASE) ? pathname.slice(BASE.length) : pathname;
  return rest.replace(/\/+/g, '') === '';
}

export function screenOf(pathname: string): Screen {
  return routeOf(pathname).screen;
}

/** The URL of a screen, e.g. href('salesmen', id) → /app/salesmen/<id>. */
export function href(screen: Screen, param?: string | null): string {
  return `${BASE}/${screen}${param ? `/${encodeURIComponent(param)}` : ''}`;
}

/** Goes to an app URL without reloading the page (history entry; the back button returns). */
export function navigate(url: string, replace = false): void {
  if (url === location.pathname + location.search) return;
  history[replace ? 'replaceState' : 'pushState'](null, '', url);
  dispatchEvent(new PopStateEvent('popstate'));
}

/**
 * Click handler for in-app links: a plain left click navigates in place; modified clicks (new tab,
 * new window) keep the browser's behaviour, which works too since every screen is a deep link.
 */
export function onLinkClick(event: MouseEvent): void {
  const a = (event.currentTarget ?? event.target) as HTMLAnchorElement | null;
  if (!a?.href || event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const url = new URL(a.href);
  if (url.origin !== location.origin || !url.pathname.startsWith(BASE)) return;
  event.preventDefault();
  navigate(url.pathname + url.search);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => routeOf(location.pathname));
  useEffect(() => {
    const update = () => {
      const next = routeOf(location.pathname);
      setRoute((prev) => (prev.screen === next.screen && prev.param === next.param ? prev : next));
    };
    addEventListener('popstate', update);
    return () => removeEventListener('popstate', update);
  }, []);
  return route;
}

export function useScreen(): Screen {
  return useRoute().screen;
}
