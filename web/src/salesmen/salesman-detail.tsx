import { useEffect, useState } from 'preact/hooks';
import type { OnlineSalesman, Tenant } from '../api/types';
import type { AuthSession } from '../auth/session';
import { ago, PRESENCE } from '../live/presence';
import { localTime, money, num, pct } from '../ui/format';
import { href, onLinkClick } from '../ui/router';
import { useLoad } from '../ui/use-load';
import { RouteMap, VERDICT } from './route-map';
import { loadSalesmanDay, type SalesmanDay } from './salesman-data';

/** One salesman's day: presence, route on the map, visits with their verdicts, orders, target attainment. */
export function SalesmanDetail({ auth, tenant, id }: { auth: AuthSession; tenant: Tenant; id: string }) {
  const [day, reload] = useLoad(() => loadSalesmanDay(auth, tenant, id), id, true);
  const presence = usePresence(auth, id);
  return (
    <main class="page" data-testid="salesman-screen">
      <p class="crumbs">
        <a href={href('salesmen')} onClick={onLinkClick}>
          ← All salesmen
        </a>
      </p>
      {day.state === 'loading' && (
        <p class="muted" aria-busy="true">
          Loading his day…
        </p>
      )}
      {day.state === 'error' && (
        <div class="error" role="alert">
          <p>His day could not be loaded: {day.message}</p>
          <button type="button" class="button secondary" onClick={reload}>
            Retry
          </button>
        </div>
      )}
      {day.state === 'ready' && (
        <Day
          day={day.value}
          presence={presence === undefined ? day.value.presence : presence}
          tenant={tenant}
          onReload={reload}
        />
      )}
    </main>
  );
}

/** How often his status and position are read again while the screen is open. */
const PRESENCE_POLL_MS = 15_000;

/** His presence, read again every few seconds (undefined until the first poll answers). */
function usePresence(auth: AuthSession, id: string): OnlineSalesman | null | undefined {
  const [presence, setPresence] = useState<OnlineSalesman | null | undefined>(undefined);
  useEffect(() => {
    let alive = true;
    const poll = () =>
      auth.fetch<{ data: OnlineSalesman[] }>('/v1/salesmen/online').then(
        (online) => alive && setPresence(online.data.find((o) => o.salesmanId === id) ?? null),
        // A failed poll keeps the last known status; the next one may succeed.
        () => {},
      );
    const timer = setInterval(poll, PRESENCE_POLL_MS);
    return () => {
      alive = false;
      clearInterval(timer);
    };
  }, [auth, id]);
  return presence;
}

function Day({
  day,
  presence,
  tenant,
  onReload,
}: {
  day: SalesmanDay;
  presence: OnlineSalesman | null;
  tenant: Tenant;
  onReload: () => void;
}) {
  const { salesman } = day;
  const status = presence?.status ?? 'offline';
  const tz = tenant.timezone;
  return (
    <>
      <header class="page-head">
        <h1 data-testid="salesman-name">{salesman.name}</h1>
        <span class="status-pill" data-testid="salesman-status" data-status={status}>
          <span class="presence-dot" style={{ background: PRESENCE[status].colour }} aria-hidden="true" />
          {PRESENCE[status].label}
          {presence?.location ? ` · fix ${ago(presence.location.ts)}` : ''}
        </span>
        {salesman.employeeCode && <span class="muted">{salesman.employeeCode}</span>}
        {!salesman.active && <span class="muted">(inactive)</span>}
        <span class="spacer" />
        <span class="muted">Today, {day.today}</span>
        <button type="button" class="button secondary" onClick={onReload}>
          Refresh
        </button>
      </header>
      <div class="salesman-body">
        <section aria-labelledby="route-heading" class="panel">
          <h2 id="route-heading">Route today</h2>
          <div class="map-wrap">
            <RouteMap visits={day.visits} presence={presence} />
            {day.visits.every((v) => v.checkInLat === null) && !presence?.location && (
              <p class="map-note muted">No check-in or position today yet.</p>
            )}
          </div>
        </section>
        <div class="salesman-side">
          <Targets day={day} currency={tenant.currency} />
          <section aria-labelledby="visits-heading" class="panel">
            <h2 id="visits-heading">Visits today ({day.visits.length})</h2>
            {day.visits.length === 0 ? (
              <p class="muted" data-testid="visits-empty">
                No visits today.
              </p>
            ) : (
              <table class="table" data-testid="visits">
                <thead>
                  <tr>
                    <th scope="col">#</th>
                    <th scope="col">Customer</th>
                    <th scope="col">Check-in</th>
                    <th scope="col">Verdict</th>
                    <th scope="col">Status</th>
                  </tr>
                </thead>
                <tbody>
                  {day.visits.map((v, i) => (
                    <tr key={v.id} data-visit-id={v.id} data-verdict={v.verdict ?? ''}>
                      <td>{i + 1}</td>
                      <td>{day.customers.get(v.customerId) ?? v.customerId}</td>
                      <td>
                        {v.checkInAt
                          ? localTime(v.checkInAt, tz)
                          : v.plannedAt
                            ? `planned ${localTime(v.plannedAt, tz)}`
                            : '–'}
                      </td>
                      <td>
                        {v.verdict ? (
                          <span class="verdict" style={{ color: VERDICT[v.verdict]?.colour }}>
                            {VERDICT[v.verdict]?.label}
                            {v.checkInDistanceM !== null ? ` (${num(v.checkInDistanceM)} m)` : ''}
                          </span>
                        ) : (
                          '–'
                        )}
                      </td>
                      <td>{v.status.replace('_', ' ')}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
          <section aria-labelledby="orders-heading" class="panel">
            <h2 id="orders-heading">Orders today ({day.orders.length})</h2>
            {day.orders.length === 0 ? (
              <p class="muted" data-testid="orders-empty">
                No orders today.
              </p>
            ) : (
              <table class="table" data-testid="orders">
                <thead>
                  <tr>
                    <th scope="col">Time</th>
                    <th scope="col">Customer</th>
                    <th scope="col">Status</th>
                    <th scope="col" class="num">
                      Total
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {day.orders.map((o) => (
                    <tr key={o.id} data-order-id={o.id}>
                      <td>{localTime(o.orderedAt, tz)}</td>
                      <td>{day.customers.get(o.customerId) ?? o.customerId}</td>
                      <td>{o.status}</td>
                      <td class="num">{money(o.totalMinor, o.currency)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        </div>
      </div>
    </>
  );
}

function Targets({ day, currency }: { day: SalesmanDay; currency: string }) {
  return (
    <section aria-labelledby="targets-heading" class="panel" data-testid="targets">
      <h2 id="targets-heading">Targets</h2>
      {day.targets.length === 0 && <p class="muted">No target runs today.</p>}
      {day.targets.map((t) => {
        const a = t.attainment;
        return (
          <div key={t.id} class="target" data-target-id={t.id}>
            <p class="target-title">
              {t.periodType} {t.periodStart} – {t.periodEnd}
              {a && <span class="muted"> · {pct(a.elapsedPct)} of the period elapsed</span>}
            </p>
            <Meter
              label={`Revenue ${money(a?.revenueMinor ?? null, currency)} of ${money(t.revenueGoalMinor, currency)}`}
              value={a?.revenuePct ?? null}
              elapsed={a?.elapsedPct ?? null}
            />
            <Meter
              label={`Visits ${a?.visits ?? '–'} of ${t.visitGoal}`}
              value={a?.visitPct ?? null}
              elapsed={a?.elapsedPct ?? null}
            />
          </div>
        );
      })}
    </section>
  );
}

/** A bar of attainment, with a tick where it would be if on pace with the elapsed time. */
function Meter({ label, value, elapsed }: { label: string; value: number | null; elapsed: number | null }) {
  return (
    <div class="meter-row">
      <span>
        {label}: <strong>{pct(value)}</strong>
      </span>
      <div class="meter" aria-hidden="true">
        <span class="meter-fill" style={{ width: `${Math.min(100, value ?? 0)}%` }} />
        {elapsed !== null && <span class="meter-pace" style={{ left: `${Math.min(100, elapsed)}%` }} title="On pace" />}
      </div>
    </div>
  );
}
