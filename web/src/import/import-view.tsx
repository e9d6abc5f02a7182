import { useEffect, useRef, useState } from 'preact/hooks';
import { downloadFile } from '../api/download';
import { ApiError } from '../api/http';
import type { Tenant } from '../api/types';
import type { AuthSession } from '../auth/session';
import { notifyChanged } from '../ui/changes';
import { errorText, localDateTime, num } from '../ui/format';
import { LoadError, Loading } from '../ui/load-state';
import { useAction } from '../ui/use-action';
import { type ImportJob, isRunning, KINDS, MODES, outcome, REPORTED_ERRORS } from './import-model';

/** How often a queued or running import is read again. */
const POLL_MS = 1_000;

/** One import: its progress while it runs (read every second), then its counts and its first row errors. */
export function ImportView({
  auth,
  tenant,
  id,
  onFinished,
}: {
  auth: AuthSession;
  tenant: Tenant;
  id: string;
  onFinished: () => void;
}) {
  const [job, setJob] = useState<ImportJob | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const finished = useRef(onFinished);
  finished.current = onFinished;

  useEffect(() => {
    let alive = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let wasRunning = true;
    let last: ImportJob | null = null;
    const read = async () => {
      try {
        const next = await auth.fetch<ImportJob>(`/v1/imports/${encodeURIComponent(id)}`);
        if (!alive) return;
        last = next;
        setJob(next);
        setError(null);
        if (isRunning(next.status)) {
          timer = setTimeout(read, POLL_MS);
        } else if (wasRunning) {
          wasRunning = false;
          finished.current();
          notifyChanged();
        }
      } catch (err) {
        if (!alive) return;
        setError(errorText(err));
        // A network blip or a server hiccup while it runs: keep polling, a little slower. A refusal is final.
        const refused = err instanceof ApiError && err.status >= 400 && err.status < 500;
        if (!refused && (last === null || isRunning(last.status))) timer = setTimeout(read, POLL_MS * 3);
      }
    };
    void read();
    return () => {
      alive = false;
      clearTimeout(timer);
    };
  }, [auth, id, tick]);

  if (!job && error) return <LoadError what="The import" message={error} retry={() => setTick((t) => t + 1)} />;
  if (!job) return <Loading what="the import" />;
  return <JobDetail auth={auth} tenant={tenant} job={job} stale={error} />;
}

function JobDetail({
  auth,
  tenant,
  job,
  stale,
}: {
  auth: AuthSession;
  tenant: Tenant;
  job: ImportJob;
  stale: string | null;
}) {
  const running = isRunning(job.status);
  const download = useAction();
  const nothing = job.mode === 'all_or_nothing' && job.errorCount > 0;
  return (
    <section
      class="panel import-result"
      aria-labelledby="import-heading"
      data-testid="import-result"
      data-status={job.status}
      aria-busy={running}
    >
      <div class="panel-head">
        <h2 id="import-heading">{job.fileName ?? 'Unnamed file'}</h2>
        <span class={`status-pill status-${job.status}`}>{job.status}</span>
        <span class="muted">
          {KINDS[job.kind].label} · {MODES[job.mode].label.toLowerCase()} · started{' '}
          {localDateTime(job.createdAt, tenant.timezone)}
        </span>
      </div>
      <div class="meter-row">
        {running && job.totalRows === 0 ? (
          <progress aria-label="Import progress" />
        ) : (
          <progress
            aria-label="Import progress"
            max={Math.max(1, job.totalRows)}
            value={running ? job.processedRows : Math.max(1, job.totalRows)}
          />
        )}
        <p class={nothing || job.status === 'failed' ? 'error' : 'muted'} role="status" data-testid="import-outcome">
          {outcome(job)}
        </p>
      </div>
      {stale && <p class="muted">Reading its progress failed ({stale}); retrying…</p>}
      <div class="kpis">
        <Count label="Rows" value={job.totalRows} />
        <Count label="Created" value={nothing ? 0 : job.createdRows} testId="import-created" />
        <Count label="Updated" value={nothing ? 0 : job.updatedRows} />
        <Count label="Unchanged" value={job.unchangedRows} />
        <Count label="Invalid rows" value={job.failedRows} testId="import-failed" />
      </div>
      {job.errorCount > 0 && (
        <>
          <div class="row wrap">
            <h3>
              Row errors{' '}
              <span class="muted">
                ({job.errors.length < job.errorCount ? `the first ${job.errors.length} of ` : ''}
                {num(job.errorCount)})
              </span>
            </h3>
            <span class="spacer" />
            <button
              type="button"
              class="button secondary"
              disabled={download.busy}
              onClick={() =>
                void download.run(
                  () =>
                    downloadFile(
                      auth,
                      `/v1/imports/${encodeURIComponent(job.id)}/errors?format=csv`,
                      'text/csv',
                      `${(job.fileName ?? 'import').replace(/\.csv$/i, '')}-errors.csv`,
                    ),
                  'Downloaded.',
                )
              }
            >
              {job.errorCount > REPORTED_ERRORS
                ? `Download the first ${num(REPORTED_ERRORS)} errors (CSV)`
                : 'Download every error (CSV)'}
            </button>
          </div>
          {download.note?.error && (
            <p class="error" role="alert">
              The errors could not be downloaded: {download.note.text}
            </p>
          )}
          <div class="table-scroll errors-scroll">
            <table class="table" data-testid="import-errors">
              <caption class="visually-hidden">Row errors</caption>
              <thead>
                <tr>
                  <th scope="col" class="num">
                    Row
                  </th>
                  <th scope="col">Column</th>
                  <th scope="col">Problem</th>
                </tr>
              </thead>
              <tbody>
                {job.errors.map((e, i) => (
                  <tr key={`${e.row}-${e.column}-${i}`} data-row={e.row} data-code={e.code}>
                    <th scope="row" class="num">
                      {e.row}
                    </th>
                    <td>{e.column ?? '–'}</td>
                    <td>{e.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

function Count({ label, value, testId }: { label: string; value: number; testId?: string }) {
  return (
    <div class="kpi" data-testid={testId}>
      <span class="kpi-label">{label}</span>
      <span class="kpi-value">{num(value)}</span>
    </div>
  );
}
