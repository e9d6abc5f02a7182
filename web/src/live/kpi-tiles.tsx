import type { ExecutiveReport } from '../api/types';
import type { Loadable } from './live-model';

/** Today's figures. The tiles keep their size while loading, so nothing jumps when data arrives. */
export function KpiTiles({ kpis }: { kpis: Loadable<ExecutiveReport> }) {
  if (kpis.state === 'error') {
    return (
      <section class="kpis" aria-label="Today's figures">
        <p class="error" role="alert">
          Today's figures could not be loaded: {kpis.message}
        </p>
      </section>
    );
  }
  const report = kpis.state === 'ready' ? kpis.value : null;
  const money = report ? new Intl.NumberFormat(undefined, { style: 'currency', currency: report.meta.currency }) : null;
  const tiles: { key: string; label: string; value: string | null }[] = [
    {
      key: 'revenue',
      label: 'Revenue today',
      value: report && money ? money.format(report.kpis.revenueMinor / 100) : null,
    },
    { key: 'orders', label: 'Orders', value: report ? String(report.kpis.orders) : null },
    { key: 'visits', label: 'Visits', value: report ? String(report.kpis.visits) : null },
    {
      key: 'strike-rate',
      label: 'Strike rate',
      value: report ? (report.kpis.strikeRatePct === null ? '–' : `${report.kpis.strikeRatePct.toFixed(0)} %`) : null,
    },
  ];
  return (
    <section class="kpis" aria-label="Today's figures" aria-busy={kpis.state === 'loading'}>
      {tiles.map((t) => (
        <div class="kpi" key={t.key} data-testid={`kpi-${t.key}`}>
          <span class="kpi-label">{t.label}</span>
          <span class={t.value === null ? 'kpi-value skeleton' : 'kpi-value'}>{t.value ?? '\u00a0'}</span>
        </div>
      ))}
    </section>
  );
}
