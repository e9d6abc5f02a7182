import { useEffect, useRef, useState } from 'preact/hooks';

/**
 * A button for something hard to undo (deactivate, revoke, delete): the first press asks, inline, and
 * only "Yes" does it. Inline rather than window.confirm, so it reads well, works with the keyboard (focus
 * moves to the question's buttons) and does not block the page.
 */
export function ConfirmButton({
  label,
  question,
  confirmLabel = 'Yes',
  onConfirm,
  disabled = false,
}: {
  label: string;
  question: string;
  confirmLabel?: string;
  onConfirm: () => void;
  disabled?: boolean;
}) {
  const [asking, setAsking] = useState(false);
  const yes = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (asking) yes.current?.focus();
  }, [asking]);
  if (!asking) {
    return (
      <button type="button" class="button secondary danger" disabled={disabled} onClick={() => setAsking(true)}>
        {label}
      </button>
    );
  }
  return (
    // biome-ignore lint/a11y/useSemanticElements: an inline question, not a form field group
    <span class="confirm" role="group" aria-label={question}>
      <span>{question}</span>
      <button
        ref={yes}
        type="button"
        class="button danger"
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        {confirmLabel}
      </button>
      <button type="button" class="button secondary" onClick={() => setAsking(false)}>
        No
      </button>
    </span>
  );
}
