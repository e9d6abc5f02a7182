import { defineConfig } from 'vite';

// Built into the Worker's static assets (public/app), served at /app; the Worker answers deep links
// (/app/live) with index.html (src/routes/web-app.routes.ts). `npm run dev:app` serves it with hot reload
// and sends the API and the realtime socket to the Worker on :8787 (`npm start` in another terminal).
export default defineConfig({
  base: '/app/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: '../public/app',
    emptyOutDir: true,
    target: 'es2022',
    // The basemap (world-atlas TopoJSON) stays a file of its own, fetched after the first render.
    assetsInlineLimit: 4096,
  },
  server: {
    proxy: { '/v1': { target: 'http://127.0.0.1:8787', ws: true } },
  },
});
