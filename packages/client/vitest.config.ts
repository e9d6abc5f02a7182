import { defineConfig } from 'vitest/config';

// The package's own tests run in plain Node: the client targets browsers, phones and Node, not only workerd.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
  },
});
