import { useState } from 'preact/hooks';
import type { AuthSession } from '../auth/session';
import { messageOf } from './live-model';

/** Sends a notice to the whole team (POST /v1/notifications); shown to managers and above only. */
export function NotifyForm({ auth }: { auth: AuthSession }) {
  const [open, setOpen] = useState(false);
  const [state, setState] = useState<{ sending: boolean; result: string | null }>({ sending: false, result: null });

  if (!open) {
    return (
      <button type="button" class="button secondary" onClick={() => setOpen(true)} data-testid="notify-open">
        Message the team
      </button>
    );
  }
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    setState({ sending: true, result: null });
    try {
      await auth.fetch('/v1/notifications', {
        method: 'POST',
        body: { salesmanId: null, title: String(form.get('title')), body: String(form.get('body')) },
      });
      setState({ sending: false, result: 'Sent.' });
      (e.currentTarget as HTMLFormElement | null)?.reset();
    } catch (err) {
      setState({ sending: false, result: `Not sent: ${messageOf(err)}` });
    }
  };
  return (
    <form class="notify" onSubmit={submit}>
      <label>
        Title
        <input name="title" required maxLength={200} />
      </label>
      <label>
        Message
        <textarea name="body" required maxLength={2000} rows={2} />
      </label>
      <div class="row">
        <button type="submit" class="button" disabled={state.sending}>
          {state.sending ? 'Sending…' : 'Send'}
        </button>
        <button type="button" class="button secondary" onClick={() => setOpen(false)}>
          Close
        </button>
        {state.result && <output>{state.result}</output>}
      </div>
    </form>
  );
}
