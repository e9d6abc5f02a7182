import { env, exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';

const get = (path: string, headers: Record<string, string> = {}) =>
  exports.default.fetch(new Request(`https://fieldline.test${path}`, { headers }));

/**
 * The web app's deep links (src/routes/web-app.routes.ts): a path under /app that is no file answers the
 * app's index.html (the same document the assets serve at /app/), while the API keeps its 404s.
 */
describe('web app deep links', () => {
  it('answers a screen path with the index.html the assets serve at /app/', async () => {
    const shell = await env.ASSETS.fetch('https://fieldline.test/app/');
    const res = await get('/app/live', { accept: 'text/html' });
    if (!shell.ok) {
      // public/app not built (npm run build:app): the deep link is a plain 404, never a blank page.
      expect(res.status).toBe(404);
      return;
    }
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const html = await res.text();
    expect(html).toBe(await shell.text());
    expect(html).toContain('<div id="root">');
    const nested = await get('/app/live/some/deeper/path');
    expect(nested.status).toBe(200);
  });

  it('leaves a missing file under /app a problem+json 404', async () => {
    const res = await get('/app/assets/gone-0000.js');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const body = (await res.json()) as { code: string };
    expect(body.code).toBe('NOT_FOUND');
  });

  it('keeps unknown API routes problem+json 404s', async () => {
    for (const path of ['/v1/no-such-thing', '/v1/app/live', '/live']) {
      const res = await get(path, { accept: 'text/html' });
      expect(res.status, path).toBe(404);
      expect(res.headers.get('content-type'), path).toContain('application/problem+json');
    }
  });
});
