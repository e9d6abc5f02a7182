/** Queue messages of the scheduled jobs: one tenant each, so every tenant is retried on its own. */
export type JobMessage =
  /** Nightly RFM for one tenant; `at` (ms) fixes the run's local date however late the message runs. */
  | { job: 'rfm'; tenantId: string; at: number }
  /** Due report e-mails of one tenant, as of `at`. */
  | { job: 'reports'; tenantId: string; at: number }
  /** The next rows of a queued CSV import (services/imports.service.ts); `at` is when it was queued. */
  | { job: 'import'; tenantId: string; importId: string; at: number };

export const CRON_NIGHTLY = '15 2 * * *';
export const CRON_HOURLY = '5 * * * *';
/** The outbound sweep (jobs/outbound.ts). */
export const CRON_OUTBOUND_SWEEP = '*/5 * * * *';

export function isJobMessage(body: unknown): body is JobMessage {
  const m = body as Partial<JobMessage> | null;
  return (
    typeof m === 'object' &&
    m !== null &&
    (m.job === 'rfm' || m.job === 'reports' || (m.job === 'import' && typeof m.importId === 'string')) &&
    typeof m.tenantId === 'string' &&
    typeof m.at === 'number'
  );
}
