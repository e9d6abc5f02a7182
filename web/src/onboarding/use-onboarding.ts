import { useEffect, useRef, useState } from 'preact/hooks';
import type { AuthSession } from '../auth/session';
import { onChanged } from '../ui/changes';
import type { Onboarding } from './onboarding-types';

export type OnboardingState =
  | { status: 'loading' }
  | { status: 'ready'; value: Onboarding }
  /** Not for this role, or the server has no checklist: the app simply does not show it. */
  | { status: 'unavailable' };

/**
 * The onboarding checklist, read when `enabled` (managers and up; fixed for the component's life), again
 * whenever `key` changes (the screen shown) and whenever a screen says the organisation changed. A failed
 * read keeps the last answer.
 */
export function useOnboarding(auth: AuthSession, enabled: boolean, key: string): [OnboardingState, () => void] {
  const [state, setState] = useState<OnboardingState>(enabled ? { status: 'loading' } : { status: 'unavailable' });
  const [tick, setTick] = useState(0);
  const latest = useRef(0);
  useEffect(() => onChanged(() => setTick((t) => t + 1)), []);
  useEffect(() => {
    if (!enabled) return;
    const run = ++latest.current;
    auth.fetch<Onboarding>('/v1/onboarding').then(
      (value) => run === latest.current && setState({ status: 'ready', value }),
      () => run === latest.current && setState((prev) => (prev.status === 'ready' ? prev : { status: 'unavailable' })),
    );
  }, [auth, enabled, key, tick]);
  return [state, () => setTick((t) => t + 1)];
}
