import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';

/** A screen loaded as its own chunk the first time it is shown, so it stays out of the initial JavaScript. */
export function lazyScreen<P extends object>(load: () => Promise<ComponentType<P>>): ComponentType<P> {
  let cached: ComponentType<P> | null = null;
  return function Lazy(props: P) {
    const [Component, setComponent] = useState<ComponentType<P> | null>(() => cached);
    const [failed, setFailed] = useState(false);
    useEffect(() => {
      if (cached) return;
      load().then(
        (c) => {
          cached = c;
          setComponent(() => c);
        },
        () => setFailed(true),
      );
    }, []);
    if (failed) {
      return (
        <p class="center error" role="alert">
          This screen could not be loaded. Check the connection and reload the page.
        </p>
      );
    }
    if (!Component) {
      return (
        <p class="center muted" aria-busy="true">
          Loading…
        </p>
      );
    }
    return <Component {...props} />;
  };
}
