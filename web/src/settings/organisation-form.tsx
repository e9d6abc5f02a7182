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

/** Locales offered for exports and e-mails; the current one is kept even if it is not listed. */
const LOCALES = [
  'en-US',
  'en-GB',
  'de-DE',
  'de-AT',
  'de-CH',
  'fr-FR',
  'fr-BE',
  'nl-NL',
  'it-IT',
  'es-ES',
  'pt-PT',
  'pl-PL',
  'sv-SE',
  'da-DK',
  'cs-CZ',
];

function localeName(tag: string): string {
  try {
    return new Intl.DisplayNames(undefined, { type: 'language' }).of(tag) ?? tag;
  } catch {
    return tag;
  }
}

/** How a locale writes 1234.5 in money, as an example beside its name. */
function moneyExample(tag: string, currency: string): string {
  try {
    return new Intl.NumberFormat(tag, { style: 'currency', currency }).format(1234.5);
  } catch {
    return '';
  }
}

/** The calendar as the text area shows it: one day per line, `MM-DD` or `YYYY-MM-DD`, then its name. */
const holidaysText = (holidays: TenantSettings['holidays']) => holidays.map((h) => `${h.date} ${h.name}`).join('\n');

/** The text area's lines as the API takes them; the API answers what is wrong with a line. */
function parseHolidays(text: string): TenantSettings['holidays'] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .map((line) => {
      const [date = '', ...name] = line.split(/\s+/);
      return { date, name: name.join(' ') };
    });
}

/**
 * Name, timezone, currency, locale, check-in radius and holidays (GET/PATCH /v1/tenant); owners and
 * admins change them.
 */
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
    locale: settings.locale ?? 'en-US',
    holidays: holidaysText(settings.holidays ?? []),
    twoFactorRequired: settings.twoFactorRequired ?? false,
  });
  const locales = LOCALES.includes(form.locale) ? LOCALES : [form.locale, ...LOCALES];
  const zones = useMemo(() => choices('timeZone', settings.timezone), [settings.timezone]);
  const currencies = useMemo(() => choices('currency', settings.currency), [settings.currency]);
  const action = useAction();
  const set = (field: keyof typeof form) => (e: Event) =>
    setForm({
      ...form,
      [field]: (e.currentTarget as HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement).value,
    });

  const submit = async (e: Event) => {
    e.preventDefault();
    // Only what changed: an unchanged currency is never re-checked against what is priced.
    const patch: Record<string, unknown> = { expectedVersion: settings.version };
    if (form.name.trim() !== settings.name) patch.name = form.name.trim();
    if (form.timezone !== settings.timezone) patch.timezone = form.timezone;
    if (form.currency !== settings.currency) patch.currency = form.currency;
    if (Number(form.checkInRadiusM) !== settings.checkInRadiusM) patch.checkInRadiusM = Number(form.checkInRadiusM);
    if (form.locale !== settings.locale) patch.locale = form.locale;
    if (form.holidays.trim() !== holidaysText(settings.holidays ?? [])) patch.holidays = parseHolidays(form.holidays);
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
        <label>
          Locale
          <select name="locale" value={form.locale} onChange={set('locale')} aria-describedby="locale-help">
            {locales.map((l) => (
              <option key={l} value={l}>
                {localeName(l)} ({l}) – {moneyExample(l, form.currency)}
              </option>
            ))}
          </select>
          <span id="locale-help" class="help">
            How report PDFs, e-mails and CSV downloads write money and numbers. Where decimals take a comma, CSV files
            are separated by semicolons, as spreadsheets there expect.
          </span>
        </label>
        <label>
          Holidays
          <textarea
            name="holidays"
            rows={5}
            value={form.holidays}
            onInput={set('holidays')}
            placeholder={'12-25 Christmas Day\n2027-03-26 Good Friday'}
            aria-describedby="holidays-help"
          />
          <span id="holidays-help" class="help">
            One day per line: MM-DD for every year or YYYY-MM-DD for one year, then its name. The forecast expects no
            sales on these days.
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
