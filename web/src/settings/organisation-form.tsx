import { useMemo, useState } from 'preact/hooks';
import type { AuthSession } from '../auth/session';
import { notifyChanged } from '../ui/changes';
import { Note } from '../ui/note';
import { useAction } from '../ui/use-action';
import type { TenantSettings } from './settings-types';

/** Every IANA zone and ISO 4217 code the browser knows, with the current value kept even if it does not. */
function choices(kind: 'timeZone' | 'currency', current: string): string[] {
  let values: string[] = [];
  try {
    values = Intl.supportedValuesOf(kind);
  } catch {
    // Old browsers: only the current value, still savable.
  }
  if (kind === 'timeZone' && !values.includes('UTC')) values = [...values, 'UTC'];
  return values.includes(current) ? values : [current, ...values];
}

function currencyName(code: string): string {
  try {
    return new Intl.DisplayNames(undefined, { type: 'currency' }).of(code) ?? code;
  } catch {
    return code;
  }
}

/** Name, timezone, currency and check-in radius (GET/PATCH /v1/tenant); owners and admins change them. */
export function OrganisationForm({
  auth,
  settings,
  canWrite,
  reload,
}: {
  auth: AuthSession;
  settings: TenantSettings;
  canWrite: boolean;
  reload: () => void;
}) {
  const [form, setForm] = useState({
    name: settings.name,
    timezone: settings.timezone,
    currency: settings.currency,
    checkInRadiusM: String(settings.checkInRadiusM),
    twoFactorRequired: settings.twoFactorRequired ?? false,
  });
  const zones = useMemo(() => choices('timeZone', settings.timezone), [settings.timezone]);
  const currencies = useMemo(() => choices('currency', settings.currency), [settings.currency]);
  const action = useAction();
  const set = (field: keyof typeof form) => (e: Event) =>
    setForm({ ...form, [field]: (e.currentTarget as HTMLInputElement | HTMLSelectElement).value });

  const submit = async (e: Event) => {
    e.preventDefault();
    // Only what changed: an unchanged currency is never re-checked against what is priced.
    const patch: Record<string, unknown> = { expectedVersion: settings.version };
    if (form.name.trim() !== settings.name) patch.name = form.name.trim();
    if (form.timezone !== settings.timezone) patch.timezone = form.timezone;
    if (form.currency !== settings.currency) patch.currency = form.currency;
    if (Number(form.checkInRadiusM) !== settings.checkInRadiusM) patch.checkInRadiusM = Number(form.checkInRadiusM);
    if (form.twoFactorRequired !== (settings.twoFactorRequired ?? false))
      patch.twoFactorRequired = form.twoFactorRequired;
    await action.run(async () => {
      const saved = await auth.fetch<TenantSettings>('/v1/tenant', { method: 'PATCH', body: patch });
      auth.updateTenant(saved);
      reload();
      notifyChanged();
    }, 'Settings saved.');
  };

  return (
    <form class="panel settings-form" onSubmit={submit} aria-labelledby="org-heading" data-testid="organisation-form">
      <h2 id="org-heading">Organisation</h2>
      {!canWrite && <p class="muted">Owners and admins change these settings; you can read them.</p>}
      <fieldset disabled={!canWrite || action.busy}>
        <label>
          Name
          <input name="name" value={form.name} required maxLength={200} onInput={set('name')} />
        </label>
        <label>
          Timezone
          <select name="timezone" value={form.timezone} onChange={set('timezone')} aria-describedby="tz-help">
            {zones.map((z) => (
              <option key={z} value={z}>
                {z.replaceAll('_', ' ')}
              </option>
            ))}
          </select>
          <span id="tz-help" class="help">
            Reports count days, weeks and months in this zone, history included, from the next report on.
          </span>
        </label>
        <label>
          Currency
          <select name="currency" value={form.currency} onChange={set('currency')} aria-describedby="currency-help">
            {currencies.map((c) => (
              <option key={c} value={c}>
                {c} – {currencyName(c)}
              </option>
            ))}
          </select>
          <span id="currency-help" class="help">
            Prices, orders and payments are in it. It can change only until the first product, order or payment.
          </span>
        </label>
        <label>
          Check-in radius (metres)
          <input
            name="checkInRadiusM"
            type="number"
            inputMode="numeric"
            min={10}
            max={5000}
            step={1}
            required
            value={form.checkInRadiusM}
            onInput={set('checkInRadiusM')}
            aria-describedby="radius-help"
          />
          <span id="radius-help" class="help">
            A check-in this close to the customer is verified (10–5,000 m). Applies to check-ins from now on.
          </span>
        </label>
        <label class="check">
          <input
            name="twoFactorRequired"
            type="checkbox"
            checked={form.twoFactorRequired}
            onChange={(e) => setForm({ ...form, twoFactorRequired: (e.currentTarget as HTMLInputElement).checked })}
            aria-describedby="tfa-help"
          />
          Owners and admins must use two-factor authentication
          <span id="tfa-help" class="help">
            Turn on your own first (Settings › Security); changing this asks for a code. Until they set it up, owners
            and admins can only do that.
          </span>
        </label>
        <p class="muted">Plan: {settings.plan} (set by Fieldline, not here).</p>
      </fieldset>
      <Note action={action} testId="settings-note" />
      {canWrite && (
        <div class="row">
          <button type="submit" class="button" disabled={action.busy} aria-busy={action.busy}>
            {action.busy ? 'Saving…' : 'Save settings'}
          </button>
        </div>
      )}
    </form>
  );
}
