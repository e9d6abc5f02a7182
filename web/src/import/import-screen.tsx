import type { Page, Tenant, User } from '../api/types';
import { can } from '../auth/permissions';
import type { AuthSession } from '../auth/session';
import { href, onLinkClick } from '../ui/router';
import { useLoad } from '../ui/use-load';
import { ImportForm } from './import-form';
import { ImportHistory } from './import-history';
import type { ImportJob } from './import-model';
import { ImportView } from './import-view';
import '../ui/forms.css';
import './import.css';

/** /app/import: a CSV of customers or products; /app/import/<id>: one import's progress and result. */
export function ImportScreen({
  auth,
  user,
  tenant,
  id,
}: {
  auth: AuthSession;
  user: User;
  tenant: Tenant;
  id: string | null;
}) {
  const [imports, reload] = useLoad(
    () => auth.fetch<Page<ImportJob>>('/v1/imports?limit=20').then((page) => page.data),
    'imports',
    true,
  );
  const writes = can(user.role, 'customers:write') || can(user.role, 'products:write');
  return (
    <main class="page" data-testid="import-screen">
      <header class="page-head">
        <h1>Import</h1>
        {id && (
          <a class="button secondary" href={href('import')} onClick={onLinkClick}>
            Import another file
          </a>
        )}
      </header>
      <div class="import-body">
        {id ? (
          <ImportView key={id} auth={auth} tenant={tenant} id={id} onFinished={reload} />
        ) : writes ? (
          <ImportForm auth={auth} onStarted={reload} />
        ) : (
          <p class="panel muted">Imports are for managers and above.</p>
        )}
        <ImportHistory imports={imports} tenant={tenant} currentId={id} reload={reload} />
      </div>
    </main>
  );
}
