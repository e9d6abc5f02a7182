import { defineConfig } from 'vitest/config';

// The app's plain modules (session, routing) in Node; the screens themselves are tested in Chromium
// by `npm run test:browser`.
export default defineConfig({
  test: { include: ['test/**/*.test.ts'], environment: 'node' },
});
