import type { OnlineSalesman, Page, Salesman, Tenant } from '../api/types';
import type { AuthSession } from '../auth/session';
import { PRESENCE } from '../live/presence';
import { href, onLinkClick } from '../ui/router';
import { useLoad } from '../ui/use-load';
import { SalesmanDetail } from './salesman-detail';

/** /app/salesmen: the team with presence; /app/salesmen/<id>: one salesman's day. */
export function SalesmenScreen({ auth, tenant, id }: { auth: AuthSession; tenant: Tenant; id: string | null }) {
  if (id) return <SalesmanDetail auth={auth} tenant={tenant} id={id} key={id} />;
  return <SalesmenList auth={auth} />;
}

async function loadTeam(auth: AuthSession) {
  const rows: Salesman[] = [];
  let cursor: string | null = null;
  do {
    const page: Page<Salesman> = await auth.fetch<Page<Salesman>>(
      `/v1/salesmen?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    rows.push(...page.data);
    cursor = page.nextCursor;
  } while (cursor && rows.length < 5_000);
  const online = await auth.fetch<{ data: OnlineSalesman[] }>('/v1/salesmen/online');
  const status = new Map(online.data.map((o) => [o.salesmanId, o.status]));
  return rows
    .map((s) => ({ ...s, status: status.get(s.id) ?? ('offline' as const) }))
    .sort((a, b) => Number(b.active) - Number(a.active) || a.name.localeCompare(b.name));
}

function SalesmenList({ auth }: { auth: AuthSession }) {
  const [team, reload] = useLoad(() => loadTeam(auth), 'team');
  return (
    <main class="page" data-testid="salesmen-screen">
      <header class="page-head">
        <h1>Salesmen</h1>
      </header>
      {team.state === 'loading' && (
        <p class="muted" aria-busy="true">
          Loading the team…
        </p>
      )}
      {team.state === 'error' && (
        <div class="error" role="alert">
          <p>The team could not be loaded: {team.message}</p>
          <button type="button" class="button secondary" onClick={reload}>
            Retry
          </button>
        </div>
      )}
      {team.state === 'ready' && team.value.length === 0 && <p class="muted">No salesmen yet.</p>}
      {team.state === 'ready' && team.value.length > 0 && (
        <table class="table panel" data-testid="salesmen">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Code</th>
              <th scope="col">Now</th>
            </tr>
          </thead>
          <tbody>
            {team.value.map((s) => (
              <tr key={s.id} data-salesman-id={s.id}>
                <td>
                  <a href={href('salesmen', s.id)} onClick={onLinkClick}>
                    {s.name}
                  </a>
                  {!s.active && <span class="muted"> (inactive)</span>}
                </td>
                <td>{s.employeeCode ?? '–'}</td>
                <td>
                  <span class="presence-dot" style={{ background: PRESENCE[s.status].colour }} aria-hidden="true" />{' '}
                  {PRESENCE[s.status].label}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}
