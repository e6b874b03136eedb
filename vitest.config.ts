import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // Integration suites share one tmux server name space and one Temporal dev server per file.
    fileParallelism: false,
    pool: 'forks',
  },
});
