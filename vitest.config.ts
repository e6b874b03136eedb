import { defineConfig } from 'vitest/config';
import { SlowFirstSequencer } from './test/support/sequencer.js';

/**
 * Test files run in parallel, in two pools that run side by side:
 * - "logic" (test/unit, test/contract): pure code and the emulator in-process; worker threads,
 *   DROVER_TEST_LOGIC_AT_ONCE at once (default 2).
 * - "system" (the rest): real Temporal dev servers, tmux, agent CLIs, worker processes; a child
 *   process per file, DROVER_TEST_SYSTEM_AT_ONCE at once (default 3). Safe because every file
 *   owns its resources: its dev server on free ports with its own SQLite file, tmux sockets
 *   named with its process id, its temp directory, Drover home, host id and task queue
 *   (test/support/harness.ts). Most of such a file's time is waiting (agent CLIs booting, idle
 *   timers, leases), so a few at once on 2 cores cut the wall time; more would starve the
 *   timing-bounded ones (leases, heartbeats). 1 runs that pool's files one at a time.
 */
function atOnce(name: string, fallback: number): number {
  const raw = process.env[name];
  const n = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a whole number ≥ 1, not ${JSON.stringify(raw)}`);
  return n;
}

const LOGIC_FILES = ['test/unit/**/*.test.ts', 'test/contract/**/*.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 180_000,
    fileParallelism: true,
    poolOptions: {
      threads: { maxThreads: atOnce('DROVER_TEST_LOGIC_AT_ONCE', 2), minThreads: 1 },
      forks: { maxForks: atOnce('DROVER_TEST_SYSTEM_AT_ONCE', 3), minForks: 1 },
    },
    sequence: { sequencer: SlowFirstSequencer },
    projects: [
      { extends: true, test: { name: 'logic', include: LOGIC_FILES, pool: 'threads' } },
      {
        extends: true,
        test: {
          name: 'system',
          include: ['test/**/*.test.ts'],
          exclude: LOGIC_FILES,
          pool: 'forks',
          // the workflow bundle and the Temporal CLI, once per run instead of once per file
          globalSetup: ['test/support/global-setup.ts'],
        },
      },
    ],
  },
});
