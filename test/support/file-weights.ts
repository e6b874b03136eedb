/**
 * Wall-clock seconds of the slow test files (≥ 15 s) from a serial run on a loaded 2-core machine
 * (`vitest --reporter=json`, 2026-12-02, load average 0.3 rising to ~38).
 * Only the order matters (SlowFirstSequencer starts the heaviest first), so a stale figure costs
 * some wall time, never a result. A file not listed counts as light.
 */
const SLOW_FILE_SECONDS: Readonly<Record<string, number>> = {
  'test/workflows/test-slot.test.ts': 418,
  'test/workflows/pr-fix.test.ts': 350,
  'test/workflows/agent-gemini.test.ts': 283,
  'test/integration/codec-server.test.ts': 217,
  'test/workflows/manifest.test.ts': 135,
  'test/workflows/hosts.test.ts': 118,
  'test/unit/manifest-fuzz.test.ts': 109,
  'test/integration/worktree-pool.test.ts': 106,
  'test/workflows/agent-task.test.ts': 101,
  'test/workflows/manifest-crash.test.ts': 92,
  'test/e2e/plan.test.ts': 66,
  'test/workflows/chaos-short.test.ts': 62,
  'test/workflows/task-messages.test.ts': 75,
  'test/workflows/abort-budget.test.ts': 68,
  'test/e2e/cli.test.ts': 62,
  'test/workflows/agent-sim.test.ts': 43,
  'test/workflows/hardening.test.ts': 45,
  'test/integration/dev-server.test.ts': 41,
  'test/integration/model-server.test.ts': 35,
  'test/e2e/task-options.test.ts': 33,
  'test/workflows/agent-gemini-chain.test.ts': 28,
  'test/workflows/ecosystems.test.ts': 30,
  'test/workflows/setup-ports.test.ts': 30,
  'test/workflows/pr-monitor.test.ts': 26,
  'test/workflows/worker-crash.test.ts': 26,
  'test/integration/github-emulator.test.ts': 23,
  'test/integration/model-server-gemini.test.ts': 21,
  'test/workflows/agent-codex.test.ts': 20,
  'test/e2e/doctor.test.ts': 19,
  'test/integration/watch-actions.test.ts': 17,
  'test/unit/identifiers.test.ts': 17,
};

export function fileWeight(relativePath: string): number {
  return SLOW_FILE_SECONDS[relativePath.split('\\').join('/')] ?? 0;
}
