import { ApiError } from '../api/http';
import type { AuthSession } from '../auth/session';

export type ExportFormat = 'csv' | 'pdf';

const ACCEPT: Record<ExportFormat, string> = { csv: 'text/csv', pdf: 'application/pdf' };

/**
 * Downloads a report's export (`?format=csv|pdf`, the same URL as its JSON) with the bearer token, and
 * hands the file to the browser as a blob: a plain link could not carry the token.
 */
export async function downloadExport(auth: AuthSession, path: string, format: ExportFormat): Promise<string> {
  const url = `${path}${path.includes('?') ? '&' : '?'}format=${format}`;
  const get = async (token: string) => {
    try {
      return await fetch(url, { headers: { accept: ACCEPT[format], authorization: `Bearer ${token}` } });
    } catch {
      throw new ApiError(0, { status: 0, title: 'Network error', detail: 'The server cannot be reached' });
    }
  };
  let res = await get(await auth.accessToken());
  if (res.status === 401) res = await get(await auth.refresh());
  if (!res.ok) {
    const problem = await res.json().catch(() => ({ status: res.status, title: res.statusText }));
    throw new ApiError(res.status, { ...problem, status: res.status });
  }
  const name = fileName(res.headers.get('content-disposition')) ?? `report.${format}`;
  const blob = await res.blob();
  const href = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = href;
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  // Revoke once the browser has started the download.
  setTimeout(() => URL.revokeObjectURL(href), 30_000);
  return name;
}

function fileName(disposition: string | null): string | null {
  const match = disposition?.match(/filename="?([^";]+)"?/i);
  return match?.[1] ?? null;
}
