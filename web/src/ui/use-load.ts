import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { errorText } from './format';

export type Loaded<T> = { state: 'loading' } | { state: 'ready'; value: T } | { state: 'error'; message: string };

/**
 * Runs `load` when `key` changes (and on `reload()`); answers its state. A slower earlier answer never
 * overwrites a newer one. `keepOnReload` keeps showing the last value while reloading (no layout jump).
 */
export function useLoad<T>(load: () => Promise<T>, key: string, keepOnReload = false): [Loaded<T>, () => void] {
  const [state, setState] = useState<Loaded<T>>({ state: 'loading' });
  const [tick, setTick] = useState(0);
  const latest = useRef(0);
  const loader = useRef(load);
  loader.current = load;
  // `key` and `tick` are what trigger a load; `load` is read through a ref so a new closure does not.
  useEffect(() => {
    const run = ++latest.current;
    setState((prev) => (keepOnReload && prev.state === 'ready' ? prev : { state: 'loading' }));
    loader.current().then(
      (value) => run === latest.current && setState({ state: 'ready', value }),
      (err) => run === latest.current && setState({ state: 'error', message: errorText(err) }),
    );
  }, [key, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return [state, reload];
}
