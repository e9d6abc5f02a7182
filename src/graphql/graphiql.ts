import type { GraphiQLOptions } from 'graphql-yoga';
import { escapeHtml } from '../lib/html';

/**
 * GraphiQL for local development. yoga's renderer inlines an 8 MB bundle into every page; the same
 * bundle is served from our static assets instead (copied by scripts/copy-assets.mjs), so the page works
 * offline and the Worker bundle stays small.
 */
const BASE = '/vendor/graphiql';

export const graphiqlPage = (options: GraphiQLOptions) => `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>${escapeHtml(options.title ?? 'GraphiQL')}</title>
    <link rel="stylesheet" href="${BASE}/graphiql.css" />
  </head>
  <body id="body" class="no-focus-outline">
    <noscript>You need to enable JavaScript to run GraphiQL.</noscript>
    <div id="root"></div>
    <script>
      self.MonacoEnvironment = {
        globalAPI: false,
        getWorkerUrl: (_moduleId, label) => '${BASE}/' + label + '.worker.js',
      };
    </script>
    <script src="${BASE}/graphiql.js"></script>
    <script>
      YogaGraphiQL.renderYogaGraphiQL(document.querySelector('#root'), ${JSON.stringify(options).replaceAll('<', '\\u003c')});
    </script>
  </body>
</html>`;
