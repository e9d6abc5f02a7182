import { loadAll } from '../api/pages';
import type { Tenant, User } from '../api/types';
import { can, canManageReports } from '../auth/permissions';
import type { AuthSession } from '../auth/session';
import { LoadError, Loading } from '../ui/load-state';
import { href, onLinkClick } from '../ui/router';
import { useLoad } from '../ui/use-load';
import { ApiKeysPanel } from './api-keys-panel';
import { OrganisationForm } from './organisation-form';
import type { ApiKey, ReportSubscription, TenantSettings } from './settings-types';
import { SubscriptionsPanel } from './subscriptions-panel';
import { TwoFactorPanel } from './two-factor-panel';
import '../ui/forms.css';
import './settings.css';

type Tab = 'organisation' | 'security' | 'api-keys' | 'report-emails';

/** /app/settings[/api-keys|/report-emails]: the organisation, integrations' keys and scheduled report e-mails. */
export function SettingsScreen({
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
  const tabs: { tab: Tab; label: string }[] = [
    { tab: 'organisation', label: 'Organisation' },
    { tab: 'security', label: 'Security' },
    ...(can(user.role, 'api_keys:manage') ? [{ tab: 'api-keys' as const, label: 'API keys' }] : []),
    ...(canManageReports(user.role) ? [{ tab: 'report-emails' as const, label: 'Report e-mails' }] : []),
  ];
  const tab = tabs.find((t) => t.tab === asked)?.tab ?? 'organisation';
  return (
    <main class="page" data-testid="settings-screen">
      <header class="page-head">
        <h1>Settings</h1>
      </header>
      <nav class="tabs" aria-label="Settings">
        {tabs.map((t) => (
          <a
            key={t.tab}
            href={href('settings', t.tab === 'organisation' ? null : t.tab)}
            onClick={onLinkClick}
            aria-current={t.tab === tab ? 'page' : undefined}
          >
            {t.label}
          </a>
        ))}
      </nav>
      {asked && asked !== tab && (
        <p class="muted" role="status">
          That part of the settings is for other roles; here is the organisation.
        </p>
      )}
      {tab === 'organisation' && <Organisation auth={auth} user={user} />}
      {tab === 'security' && <TwoFactorPanel auth={auth} />}
      {tab === 'api-keys' && <ApiKeys auth={auth} user={user} tenant={tenant} />}
      {tab === 'report-emails' && <ReportEmails auth={auth} />}
    </main>
  );
}

function Organisation({ auth, user }: { auth: AuthSession; user: User }) {
  const [settings, reload] = useLoad(() => auth.fetch<TenantSettings>('/v1/tenant'), 'tenant', true);
  if (settings.state === 'loading') return <Loading what="the settings" />;
  if (settings.state === 'error') return <LoadError what="The settings" message={settings.message} retry={reload} />;
  return (
    <OrganisationForm
      key={settings.value.id}
      auth={auth}
      settings={settings.value}
      canWrite={can(user.role, 'tenant:write')}
      reload={reload}
    />
  );
}

function ApiKeys({ auth, user, tenant }: { auth: AuthSession; user: User; tenant: Tenant }) {
  const [keys, reload] = useLoad(() => loadAll<ApiKey>(auth, '/v1/api-keys?sort=-createdAt'), 'keys', true);
  if (keys.state === 'loading') return <Loading what="the API keys" />;
  if (keys.state === 'error') return <LoadError what="The API keys" message={keys.message} retry={reload} />;
  return <ApiKeysPanel auth={auth} role={user.role} tenant={tenant} keys={keys.value} reload={reload} />;
}

function ReportEmails({ auth }: { auth: AuthSession }) {
  const [subs, reload] = useLoad(() => loadAll<ReportSubscription>(auth, '/v1/report-subscriptions'), 'subs', true);
  if (subs.state === 'loading') return <Loading what="the report e-mails" />;
  if (subs.state === 'error') return <LoadError what="The report e-mails" message={subs.message} retry={reload} />;
  return <SubscriptionsPanel auth={auth} subscriptions={subs.value} reload={reload} />;
}
