import { useMemo, useState } from 'preact/hooks';
import { localDateTime, money, num } from '../ui/format';
import { HeatmapMap } from './heatmap-map';
import { cellSize, legendOf, MEASURES, type Measure, scaleOf } from './heatmap-scale';
import type { Heatmap } from './report-types';
import { Empty, Kpi, Table } from './report-views';
import './heatmap.css';

const GAPS_LISTED = 20;

/**
 * The territory heat map: where the visits, orders or revenue of the window happened (geohash cells
 * coloured by the chosen measure, with its legend), the territories' outlines, and the customers nobody
 * has visited for a while as markers; the same figures in tables below.
 */
export function HeatmapView({ data }: { data: Heatmap }) {
  const [measure, setMeasure] = useState<Measure>('visits');
  const [showGaps, setShowGaps] = useState(true);
  const c = data.meta.currency;
  const format = measure === 'revenueMinor' ? (v: number) => money(v, c) : (v: number) => num(v);
  const scale = useMemo(() => scaleOf(data.cells.features.map((f) => f.properties[measure])), [data, measure]);
  const totals = data.cells.features.reduce(
    (t, f) => ({
      visits: t.visits + f.properties.visits,
      orders: t.orders + f.properties.orders,
      revenueMinor: t.revenueMinor + f.properties.revenueMinor,
    }),
    { visits: 0, orders: 0, revenueMinor: 0 },
  );
  const gaps = data.coverageGaps;
  const legend = legendOf(scale, format);
  const label = MEASURES.find((m) => m.key === measure)?.label ?? measure;
  return (
    <>
      <p class="muted">
        {data.range.start} – {data.range.end}
        {data.cells.features[0] ? `, in cells of ${cellSize(data.cells.features[0].geometry)} here` : ''}. Coverage
        gaps: customers without a completed visit for {gaps.gapDays} days.
      </p>
      <div class="kpis">
        <Kpi label="Cells with activity" value={num(data.cells.features.length)} />
        <Kpi label="Visits" value={num(totals.visits)} />
        <Kpi label="Orders" value={num(totals.orders)} />
        <Kpi label="Revenue" value={money(totals.revenueMinor, c)} />
        <Kpi label="Coverage gaps" value={num(gaps.total)} />
      </div>
      <div class="heatmap-bar">
        <fieldset class="measure" data-testid="heatmap-measure">
          <legend>Colour by</legend>
          {MEASURES.map((m) => (
            <label key={m.key}>
              <input
                type="radio"
                name="heatmap-measure"
                value={m.key}
                checked={measure === m.key}
                onChange={() => setMeasure(m.key)}
              />
              {m.label}
            </label>
          ))}
        </fieldset>
        <figure class="heatmap-legend" data-testid="heatmap-legend" data-measure={measure}>
          <figcaption class="muted">{label} per cell</figcaption>
          {legend.length === 0 ? (
            <p class="muted">None in this window.</p>
          ) : (
            <ul>
              {legend.map((l) => (
                <li key={l.label}>
                  <span class="swatch" style={{ background: l.colour }} aria-hidden="true" />
                  {l.label}
                </li>
              ))}
            </ul>
          )}
          <label class="gap-toggle">
            <input
              type="checkbox"
              checked={showGaps}
              onChange={(e) => setShowGaps((e.currentTarget as HTMLInputElement).checked)}
            />
            <span class="gap-swatch" aria-hidden="true" />
            Coverage gaps: customers not visited for {gaps.gapDays} days or never
            {gaps.total > gaps.features.length
              ? ` (the ${num(gaps.features.length)} longest of ${num(gaps.total)})`
              : ''}
          </label>
        </figure>
      </div>
      <HeatmapMap data={data} measure={measure} scale={scale} showGaps={showGaps} />
      <Table caption="By territory, most revenue first" head={['Territory', 'Visits', 'Orders', 'Revenue']}>
        {data.territories.features.length === 0 && <Empty>No territories.</Empty>}
        {[...data.territories.features]
          .sort((a, b) => b.properties.revenueMinor - a.properties.revenueMinor)
          .map((t) => (
            <tr key={t.id}>
              <th scope="row">{t.properties.name}</th>
              <td class="num">{num(t.properties.visits)}</td>
              <td class="num">{num(t.properties.orders)}</td>
              <td class="num">{money(t.properties.revenueMinor, c)}</td>
            </tr>
          ))}
      </Table>
      <Table
        caption={`Coverage gaps, longest first${gaps.total > GAPS_LISTED ? ` (${GAPS_LISTED} of ${num(gaps.total)})` : ''}`}
        head={['Customer', 'Last visit', 'Days since']}
      >
        {gaps.features.length === 0 && <Empty>Every customer was visited in the last {gaps.gapDays} days.</Empty>}
        {gaps.features.slice(0, GAPS_LISTED).map((g) => (
          <tr key={g.id}>
            <th scope="row">{g.properties.name}</th>
            <td class="num">
              {g.properties.lastVisitAt ? localDateTime(g.properties.lastVisitAt, data.meta.timezone) : 'never'}
            </td>
            <td class="num">{g.properties.daysSinceVisit === null ? '–' : num(g.properties.daysSinceVisit)}</td>
          </tr>
        ))}
      </Table>
    </>
  );
}
