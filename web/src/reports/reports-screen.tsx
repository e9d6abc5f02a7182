import { useState } from 'preact/hooks';
import type { Tenant } from '../api/types';
import type { AuthSession } from '../auth/session';
import { errorText, localDate } from '../ui/format';
import { lazyScreen } from '../ui/lazy';
import { href, onLinkClick } from '../ui/router';
import { useLoad } from '../ui/use-load';
import { downloadExport, type ExportFormat } from './download';
import { type PeriodValue, REPORTS, type ReportDef, reportNamed, reportPath } from './report-catalog';
import type { Executive, Forecast, Heatmap, Products, SalesPerformance, Segmentation } from './report-types';
import { ExecutiveView, ForecastView, ProductsView, SalesPerformanceView, SegmentsView } from './report-views';

// The heat map brings a map: a chunk of its own, fetched when that report is opened.
const HeatmapView = lazyScreen(() => import('./heatmap-view').then((m) => m.HeatmapView));

/** /app/reports/<name>: one report at a time, its period, and its CSV and PDF exports. */
export function ReportsScreen({ auth, tenant, name }: { auth: AuthSession; tenant: Tenant; name: string | null }) {
  const def = reportNamed(name);
  return (
    <main class="page" data-testid="reports-screen">
      <header class="page-head">
        <h1>Reports</h1>
      </header>
      <nav class="tabs" aria-label="Reports">
        {REPORTS.map((r) => (
          <a
            key={r.name}
            href={href('reports', r.name)}
            onClick={onLinkClick}
            aria-current={r.name === def.name ? 'page' : undefined}
          >
            {r.title}
          </a>
        ))}
      </nav>
      <Report auth={auth} tenant={tenant} def={def} key={def.name} />
    </main>
  );
}

function Report({ auth, tenant, def }: { auth: AuthSession; tenant: Tenant; def: ReportDef }) {
  const today = localDate(Date.now(), tenant.timezone);
  const [period, setPeriod] = useState<PeriodValue>({ value: def.period.initial, date: '' });
  const path = reportPath(def, period);
  const [data, reload] = useLoad(() => auth.fetch<unknown>(path), path, true);
  const [exporting, setExporting] = useState<ExportFormat | null>(null);
  const [exportNote, setExportNote] = useState<{ error: boolean; text: string } | null>(null);

  const download = async (format: ExportFormat) => {
    setExporting(format);
    setExportNote(null);
    try {
      const file = await downloadExport(auth, path, format);
      setExportNote({ error: false, text: `Downloaded ${file}` });
    } catch (err) {
      setExportNote({ error: true, text: `The ${format.toUpperCase()} could not be downloaded: ${errorText(err)}` });
    } finally {
      setExporting(null);
    }
  };

  return (
    <section aria-labelledby="report-heading" class="panel report" data-report={def.name}>
      <div class="report-bar">
        <h2 id="report-heading">{def.title}</h2>
        {def.period.kind !== 'none' && (
          <label class="inline">
            {def.period.kind === 'period' ? 'Period' : 'Window'}
            <select
              value={period.value}
              onChange={(e) => setPeriod({ ...period, value: (e.currentTarget as HTMLSelectElement).value })}
            >
              {def.period.options.map((o) => (
                <option key={o} value={o}>
                  {def.period.kind === 'days' ? `${def.name === 'forecast' ? 'next' : 'last'} ${o} days` : o}
                </option>
              ))}
            </select>
          </label>
        )}
        {def.choice && (
          <label class="inline">
            {def.choice.label}
            <select
              value={period.choice ?? def.choice.initial}
              onChange={(e) => setPeriod({ ...period, choice: (e.currentTarget as HTMLSelectElement).value })}
            >
              {def.choice.options.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </select>
          </label>
        )}
        {def.period.dated && (
          <label class="inline">
            Containing
            <input
              type="date"
              max={today}
              value={period.date || today}
              onChange={(e) => {
                const date = (e.currentTarget as HTMLInputElement).value;
                setPeriod({ ...period, date: date === today ? '' : date });
              }}
            />
          </label>
        )}
        <span class="spacer" />
        <span class="muted tz">Times in {tenant.timezone}</span>
        <button
          type="button"
          class="button secondary"
          onClick={() => void download('csv')}
          disabled={exporting !== null}
          aria-busy={exporting === 'csv'}
        >
          Download CSV
        </button>
        <button
          type="button"
          class="button secondary"
          onClick={() => void download('pdf')}
          disabled={exporting !== null}
          aria-busy={exporting === 'pdf'}
        >
          Download PDF
        </button>
      </div>
      {exportNote && (
        <p
          class={exportNote.error ? 'error' : 'muted'}
          role={exportNote.error ? 'alert' : 'status'}
          data-testid="export-note"
        >
          {exportNote.text}
        </p>
      )}
      {data.state === 'loading' && (
        <p class="muted report-loading" aria-busy="true">
          Loading the report…
        </p>
      )}
      {data.state === 'error' && (
        <div class="error" role="alert">
          <p>The report could not be loaded: {data.message}</p>
          <button type="button" class="button secondary" onClick={reload}>
            Retry
          </button>
        </div>
      )}
      {data.state === 'ready' && <View name={def.name} data={data.value} />}
    </section>
  );
}

function View({ name, data }: { name: string; data: unknown }) {
  switch (name) {
    case 'sales-performance':
      return <SalesPerformanceView data={data as SalesPerformance} />;
    case 'executive':
      return <ExecutiveView data={data as Executive} />;
    case 'segments':
      return <SegmentsView data={data as Segmentation} />;
    case 'products':
      return <ProductsView data={data as Products} />;
    case 'heatmap':
      return <HeatmapView data={data as Heatmap} />;
    default:
      return <ForecastView data={data as Forecast} />;
  }
}
