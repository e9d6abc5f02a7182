import type { ComponentChildren } from 'preact';
import { money, num, pct } from '../ui/format';
import { BarChart } from './charts';
import type { DailyPoint, Executive, Forecast, Products, SalesPerformance, Segmentation } from './report-types';

const signed = (v: number | null) => (v === null ? '–' : `${v > 0 ? '+' : ''}${v.toFixed(1)} %`);

export function Table({ caption, head, children }: { caption: string; head: string[]; children: ComponentChildren }) {
  return (
    <div class="table-scroll">
      <table class="table" data-testid="report-table">
        <caption>{caption}</caption>
        <thead>
          <tr>
            {head.map((h, i) => (
              <th scope="col" key={h} class={i > 0 ? 'num' : undefined}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

export function Empty({ children }: { children: ComponentChildren }) {
  return (
    <tr>
      <td colSpan={9} class="muted">
        {children}
      </td>
    </tr>
  );
}

function Trend({ trend, currency }: { trend: DailyPoint[]; currency: string }) {
  return (
    <BarChart
      title="Net revenue by day"
      bars={trend.map((d) => ({ label: d.date, value: d.revenueMinor }))}
      format={(v) => money(v, currency)}
    />
  );
}

export function SalesPerformanceView({ data }: { data: SalesPerformance }) {
  const c = data.meta.currency;
  const t = data.totals;
  return (
    <>
      <p class="muted">
        {data.current.start} – {data.current.end}, against {data.previous.start} – {data.previous.end}
      </p>
      <div class="kpis">
        <Kpi label="Revenue" value={money(t.revenueMinor, c)} change={signed(data.growth.revenue)} />
        <Kpi label="Orders" value={num(t.orders)} change={signed(data.growth.orders)} />
        <Kpi label="Visits" value={num(t.visits)} change={signed(data.growth.visits)} />
        <Kpi label="Strike rate" value={pct(t.strikeRatePct)} />
      </div>
      <Trend trend={data.trend} currency={c} />
      <Table
        caption="By salesman, highest revenue first"
        head={['Salesman', 'Revenue', 'Growth', 'Orders', 'Visits', 'Strike rate', 'Target achieved']}
      >
        {data.salesmen.length === 0 && <Empty>No sales in this period.</Empty>}
        {[...data.salesmen]
          .sort((a, b) => b.revenueMinor - a.revenueMinor)
          .map((s) => (
            <tr key={s.salesmanId}>
              <th scope="row">{s.name}</th>
              <td class="num">{money(s.revenueMinor, c)}</td>
              <td class="num">{signed(s.revenueGrowthPct)}</td>
              <td class="num">{num(s.orders)}</td>
              <td class="num">{num(s.visits)}</td>
              <td class="num">{pct(s.strikeRatePct)}</td>
              <td class="num">{pct(s.revenueAchievementPct)}</td>
            </tr>
          ))}
      </Table>
    </>
  );
}

export function ExecutiveView({ data }: { data: Executive }) {
  const c = data.meta.currency;
  const show = (unit: Executive['summary'][number]['unit'], v: number | null) =>
    unit === 'money' ? money(v, c) : unit === 'percent' ? pct(v, 1) : unit === 'minutes' ? `${num(v, 1)} min` : num(v);
  return (
    <>
      <p class="muted">
        {data.current.start} – {data.current.end}, against {data.previous.start} – {data.previous.end}
      </p>
      <Table caption="Summary against the previous period" head={['Figure', 'This period', 'Previous', 'Change']}>
        {data.summary.map((r) => (
          <tr key={r.key}>
            <th scope="row">{r.label}</th>
            <td class="num">{show(r.unit, r.value)}</td>
            <td class="num">{show(r.unit, r.previous)}</td>
            <td class="num">{signed(r.changePct)}</td>
          </tr>
        ))}
      </Table>
      <Trend trend={data.trend} currency={c} />
    </>
  );
}

const SEGMENT_LABEL: Record<string, string> = {
  champions: 'Champions',
  loyal: 'Loyal',
  potential: 'Potential',
  at_risk: 'At risk',
  hibernating: 'Hibernating',
  lost: 'Lost',
  prospect: 'Prospects',
};

export function SegmentsView({ data }: { data: Segmentation }) {
  const c = data.meta.currency;
  const run = data.run;
  return (
    <>
      <p class="muted">
        {run
          ? run.live
            ? 'Scored live (no nightly run yet, so no movement to show).'
            : `Nightly run of ${run.runDate}${run.previousRunDate ? `, movement since ${run.previousRunDate}` : ''}.`
          : 'No customer has ordered yet.'}
      </p>
      <BarChart
        title="Customers per segment"
        bars={data.segments.map((s) => ({ label: SEGMENT_LABEL[s.segment] ?? s.segment, value: s.customers }))}
        format={(v) => num(v)}
      />
      <Table caption="RFM segments" head={['Segment', 'Customers', 'Revenue', 'Share', 'Moved in', 'Moved out']}>
        {data.segments.length === 0 && <Empty>No segments yet.</Empty>}
        {data.segments.map((s) => (
          <tr key={s.segment}>
            <th scope="row">{SEGMENT_LABEL[s.segment] ?? s.segment}</th>
            <td class="num">{num(s.customers)}</td>
            <td class="num">{money(s.revenueMinor, c)}</td>
            <td class="num">{pct(s.revenueSharePct, 1)}</td>
            <td class="num">{num(s.movedIn)}</td>
            <td class="num">{num(s.movedOut)}</td>
          </tr>
        ))}
      </Table>
    </>
  );
}

export function ProductsView({ data }: { data: Products }) {
  const c = data.meta.currency;
  const rows = (list: Products['top'], empty: string) =>
    list.length === 0 ? (
      <Empty>{empty}</Empty>
    ) : (
      list.map((p) => (
        <tr key={p.productId}>
          <th scope="row">
            {p.name} <span class="muted">{p.sku}</span>
          </th>
          <td class="num">{num(p.units)}</td>
          <td class="num">{money(p.revenueMinor, c)}</td>
          <td class="num">{pct(p.revenueSharePct, 1)}</td>
          <td class="num">{num(p.velocityPerDay, 1)}</td>
          <td class="num">{num(p.onHand)}</td>
          <td class="num">{p.daysOfCover === null ? '–' : num(p.daysOfCover)}</td>
        </tr>
      ))
    );
  const head = ['Product', 'Units', 'Revenue', 'Share', 'Per day', 'On hand', 'Days of cover'];
  return (
    <>
      <p class="muted">
        {data.range.start} – {data.range.end}
      </p>
      <div class="kpis">
        <Kpi label="Revenue" value={money(data.totals.revenueMinor, c)} />
        <Kpi label="Units" value={num(data.totals.units)} />
        <Kpi label="Products sold" value={num(data.totals.productsSold)} />
        <Kpi label="Units per day" value={num(data.totals.velocityPerDay, 1)} />
      </div>
      <Table caption="Top products by revenue" head={head}>
        {rows(data.top, 'Nothing sold in this window.')}
      </Table>
      <Table caption="Slow movers (stock on hand, fewest sold)" head={head}>
        {rows(data.slowMovers, 'No slow movers.')}
      </Table>
    </>
  );
}

export function ForecastView({ data }: { data: Forecast }) {
  const c = data.meta.currency;
  const total = data.forecast.reduce((sum, d) => sum + d.revenueMinor, 0);
  return (
    <>
      <p class="muted">
        {data.methodDescription} History: {data.history.days} days
        {data.history.from ? ` from ${data.history.from}` : ''} to {data.history.to}.
      </p>
      <div class="kpis">
        <Kpi label={`Next ${data.forecast.length} days`} value={money(total, c)} />
        <Kpi label="Back-test MAPE" value={pct(data.backtest?.mapePct ?? null, 1)} />
        <Kpi label="Back-test WAPE" value={pct(data.backtest?.wapePct ?? null, 1)} />
        <Kpi label="Interval" value={`${Math.round(data.interval.level * 100)} % (${data.interval.basis})`} />
      </div>
      <BarChart
        title="Forecast net revenue by day, with its 80 % interval"
        bars={data.forecast.map((d) => ({
          label: d.date,
          value: d.revenueMinor,
          low: d.lowerMinor,
          high: d.upperMinor,
        }))}
        format={(v) => money(v, c)}
      />
      <Table caption="Forecast by day" head={['Date', 'Revenue', 'Low (10 %)', 'High (90 %)']}>
        {data.forecast.map((d) => (
          <tr key={d.date}>
            <th scope="row">{d.date}</th>
            <td class="num">{money(d.revenueMinor, c)}</td>
            <td class="num">{money(d.lowerMinor, c)}</td>
            <td class="num">{money(d.upperMinor, c)}</td>
          </tr>
        ))}
      </Table>
    </>
  );
}

export function Kpi({ label, value, change }: { label: string; value: string; change?: string }) {
  return (
    <div class="kpi">
      <span class="kpi-label">{label}</span>
      <span class="kpi-value">{value}</span>
      {change !== undefined && <span class="kpi-change muted">{change} vs previous</span>}
    </div>
  );
}
