import { useEffect, useMemo, useState } from 'preact/hooks';
import type { User } from '../api/types';
import { type AuthSession, canManage } from '../auth/session';
import { ConnectionIndicator } from './connection-indicator';
import { EventFeed } from './event-feed';
import { KpiTiles } from './kpi-tiles';
import { LiveMap } from './live-map';
import { LiveModel } from './live-model';
import { NotifyForm } from './notify-form';
import { TeamList } from './team-list';

/** Re-renders on every model change, and every few seconds so "fix 12 s ago" ages. */
function useLiveModel(auth: AuthSession): { model: LiveModel; now: number } {
  const model = useMemo(() => new LiveModel(auth), [auth]);
  const [, setVersion] = useState(0);
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    let scheduled = false;
    // Fixes can arrive many times a second: render at most once per animation frame.
    const stop = model.onChange(() => {
      if (scheduled) return;
      scheduled = true;
      requestAnimationFrame(() => {
        scheduled = false;
        setVersion((v) => v + 1);
      });
    });
    const clock = setInterval(() => setNow(Date.now()), 5_000);
    model.start();
    return () => {
      stop();
      clearInterval(clock);
      model.stop();
    };
  }, [model]);
  return { model, now };
}

export function LiveScreen({ auth, user }: { auth: AuthSession; user: User }) {
  const { model, now } = useLiveModel(auth);
  const team = model.salesmen.state === 'ready' ? model.salesmen.value : null;
  const currency = model.kpis.state === 'ready' ? model.kpis.value.meta.currency : null;
  return (
    <main class="live" data-testid="live-screen">
      <header class="live-head">
        <h1>Live</h1>
        <ConnectionIndicator state={model.connection} retryInMs={model.retryInMs} />
        {canManage(user.role) && <NotifyForm auth={auth} />}
      </header>
      <KpiTiles kpis={model.kpis} />
      <div class="live-body">
        <LiveMap
          auth={auth}
          model={model}
          territories={model.territories.state === 'ready' ? model.territories.value : null}
        />
        <aside class="side">
          <section aria-labelledby="team-heading">
            <h2 id="team-heading">Team</h2>
            <TeamList salesmen={model.salesmen} now={now} />
          </section>
          <section aria-labelledby="feed-heading">
            <h2 id="feed-heading">Live events</h2>
            <EventFeed items={model.feed} team={team} currency={currency} />
          </section>
        </aside>
      </div>
    </main>
  );
}
