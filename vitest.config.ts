import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // CI has 2 cores: two workers keep the suite quick without starving tests that spawn tools.
    maxWorkers: 2,
  },
});
