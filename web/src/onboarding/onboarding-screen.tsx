import type { Tenant, User } from '../api/types';
import type { AuthSession } from '../auth/session';
import { href, onLinkClick } from '../ui/router';
import { SampleDataPanel } from './sample-data-panel';
import { stepCount, stepHref } from './steps';
import type { OnboardingState } from './use-onboarding';
import '../ui/forms.css';
import './onboarding.css';

/** /app/onboarding: the getting-started checklist, each step linking to where it is done. */
export function OnboardingScreen({
  auth,
  user,
  tenant,
  onboarding,
  reload,
}: {
  auth: AuthSession;
  user: User;
  tenant: Tenant;
  onboarding: OnboardingState;
  reload: () => void;
}) {
  return (
    <main class="page narrow" data-testid="onboarding-screen">
      <header class="page-head">
        <h1>Getting started</h1>
      </header>
      {onboarding.status === 'loading' && (
        <p class="muted" aria-busy="true">
          Loading the checklist…
        </p>
      )}
      {onboarding.status === 'unavailable' && (
        <div class="panel">
          <p>The getting-started checklist could not be loaded, or is for managers and above.</p>
          <button type="button" class="button secondary" onClick={reload}>
            Retry
          </button>
        </div>
      )}
      {onboarding.status === 'ready' && (
        <>
          <SampleDataPanel auth={auth} user={user} tenant={tenant} value={onboarding.value} />
          <Checklist value={onboarding.value} />
        </>
      )}
    </main>
  );
}

function Checklist({ value }: { value: Extract<OnboardingState, { status: 'ready' }>['value'] }) {
  const next = value.steps.find((s) => !s.done);
  return (
    <section class="panel onboarding" aria-labelledby="checklist-heading">
      <h2 id="checklist-heading">
        {value.complete ? 'All set: your organisation is up and running.' : 'Set up Fieldline in a few steps'}
      </h2>
      <div class="meter-row">
        <progress
          max={value.total}
          value={value.completed}
          aria-label="Steps done"
          data-testid="onboarding-progress"
          data-completed={value.completed}
        />
        <span class="muted">
          {value.completed} of {value.total} done
        </span>
      </div>
      <ol class="steps" data-testid="onboarding-steps">
        {value.steps.map((s) => {
          const count = stepCount(s);
          return (
            <li key={s.key} data-step={s.key} data-done={String(s.done)} class={s.done ? 'done' : undefined}>
              <span class="step-mark" aria-hidden="true">
                {s.done ? '✓' : ''}
              </span>
              <div>
                <h3>
                  <a href={stepHref(s)} onClick={onLinkClick} aria-describedby={`step-${s.key}`}>
                    {s.title}
                  </a>
                  <span class="visually-hidden">{s.done ? ' (done)' : ' (to do)'}</span>
                </h3>
                <p id={`step-${s.key}`} class="muted">
                  {s.description}
                  {count && ` ${count} so far.`}
                </p>
              </div>
              {s === next && (
                <a class="button" href={stepHref(s)} onClick={onLinkClick}>
                  Start
                </a>
              )}
            </li>
          );
        })}
      </ol>
      {value.complete && (
        <p>
          <a href={href('live')} onClick={onLinkClick}>
            Go to Live
          </a>
        </p>
      )}
    </section>
  );
}
