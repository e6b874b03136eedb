/**
 * Rough wall-clock seconds of the slow test files, from a serial run (`vitest --reporter=json`).
 * Only the order matters (SlowFirstSequencer starts the heaviest first), so a stale figure costs
 * some wall time, never a result. A file not listed counts as light.
 */
const SLOW_FILE_SECONDS: Readonly<Record<string, number>> = {
  'test/workflows/pr-fix.test.ts': 150,
  'test/workflows/manifest-crash.test.ts': 120,
  'test/workflows/chaos-short.test.ts': 110,
  'test/workflows/test-slot.test.ts': 100,
  'test/workflows/agent-task.test.ts': 90,
  'test/workflows/hosts.test.ts': 80,
  'test/workflows/manifest.test.ts': 70,
  'test/workflows/agent-gemini.test.ts': 70,
  'test/workflows/agent-gemini-chain.test.ts': 60,
  'test/workflows/agent-codex.test.ts': 60,
  'test/workflows/agent-chain.test.ts': 50,
  'test/workflows/pr-monitor.test.ts': 50,
  'test/e2e/doctor.test.ts': 50,
  'test/workflows/agent-sim.test.ts': 40,
  'test/workflows/worker-crash.test.ts': 40,
  'test/workflows/agent-cursor.test.ts': 30,
  'test/e2e/cli.test.ts': 30,
  'test/workflows/codec.test.ts': 25,
  'test/workflows/replay.test.ts': 25,
  'test/integration/dev-server.test.ts': 20,
  'test/integration/model-server.test.ts': 15,
};

export function fileWeight(relativePath: string): number {
  return SLOW_FILE_SECONDS[relativePath.split('\\').join('/')] ?? 0;
}
