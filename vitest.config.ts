import { defineConfig } from 'vitest/config';
import { SlowFirstSequencer } from './test/support/sequencer.js';

/**
 * Test files run in parallel, each in its own process. That is safe because every file owns its
 * resources: its Temporal dev server on free ports with its own SQLite file, its tmux sockets
 * (named with the process id), its temp directory, Drover home, host id and task queue
 * (test/support/harness.ts). Most of a slow file's time is waiting (agent CLIs booting, idle
 * timers, leases), so a few at once on 2 cores cut the wall time without starving any of them.
 * DROVER_TEST_FILES_AT_ONCE overrides the number (1 runs the files one at a time, as before).
 */
const filesAtOnce = Number(process.env.DROVER_TEST_FILES_AT_ONCE ?? 4);
if (!Number.isInteger(filesAtOnce) || filesAtOnce < 1) {
  throw new Error(`DROVER_TEST_FILES_AT_ONCE must be a whole number ≥ 1, not ${JSON.stringify(process.env.DROVER_TEST_FILES_AT_ONCE)}`);
}

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    fileParallelism: filesAtOnce > 1,
    maxWorkers: filesAtOnce,
    minWorkers: 1,
    // the workflow bundle and the Temporal CLI, once per run instead of once per file
    globalSetup: ['test/support/global-setup.ts'],
    sequence: { sequencer: SlowFirstSequencer },
  },
});
