import type { Tenant } from '../api/types';
import { localDateTime, num } from '../ui/format';
import { LoadError, Loading } from '../ui/load-state';
import { href, onLinkClick } from '../ui/router';
import type { Loaded } from '../ui/use-load';
import { type ImportJob, KINDS } from './import-model';

/** Past imports, newest first, each opening its result. */
export function ImportHistory({
  imports,
  tenant,
  currentId,
  reload,
}: {
  imports: Loaded<ImportJob[]>;
  tenant: Tenant;
  currentId: string | null;
  reload: () => void;
}) {
  return (
    <section class="panel" aria-labelledby="history-heading" data-testid="import-history">
      <h2 id="history-heading">Past imports</h2>
      {imports.state === 'loading' && <Loading what="past imports" />}
      {imports.state === 'error' && <LoadError what="Past imports" message={imports.message} retry={reload} />}
      {imports.state === 'ready' && imports.value.length === 0 && <p class="muted">No imports yet.</p>}
      {imports.state === 'ready' && imports.value.length > 0 && (
        <div class="table-scroll">
          <table class="table">
            <caption class="visually-hidden">Past imports</caption>
            <thead>
              <tr>
                <th scope="col">File</th>
                <th scope="col">Kind</th>
                <th scope="col">When</th>
                <th scope="col">Status</th>
                <th scope="col" class="num">
                  Created
                </th>
                <th scope="col" class="num">
                  Updated
                </th>
                <th scope="col" class="num">
                  Invalid
                </th>
              </tr>
            </thead>
            <tbody>
              {imports.value.map((j) => (
                <tr key={j.id} data-import-id={j.id} aria-current={j.id === currentId ? 'true' : undefined}>
                  <th scope="row">
                    <a href={href('import', j.id)} onClick={onLinkClick}>
                      {j.fileName ?? 'Unnamed file'}
                    </a>
                  </th>
                  <td>{KINDS[j.kind]?.label ?? j.kind}</td>
                  <td>{localDateTime(j.createdAt, tenant.timezone)}</td>
                  <td>{j.status}</td>
                  <td class="num">{num(j.createdRows)}</td>
                  <td class="num">{num(j.updatedRows)}</td>
                  <td class="num">{num(j.failedRows)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
