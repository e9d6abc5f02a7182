import { href, onLinkClick } from '../ui/router';
import type { LiveSalesman, Loadable } from './live-model';
import { ago, PRESENCE } from './presence';

const ORDER = { on_visit: 0, online: 1, idle: 2, offline: 3 } as const;

/** The team, those in the field first; each row says his presence and how old his last fix is. */
export function TeamList({ salesmen, now }: { salesmen: Loadable<Map<string, LiveSalesman>>; now: number }) {
  if (salesmen.state === 'loading') {
    return (
      <p class="muted" aria-busy="true">
        Loading the team…
      </p>
    );
  }
  if (salesmen.state === 'error') {
    return (
      <p class="error" role="alert">
        The team could not be loaded: {salesmen.message}
      </p>
    );
  }
  const team = [...salesmen.value.values()].sort(
    (a, b) => ORDER[a.status] - ORDER[b.status] || a.name.localeCompare(b.name),
  );
  if (team.length === 0) return <p class="muted">No salesmen yet. Add them under Team to see them here.</p>;
  const inField = team.filter((s) => s.status !== 'offline').length;
  return (
    <>
      <p class="muted" data-testid="team-count">
        {inField} of {team.length} in the field
      </p>
      <ul class="team" data-testid="team">
        {team.map((s) => (
          <li key={s.id} data-salesman-id={s.id} data-status={s.status}>
            <span class="presence-dot" style={{ background: PRESENCE[s.status].colour }} aria-hidden="true" />
            <a class="team-name" href={href('salesmen', s.id)} onClick={onLinkClick}>
              {s.name}
            </a>
            <span class="team-status">
              {PRESENCE[s.status].label}
              {s.location ? ` · fix ${ago(s.location.ts, now)}` : ''}
            </span>
          </li>
        ))}
      </ul>
    </>
  );
}
