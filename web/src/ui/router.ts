import { useEffect, useState } from 'preact/hooks';

/** The app lives under /app (vite `base`); screens are paths below it, e.g. /app/live. */
export const BASE = import.meta.env.BASE_URL.replace(/\/$/, '');

export type Screen = 'live';
const SCREENS: readonly Screen[] = ['live'];

/** The screen of the current URL; an unknown or empty path opens Live. */
export function screenOf(pathname: string): Screen {
  const rest = pathname.startsWith(BASE) ? pathname.slice(BASE.length) : pathname;
  const name = rest.replace(/^\/+|\/+$/g, '').split('/')[0] ?? '';
  return (SCREENS as readonly string[]).includes(name) ? (name as Screen) : 'live';
}

export function useScreen(): Screen {
  const [screen, setScreen] = useState(() => screenOf(location.pathname));
  useEffect(() => {
    const update = () => setScreen(screenOf(location.pathname));
    addEventListener('popstate', update);
    return () => removeEventListener('popstate', update);
  }, []);
  return screen;
}
