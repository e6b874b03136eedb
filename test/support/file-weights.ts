/**
 * Wall-clock seconds of the slow test files (≥ 15 s) from a full run, 3 system files at once, on a
 * 2-core machine loaded by other work (`vitest --reporter=json`, 2026-12-02, load average ~10).
 * Only the order matters (SlowFirstSequencer starts the heaviest first), so a stale figure costs
 * some wall time, never a result. A file not listed counts as light.
 */
const SLOW_FILE_SECONDS: Readonly<Record<string, number>> = {
  'test/workflows/pr-fix.test.ts': 238,
  'test/workflows/manifest.test.ts': 191,
  'test/e2e/demo-pipeline.test.ts': 169,
  'test/workflows/test-slot.test.ts': 152,
  'test/workflows/agent-task.test.ts': 132,
  'test/workflows/hosts.test.ts': 126,
  'test/workflows/agent-gemini.test.ts': 120,
  'test/workflows/manifest-crash.test.ts': 103,
  'test/e2e/cli.test.ts': 94,
  'test/workflows/hardening.test.ts': 78,
  'test/e2e/board.test.ts': 83, // alone, at a load average of ~10
  'test/e2e/task-options.test.ts': 77,
  'test/workflows/pr-restack.test.ts': 65,
  'test/workflows/pr-pipeline.test.ts': 59,
  'test/e2e/pr-cli.test.ts': 56,
  'test/workflows/chaos-short.test.ts': 56,
  'test/workflows/merge-queue.test.ts': 44,
  'test/workflows/agent-gemini-chain.test.ts': 42,
  'test/workflows/agent-sim.test.ts': 35,
  'test/contract/github-pr-pipeline.test.ts': 33,
  'test/integration/dev-server.test.ts': 32,
  'test/e2e/plan.test.ts': 27,
  'test/workflows/worker-crash.test.ts': 24,
  'test/workflows/task-logic.test.ts': 23,
  'test/integration/model-server-gemini.test.ts': 20,
  'test/workflows/agent-chain.test.ts': 20,
  'test/workflows/agent-codex.test.ts': 20,
  'test/contract/github-rest.test.ts': 17,
  'test/integration/worktree-pool.test.ts': 17,
  'test/contract/pr-open.test.ts': 16,
  'test/integration/watch-actions.test.ts': 16,
  'test/workflows/pr-monitor.test.ts': 15,
};

export function fileWeight(relativePath: string): number {
  return SLOW_FILE_SECONDS[relativePath.split('\\').join('/')] ?? 0;
}
