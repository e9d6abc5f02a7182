import { useState } from 'preact/hooks';

/**
 * A secret shown once (an API key, a first password): readable, selected on focus, and a Copy button.
 * The clipboard API needs a secure context; where it is missing the text is selected for Ctrl+C instead.
 */
export function SecretBox({ label, value, note }: { label: string; value: string; note: string }) {
  const [copied, setCopied] = useState<string | null>(null);
  const id = `secret-${label.replace(/\W+/g, '-').toLowerCase()}`;
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied('Copied.');
    } catch {
      (document.getElementById(id) as HTMLInputElement | null)?.select();
      setCopied('Selected: press Ctrl+C (⌘C) to copy.');
    }
  };
  return (
    <div class="secret" role="status">
      <label for={id}>{label}</label>
      <div class="row">
        <input
          id={id}
          class="secret-value"
          readOnly
          value={value}
          spellcheck={false}
          onFocus={(e) => e.currentTarget.select()}
          data-testid="secret"
        />
        <button type="button" class="button secondary" onClick={() => void copy()}>
          Copy
        </button>
      </div>
      <p class="muted">
        {note} {copied && <span class="ok">{copied}</span>}
      </p>
    </div>
  );
}
