import type { ConnectionState } from '@fieldline/client';

const LABEL: Record<ConnectionState, string> = {
  idle: 'Not connected',
  connecting: 'Connecting…',
  open: 'Live',
  waiting: 'Reconnecting',
  closed: 'Disconnected',
};

/** The realtime socket's state; "Reconnecting" counts down to the next attempt. */
export function ConnectionIndicator({ state, retryInMs }: { state: ConnectionState; retryInMs: number | null }) {
  const detail = state === 'waiting' && retryInMs !== null ? ` in ${Math.ceil(retryInMs / 1000)} s` : '';
  return (
    <output class={`connection connection-${state}`} aria-live="polite" data-testid="connection" data-state={state}>
      <span class="connection-dot" aria-hidden="true" />
      {LABEL[state]}
      {detail}
    </output>
  );
}
