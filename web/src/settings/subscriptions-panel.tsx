import { useState } from 'preact/hooks';
import type { AuthSession } from '../auth/session';
import { ConfirmButton } from '../ui/confirm-button';
import { Note } from '../ui/note';
import { useAction } from '../ui/use-action';
import type { Frequency, ReportFormat, ReportSubscription } from './settings-types';

export const FREQUENCY: Record<Frequency, string> = {
  daily: 'Daily: yesterday’s figures',
  weekly: 'Weekly: last Monday to Sunday',
  monthly: 'Monthly: last calendar month',
};
const FORMAT: Record<ReportFormat, string> = { both: 'PDF and CSV', pdf: 'PDF', csv: 'CSV' };

/** Splits what was typed into addresses: commas, semicolons, spaces or one per line. */
export const parseRecipients = (text: string): string[] => [
  ...new Set(
    text
      .split(/[\s,;]+/)
      .map((s) => s.trim())
      .filter(Boolean),
  ),
];

/** The executive report e-mailed on a schedule (owners, admins, managers): add, pause, edit, delete. */
export function SubscriptionsPanel({
  auth,
  subscriptions,
  reload,
}: {
  auth: AuthSession;
  subscriptions: ReportSubscription[];
  reload: () => void;
}) {
  const [editing, setEditing] = useState<ReportSubscription | 'new' | null>(null);
  return (
    <section class="panel" aria-labelledby="subs-heading" data-testid="subscriptions">
      <div class="panel-head">
        <h2 id="subs-heading">Report e-mails</h2>
        <span class="spacer" />
        {editing === null && (
          <button type="button" class="button" onClick={() => setEditing('new')}>
            Add a report e-mail
          </button>
        )}
      </div>
      <p class="muted">
        The executive report (revenue, orders, visits, strike rate against the period before), sent from 06:00 in the
        organisation’s timezone, with a one-click unsubscribe link for every recipient.
      </p>
      {editing !== null && (
        <SubscriptionForm
          key={editing === 'new' ? 'new' : editing.id}
          auth={auth}
          subscription={editing === 'new' ? null : editing}
          onSaved={() => {
            setEditing(null);
            reload();
          }}
          onClose={() => setEditing(null)}
        />
      )}
      {subscriptions.length === 0 ? (
        <p class="muted">No report e-mails yet.</p>
      ) : (
        <div class="table-scroll">
          <table class="table">
            <caption class="visually-hidden">Report e-mails</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Schedule</th>
                <th scope="col">Attachments</th>
                <th scope="col">Recipients</th>
                <th scope="col">Status</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {subscriptions.map((s) => (
                <SubscriptionRow key={s.id} auth={auth} sub={s} onEdit={() => setEditing(s)} reload={reload} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function SubscriptionRow({
  auth,
  sub,
  onEdit,
  reload,
}: {
  auth: AuthSession;
  sub: ReportSubscription;
  onEdit: () => void;
  reload: () => void;
}) {
  const action = useAction();
  const url = `/v1/report-subscriptions/${encodeURIComponent(sub.id)}`;
  const run = (work: () => Promise<unknown>) => void action.run(work).then((ok) => ok && reload());
  return (
    <tr data-subscription-id={sub.id} class={sub.active ? undefined : 'inactive'}>
      <th scope="row">{sub.name}</th>
      <td>{sub.frequency}</td>
      <td>{FORMAT[sub.format]}</td>
      <td>{sub.recipients.join(', ')}</td>
      <td>{sub.active ? 'Sending' : 'Paused'}</td>
      <td>
        <span class="row wrap">
          <button type="button" class="button secondary" onClick={onEdit}>
            Edit
          </button>
          <button
            type="button"
            class="button secondary"
            disabled={action.busy}
            onClick={() =>
              run(() =>
                auth.fetch(url, { method: 'PATCH', body: { active: !sub.active, expectedVersion: sub.version } }),
              )
            }
          >
            {sub.active ? 'Pause' : 'Resume'}
          </button>
          <ConfirmButton
            label="Delete"
            question={`Stop and delete ${sub.name}?`}
            confirmLabel="Delete"
            disabled={action.busy}
            onConfirm={() => run(() => auth.fetch(url, { method: 'DELETE' }))}
          />
        </span>
        <Note action={action} />
      </td>
    </tr>
  );
}

function SubscriptionForm({
  auth,
  subscription: sub,
  onSaved,
  onClose,
}: {
  auth: AuthSession;
  subscription: ReportSubscription | null;
  onSaved: () => void;
  onClose: () => void;
}) {
  const action = useAction();
  const submit = async (e: Event) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget as HTMLFormElement);
    const body = {
      name: String(data.get('name')).trim(),
      frequency: String(data.get('frequency')) as Frequency,
      format: String(data.get('format')) as ReportFormat,
      recipients: parseRecipients(String(data.get('recipients') ?? '')),
    };
    const ok = await action.run(() =>
      sub
        ? auth.fetch(`/v1/report-subscriptions/${encodeURIComponent(sub.id)}`, {
            method: 'PATCH',
            body: { ...body, expectedVersion: sub.version },
          })
        : auth.fetch('/v1/report-subscriptions', { method: 'POST', body }),
    );
    if (ok) onSaved();
  };
  return (
    <form class="subform" onSubmit={submit} aria-labelledby="sub-form-heading" data-testid="subscription-form">
      <h3 id="sub-form-heading">{sub ? `Edit ${sub.name}` : 'Add a report e-mail'}</h3>
      <div class="fields">
        <label>
          Name
          <input name="name" required maxLength={200} defaultValue={sub?.name ?? 'Executive report'} />
        </label>
        <label>
          Schedule
          <select name="frequency" defaultValue={sub?.frequency ?? 'weekly'}>
            {(Object.keys(FREQUENCY) as Frequency[]).map((f) => (
              <option key={f} value={f}>
                {FREQUENCY[f]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Attachments
          <select name="format" defaultValue={sub?.format ?? 'both'}>
            {(Object.keys(FORMAT) as ReportFormat[]).map((f) => (
              <option key={f} value={f}>
                {FORMAT[f]}
              </option>
            ))}
          </select>
        </label>
        <label class="wide">
          <span>
            Recipients <span class="muted">(up to 20 addresses, separated by commas or one per line)</span>
          </span>
          <textarea name="recipients" rows={2} required defaultValue={sub?.recipients.join('\n') ?? ''} />
        </label>
      </div>
      <Note action={action} testId="subscription-note" />
      <div class="row">
        <button type="submit" class="button" disabled={action.busy} aria-busy={action.busy}>
          {action.busy ? 'Saving…' : sub ? 'Save' : 'Add'}
        </button>
        <button type="button" class="button secondary" onClick={onClose}>
          Cancel
        </button>
      </div>
    </form>
  );
}
