import { Hono } from 'hono';
import type { AppEnv } from '../env';

/**
 * The web app's deep links. Its files (public/app, built by `npm run build:app`) are static assets the
 * runtime serves before the Worker runs; a path under /app that is no file (/app/live, /app/reports/rfm)
 * is one of the app's own screens, so it gets the app's index.html and the app routes in the browser.
 * A missing file (a name with an extension, e.g. a stale /app/assets/*.js) stays a 404.
 */
export const webAppRouter = new Hono<AppEnv>().get('/*', async (c) => {
  const last = c.req.path.slice(c.req.path.lastIndexOf('/') + 1);
  if (last.includes('.')) return c.notFound();
  // `/app/` (not /app/index.html, which the assets' trailing-slash handling answers with a redirect).
  const shell = await c.env.ASSETS.fetch(new URL('/app/', c.req.url));
  if (!shell.ok) return c.notFound();
  return new Response(shell.body, {
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' },
  });
});
