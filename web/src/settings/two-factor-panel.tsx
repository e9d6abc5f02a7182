import { useState } from 'preact/hooks';
import { renderSVG } from 'uqr';
import { ApiError } from '../api/http';
import { type AuthSession, secondFactorOf } from '../auth/session';
import { LoadError, Loading } from '../ui/load-state';
import { useLoad } from '../ui/use-load';

interface Status {
  enabled: boolean;
  enabledAt: string | null;
  pending: boolean;
  recoveryCodesRemaining: number;
  required: boolean;
}

type Step = { kind: 'idle' } | { kind: 'enrolling'; secret: string; uri: string } | { kind: 'codes'; codes: string[] };

const message = (err: unknown) => (err instanceof ApiError ? err.message : 'Something went wrong. Please try again.');

/**
 * Settings › Security: the signed-in user's two-factor authentication. Set up (the otpauth URI as a QR code
 * and as text, confirmed with a first code), the recovery codes shown once, new codes, turning it off.
 */
export function TwoFactorPanel({ auth }: { auth: AuthSession }) {
  const [status, reload] = useLoad(() => auth.fetch<Status>('/v1/auth/two-factor'), 'two-factor', true);
  const [step, setStep] = useState<Step>({ kind: 'idle' });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (err) {
      setError(message(err));
    } finally {
      setBusy(false);
    }
  };

  if (status.state === 'loading') return <Loading what="two-factor authentication" />;
  if (status.state === 'error')
    return <LoadError what="Two-factor authentication" message={status.message} retry={reload} />;
  const s = status.value;

  const start = () =>
    run(async () => {
      const answer = await auth.fetch<{ secret: string; otpauthUri: string }>('/v1/auth/two-factor/enrolment', {
        method: 'POST',
      });
      setStep({ kind: 'enrolling', secret: answer.secret, uri: answer.otpauthUri });
    });

  const confirm = (e: Event) => {
    e.preventDefault();
    const code = String(new FormData(e.currentTarget as HTMLFormElement).get('code') ?? '').replace(/\s/g, '');
    return run(async () => {
      const answer = await auth.fetch<{ recoveryCodes: string[]; accessToken: string; expiresIn: number }>(
        '/v1/auth/two-factor/enrolment/confirm',
        { method: 'POST', body: { code } },
      );
      auth.useAccessToken(answer.accessToken, answer.expiresIn);
      setStep({ kind: 'codes', codes: answer.recoveryCodes });
      reload();
    });
  };

  const regenerate = (e: Event) => {
    e.preventDefault();
    const typed = String(new FormData(e.currentTarget as HTMLFormElement).get('code') ?? '');
    return run(async () => {
      const answer = await auth.fetch<{ recoveryCodes: string[] }>('/v1/auth/two-factor/recovery-codes', {
        method: 'POST',
        body: secondFactorOf(typed),
      });
      setStep({ kind: 'codes', codes: answer.recoveryCodes });
      reload();
    });
  };

  const disable = (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    return run(async () => {
      await auth.fetch('/v1/auth/two-factor/disable', {
        method: 'POST',
        body: { ...secondFactorOf(String(form.get('code') ?? '')), password: String(form.get('password') ?? '') },
      });
      setStep({ kind: 'idle' });
      reload();
    });
  };

  return (
    <section class="panel" data-testid="two-factor">
      <h2>Two-factor authentication</h2>
      {s.required && !s.enabled && (
        <p class="error" role="alert">
          Your organisation requires two-factor authentication of owners and admins: set it up to continue.
        </p>
      )}
      <p data-testid="two-factor-status">
        {s.enabled
          ? `On since ${new Date(s.enabledAt ?? '').toLocaleDateString()}; ${s.recoveryCodesRemaining} recovery codes left.`
          : 'Off. Sign-ins ask only for your password.'}
      </p>

      {step.kind === 'codes' && (
        <div class="notice" data-testid="recovery-codes">
          <p>
            <strong>Recovery codes.</strong> Each signs you in once if you lose your phone. They are shown only now:
            keep them somewhere safe.
          </p>
          <ul class="codes">
            {step.codes.map((c) => (
              <li key={c}>
                <code>{c}</code>
              </li>
            ))}
          </ul>
          <button
            type="button"
            class="button secondary"
            onClick={() => void navigator.clipboard?.writeText(step.codes.join('\n'))}
          >
            Copy
          </button>
          <button type="button" class="button" onClick={() => setStep({ kind: 'idle' })}>
            I have saved them
          </button>
        </div>
      )}

      {!s.enabled && step.kind !== 'enrolling' && (
        <button type="button" class="button" disabled={busy} onClick={start}>
          Set up two-factor authentication
        </button>
      )}

      {step.kind === 'enrolling' && (
        <form onSubmit={confirm} class="stack">
          <p>Scan this code with an authenticator app (or type the key), then enter the 6-digit code it shows.</p>
          <div
            class="qr"
            role="img"
            aria-label="QR code of the authenticator key"
            dangerouslySetInnerHTML={{ __html: renderSVG(step.uri, { border: 2 }) }}
          />
          <p>
            Key: <code data-testid="totp-secret">{step.secret}</code>
          </p>
          <details>
            <summary>Setup link</summary>
            <code class="wrap" data-testid="otpauth-uri">
              {step.uri}
            </code>
          </details>
          <label>
            Code
            <input name="code" autoComplete="one-time-code" inputMode="numeric" required minLength={6} maxLength={8} />
          </label>
          <button type="submit" class="button" disabled={busy}>
            Turn on
          </button>
        </form>
      )}

      {s.enabled && step.kind !== 'codes' && (
        <>
          <form onSubmit={regenerate} class="stack">
            <h3>New recovery codes</h3>
            <label>
              Code from your app (or a recovery code)
              <input name="code" autoComplete="one-time-code" required minLength={6} maxLength={24} />
            </label>
            <button type="submit" class="button secondary" disabled={busy}>
              Replace the recovery codes
            </button>
          </form>
          {!s.required && (
            <form onSubmit={disable} class="stack">
              <h3>Turn off</h3>
              <label>
                Code from your app (or a recovery code)
                <input name="code" autoComplete="one-time-code" required minLength={6} maxLength={24} />
              </label>
              <label>
                Password
                <input name="password" type="password" autoComplete="current-password" required />
              </label>
              <button type="submit" class="button secondary" disabled={busy}>
                Turn off two-factor authentication
              </button>
            </form>
          )}
        </>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
