import { ApiError } from './http';

/** What a download needs from the session: a token, and a renewed one after a 401. */
export interface TokenSource {
  accessToken(): Promise<string>;
  refresh(): Promise<string>;
}

/**
 * Fetches a file with the bearer token and hands it to the browser as a blob: a plain link could not
 * carry the token. Answers the name the file was saved under (the server's Content-Disposition, else
 * `fallbackName`).
 */
export async function downloadFile(auth: TokenSource, url: string, accept: string, fallbackName: string) {
  const get = async (token: string) => {
    try {
      return await fetch(url, { headers: { accept, authorization: `Bearer ${token}` } });
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
  const name = fileName(res.headers.get('content-disposition')) ?? fallbackName;
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

export function fileName(disposition: string | null): string | null {
  const match = disposition?.match(/filename="?([^";]+)"?/i);
  return match?.[1] ?? null;
}
