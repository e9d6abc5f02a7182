/**
 * The API reference page. The Scalar bundle is served from our own static assets (copied from
 * node_modules by scripts/copy-assets.mjs), so the page works without internet access.
 */
export const docsPage = (specUrl: string) => `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Fieldline API reference</title>
  </head>
  <body>
    <div id="app"></div>
    <script src="/vendor/scalar-api-reference.js"></script>
    <script>
      // Self-hosted: no cloud features (the AI agent and MCP generation need Scalar's servers).
      Scalar.createApiReference('#app', {
        url: ${JSON.stringify(specUrl)},
        withDefaultFonts: false,
        hideClientButton: true,
        agent: { disabled: true },
        mcp: { disabled: true },
      });
    </script>
  </body>
</html>`;
