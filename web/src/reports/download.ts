import { downloadFile } from '../api/download';
import type { AuthSession } from '../auth/session';

export type ExportFormat = 'csv' | 'pdf';

const ACCEPT: Record<ExportFormat, string> = { csv: 'text/csv', pdf: 'application/pdf' };

/** Downloads a report's export (`?format=csv|pdf`, the same URL as its JSON) with the bearer token. */
export function downloadExport(auth: AuthSession, path: string, format: ExportFormat): Promise<string> {
  const url = `${path}${path.includes('?') ? '&' : '?'}format=${format}`;
  return downloadFile(auth, url, ACCEPT[format], `report.${format}`);
}
