import type { Action } from './use-action';

/** An action's outcome: a refusal is an alert, a success a polite status. */
export function Note({ action, testId }: { action: Pick<Action, 'note'>; testId?: string }) {
  const note = action.note;
  if (!note) return null;
  return (
    <p class={note.error ? 'error' : 'ok'} role={note.error ? 'alert' : 'status'} data-testid={testId}>
      {note.text}
    </p>
  );
}
