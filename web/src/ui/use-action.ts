import { useState } from 'preact/hooks';
import { problemText } from './format';

export interface Action {
  busy: boolean;
  /** What the last run said: the server's refusal (error) or what was done (ok). */
  note: { error: boolean; text: string } | null;
  /** Runs `work`; on success shows `done` (when given) and answers true, on failure shows why and answers false. */
  run: (work: () => Promise<unknown>, done?: string) => Promise<boolean>;
  clear: () => void;
}

/** One write at a time for a form or a row: busy while it runs, then its outcome to show beside it. */
export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<Action['note']>(null);
  const run = async (work: () => Promise<unknown>, done?: string) => {
    setBusy(true);
    setNote(null);
    try {
      await work();
      setNote(done ? { error: false, text: done } : null);
      return true;
    } catch (err) {
      setNote({ error: true, text: problemText(err) });
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, note, run, clear: () => setNote(null) };
}
