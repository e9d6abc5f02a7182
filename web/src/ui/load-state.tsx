/** The loading and failed states every list shares: what is loading, and why it failed with a retry. */

export function Loading({ what }: { what: string }) {
  return (
    <p class="muted" aria-busy="true">
      Loading {what}…
    </p>
  );
}

export function LoadError({ what, message, retry }: { what: string; message: string; retry: () => void }) {
  return (
    <div class="error" role="alert">
      <p>
        {what} could not be loaded: {message}
      </p>
      <button type="button" class="button secondary" onClick={retry}>
        Retry
      </button>
    </div>
  );
}
