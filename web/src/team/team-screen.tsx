import type { ComponentChildren } from 'preact';
import { loadAll } from '../api/pages';
import type { Tenant, User } from '../api/types';
import { can } from '../auth/permissions';
import type { AuthSession } from '../auth/session';
import { LoadError, Loading } from '../ui/load-state';
import { href, onLinkClick } from '../ui/router';
import { type Loaded, useLoad } from '../ui/use-load';
import { SalesmenPanel } from './salesmen-panel';
import type { SalesmanRecord, TerritoryRecord, UserRecord } from './team-types';
import { TerritoriesPanel } from './territories-panel';
import { UsersPanel } from './users-panel';
import '../ui/forms.css';
import './team.css';

const TABS = [
  { tab: 'users', label: 'Users' },
  { tab: 'salesmen', label: 'Salesmen' },
  { tab: 'territories', label: 'Territories' },
] as const;
type Tab = (typeof TABS)[number]['tab'];

/** /app/team[/salesmen|/territories]: users and roles, salesman profiles, territories on the map. */
export function TeamScreen({
  auth,
  user,
  tenant,
  tab: asked,
}: {
  auth: AuthSession;
  user: User;
  tenant: Tenant;
  tab: string | null;
}) {
  const readsUsers = can(user.role, 'users:read');
  const tabs = TABS.filter((t) => t.tab !== 'users' || readsUsers);
  const tab: Tab = tabs.find((t) => t.tab === asked)?.tab ?? tabs[0]?.tab ?? 'salesmen';
  const [users, reloadUsers] = useLoad(
    () => (readsUsers ? loadAll<UserRecord>(auth, '/v1/users?sort=name') : Promise.resolve(null)),
    'users',
    true,
  );
  const [salesmen, reloadSalesmen] = useLoad(
    () => loadAll<SalesmanRecord>(auth, '/v1/salesmen?sort=name'),
    'salesmen',
    true,
  );
  const [territories, reloadTerritories] = useLoad(
    () => loadAll<TerritoryRecord>(auth, '/v1/territories?sort=name'),
    'territories',
    true,
  );
  const reloadPeople = () => {
    reloadUsers();
    reloadSalesmen();
  };
  const reloadAll = () => {
    reloadPeople();
    reloadTerritories();
  };

  return (
    <main class="page" data-testid="team-screen">
      <header class="page-head">
        <h1>Team</h1>
      </header>
      <nav class="tabs" aria-label="Team">
        {tabs.map((t) => (
          <a
            key={t.tab}
            href={href('team', t.tab === 'users' ? null : t.tab)}
            onClick={onLinkClick}
            aria-current={t.tab === tab ? 'page' : undefined}
          >
            {t.label}
          </a>
        ))}
      </nav>
      {tab === 'users' && (
        <Ready what="The users" items={[users]} retry={reloadUsers}>
          {() =>
            users.state === 'ready' &&
            users.value && (
              <UsersPanel
                auth={auth}
                me={user}
                tenant={tenant}
                users={users.value}
                territories={territories.state === 'ready' ? territories.value : []}
                reload={reloadPeople}
              />
            )
          }
        </Ready>
      )}
      {tab === 'salesmen' && (
        <Ready what="The salesmen" items={[salesmen, territories]} retry={reloadAll}>
          {() =>
            salesmen.state === 'ready' &&
            territories.state === 'ready' && (
              <SalesmenPanel
                auth={auth}
                salesmen={salesmen.value}
                territories={territories.value}
                users={users.state === 'ready' ? users.value : null}
                canWrite={can(user.role, 'salesmen:write')}
                canCreateUsers={can(user.role, 'users:write')}
                reload={reloadPeople}
              />
            )
          }
        </Ready>
      )}
      {tab === 'territories' && (
        <Ready what="The territories" items={[territories, salesmen]} retry={reloadAll}>
          {() =>
            territories.state === 'ready' &&
            salesmen.state === 'ready' && (
              <TerritoriesPanel
                auth={auth}
                territories={territories.value}
                salesmen={salesmen.value}
                canWrite={can(user.role, 'territories:write')}
                reload={reloadTerritories}
              />
            )
          }
        </Ready>
      )}
    </main>
  );
}

/** Renders `children` once every load is ready; else the first one's loading or error state. */
function Ready({
  what,
  items,
  retry,
  children,
}: {
  what: string;
  items: Loaded<unknown>[];
  retry: () => void;
  children: () => ComponentChildren;
}) {
  const failed = items.find((i) => i.state === 'error');
  if (failed?.state === 'error') return <LoadError what={what} message={failed.message} retry={retry} />;
  if (items.some((i) => i.state === 'loading')) return <Loading what={what.replace(/^The /, 'the ')} />;
  return <>{children()}</>;
}
