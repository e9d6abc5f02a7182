import { useEffect, useState } from 'preact/hooks';
import type { Tenant, User } from '../api/types';
import { type AuthSession, isAdmin } from '../auth/session';
import { notifyChanged } from '../ui/changes';
import { ConfirmButton } from '../ui/confirm-button';
import { localDateTime } from '../ui/format';
import { Note } from '../ui/note';
import { useAction } from '../ui/use-action';
import type { Onboarding, SampleData } from './onboarding-types';
import { canLoadSample, sampleSummary } from './sample-data';

const PATH = '/v1/onboarding/sample-data';

/**
 * Sample data for an empty organisation (owners and admins load and remove it): offered while there
 * are no customers, products or orders, and a banner with its removal once it is loaded.
 */
export function SampleDataPanel({
  auth,
  user,
  tenant,
  value,
}: {
  auth: AuthSession;
  user: User;
  tenant: Tenant;
  value: Onboarding;
}) {
  const action = useAction();
  // What the last load or removal answered, shown until the checklist is read again with it.
  const [answered, setAnswered] = useState<{ sample: SampleData | null } | null>(null);
  useEffect(() => setAnswered(null), [value]);
  const sample = answered ? answered.sample : value.sampleData;
  const admin = isAdmin(user.role);

  const load = () =>
    action.run(async () => {
      const loaded = await auth.fetch<SampleData>(PATH, { method: 'POST' });
      setAnswered({ sample: loaded });
      notifyChanged();
    });
  const remove = () =>
    action.run(async () => {
      await auth.fetch(PATH, { method: 'DELETE' });
      setAnswered({ sample: null });
      notifyChanged();
    }, 'The sample data is removed.');

  if (sample) {
    return (
      <section class="panel sample-banner" aria-label="Sample data" data-testid="sample-banner">
        <p>
          <strong>Sample data is loaded</strong> ({sampleSummary(sample.counts)}, on{' '}
          {localDateTime(sample.loadedAt, tenant.timezone)}). Its names start with “Sample”. Removing it removes exactly
          those records; what you added meanwhile stays.
        </p>
        {admin ? (
          <div class="row wrap">
            <ConfirmButton
              label={action.busy ? 'Removing…' : 'Remove sample data'}
              question="Remove every sample record (orders, visits, customers, products, salesmen, territories)?"
              confirmLabel="Remove"
              disabled={action.busy}
              onConfirm={() => void remove()}
            />
            {action.busy && <Elapsed label="Removing the sample data" />}
          </div>
        ) : (
          <p class="muted">An owner or admin can remove it.</p>
        )}
        <Note action={action} testId="sample-note" />
      </section>
    );
  }
  if (!admin || !canLoadSample(value)) return <Note action={action} testId="sample-note" />;
  return (
    <section class="panel sample-offer" aria-labelledby="sample-heading" data-testid="sample-offer">
      <h2 id="sample-heading">Try it with sample data</h2>
      <p>
        Fills this empty organisation with a small sample near you: two territories, three salesmen, 30 customers, 12
        products with stock, planned visits and recent orders, so every screen has something to show. Each record is
        marked “Sample”, and one click here removes exactly those records when you are ready.
      </p>
      <div class="row wrap">
        <button type="button" class="button" onClick={() => void load()} disabled={action.busy} aria-busy={action.busy}>
          {action.busy ? 'Loading sample data…' : 'Load sample data'}
        </button>
        {action.busy && <Elapsed label="Loading the sample data" />}
      </div>
      <Note action={action} testId="sample-note" />
    </section>
  );
}

/** An indeterminate bar and the seconds spent: loading writes a few hundred records through the API. */
function Elapsed({ label }: { label: string }) {
  const [seconds, setSeconds] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setSeconds((s) => s + 1), 1000);
    return () => clearInterval(timer);
  }, []);
  return (
    <>
      <progress aria-label={label} />
      <span class="muted" aria-live="off">
        {seconds} s
      </span>
    </>
  );
}
