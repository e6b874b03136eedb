/**
 * Manifest makespan against its lower bounds: a 10-task DAG with file overlaps, run by the real
 * ManifestWorkflow with `sim` agents whose work takes scripted times (`work {ms}`, then `commit`,
 * `done`). Compares the measured makespan with
 *  - the critical path (longest dependency chain, in scripted work time),
 *  - the slot bound (total work / slots) and the file bound (tasks sharing a file never overlap),
 *  - Drover's scheduler in simulated time with zero overhead (same DAG, files, slots, gates),
 * and reports each task's overhead (its run time minus its scripted work: worktree, window,
 * brief, verification, push) and its dispatch delay (start minus the event that freed it).
 * Prints a table and writes bench/results/manifest-makespan.json. Not a test: no assertions.
 */
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../src/config/config.js';
import type { ManifestRunInput, ManifestRunState } from '../src/domain/manifest-run.js';
import { ManifestSchema } from '../src/domain/manifest-schema.js';
import { criticalPathBound } from '../src/domain/scheduler.js';
import type { SimScriptInput } from '../src/domain/sim-script.js';
import { startRig } from '../test/support/harness.js';
import { makeRepo } from '../test/support/repo.js';
import { simulate } from '../test/unit/manifest-simulation.js';

const SLOTS = Number(process.env.BENCH_SLOTS ?? 3);
const SCALE = Number(process.env.BENCH_SCALE ?? 1); // multiplies every scripted duration

/** id → [scripted work seconds, dependencies, files] */
const TASKS: Record<string, [number, string[], string[]]> = {
  a: [4, [], ['src/a.ts']],
  b: [5, [], ['src/b.ts', 'src/shared.ts']],
  c: [3, ['a', 'b'], ['src/c.ts']],
  d: [3, [], ['src/util.ts']],
  e: [6, ['a'], ['src/e.ts', 'src/util.ts']],
  f: [4, ['c'], ['src/f.ts']],
  g: [2, ['d'], ['src/g.ts']],
  h: [5, ['e', 'g'], ['src/h.ts']],
  i: [3, [], ['src/shared.ts', 'src/i.ts']],
  j: [4, ['h'], ['src/j.ts']],
};
const workMs = (id: string): number => TASKS[id]![0] * 1000 * SCALE;

function stats(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const pick = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN;
  return { n: values.length, p50: pick(0.5), p95: pick(0.95), min: sorted[0] ?? NaN, max: sorted.at(-1) ?? NaN };
}

const manifestData = {
  project: 'makespan-bench',
  phases: [
    {
      name: 'Phase 1',
      tasks: Object.entries(TASKS).map(([id, [, dependsOn, files]]) => ({ id, title: `task ${id}`, dependsOn, files })),
    },
  ],
};
const manifest = ManifestSchema.parse(manifestData);
const durations = Object.fromEntries(Object.keys(TASKS).map((id) => [id, workMs(id)]));
const script = (id: string): SimScriptInput => ({
  startupMs: 200,
  phases: [
    { kind: 'work', ms: workMs(id), everyMs: 1000 },
    { kind: 'commit', file: `out/${id}.txt`, content: `task ${id}\n`, message: `task ${id}` },
    { kind: 'done' },
  ],
});

const criticalPath = criticalPathBound(manifest, durations, 'deps');
const slotBound = Object.values(durations).reduce((a, b) => a + b, 0) / SLOTS;
const fileBound = Math.max(
  ...[...new Set(Object.values(TASKS).flatMap(([, , f]) => f))].map((file) =>
    Object.entries(TASKS)
      .filter(([, [, , f]]) => f.includes(file))
      .reduce((sum, [id]) => sum + durations[id]!, 0),
  ),
);
const lowerBound = Math.max(criticalPath, slotBound, fileBound);
const simulated = simulate(manifest, { slots: SLOTS, gates: 'deps' }, durations);

const rig = await startRig('bench-makespan');
await rig.startWorkers();
let state: ManifestRunState;
try {
  const repo = await makeRepo(
    path.join(rig.tmp, 'repo'),
    Object.fromEntries(
      Object.values(TASKS)
        .flatMap(([, , f]) => f)
        .map((f) => [f, `// ${f}\n`]),
    ),
  );
  const input: ManifestRunInput = {
    name: 'makespan',
    manifest: manifestData,
    repo,
    gates: 'deps',
    slots: SLOTS,
    agent: 'sim',
    scenarios: Object.fromEntries(Object.keys(TASKS).map((id) => [id, script(id)])),
    policy: { idleSeconds: 5 },
  };
  const handle = await rig.client.workflow.start('manifestWorkflow', {
    taskQueue: rig.config.taskQueue,
    workflowId: 'manifest/makespan',
    args: [input],
  });
  state = (await handle.result()) as ManifestRunState;
} finally {
  await rig.close();
}

const t0 = Date.parse(state.startedAt);
const makespan = Date.parse(state.finishedAt!) - t0;
const rows = state.tasks.map((t) => {
  const start = Date.parse(t.startedAt!) - t0;
  const end = Date.parse(t.finishedAt!) - t0;
  const freedAt = Math.max(
    0,
    ...state.log.filter((e) => e.event === 'end' && Date.parse(e.at) - t0 <= start).map((e) => Date.parse(e.at) - t0),
  );
  const sim = simulated.runs.find((r) => r.id === t.id)!;
  return {
    id: t.id,
    status: t.status,
    workMs: workMs(t.id),
    startMs: start,
    endMs: end,
    overheadMs: end - start - workMs(t.id),
    dispatchDelayMs: start - freedAt,
    simulatedStartMs: sim.start,
    simulatedEndMs: sim.end,
  };
});
const result = {
  machine: {
    cpus: os.cpus().length,
    model: os.cpus()[0]?.model,
    node: process.version,
    loadavg: os.loadavg().map((l) => Number(l.toFixed(2))),
    at: new Date().toISOString(),
  },
  conditions: `${rows.length} tasks (DAG + 2 shared files), --slots ${SLOTS}, --gates deps, sim agents (startup 200 ms, work ${Object.values(
    durations,
  )
    .map((d) => d / 1000)
    .join('/')} s, then commit and done), one in-process worker, Temporal dev server on SQLite`,
  makespanMs: makespan,
  bounds: {
    criticalPathMs: criticalPath,
    slotBoundMs: Math.round(slotBound),
    fileBoundMs: fileBound,
    lowerBoundMs: lowerBound,
    schedulerZeroOverheadMs: simulated.makespan,
  },
  ratioToLowerBound: Number((makespan / lowerBound).toFixed(3)),
  ratioToZeroOverheadSchedule: Number((makespan / simulated.makespan).toFixed(3)),
  perTaskOverheadMs: stats(rows.map((r) => r.overheadMs)),
  dispatchDelayMs: stats(rows.map((r) => r.dispatchDelayMs)),
  tasks: rows,
  note: 'the simulated schedule ranks ready tasks by critical path in scripted time; the workflow ranks them by critical path in tasks (it has no durations), so the two may order ties differently',
};

console.log(`\n${result.conditions}\nmachine: ${result.machine.cpus} CPUs, load ${result.machine.loadavg.join(' ')}\n`);
console.log('task  status     work   start     end  overhead  dispatch  (zero-overhead schedule: start–end)');
for (const r of rows) {
  console.log(
    `${r.id.padEnd(5)} ${r.status.padEnd(9)} ${String(r.workMs / 1000).padStart(4)}s ${(r.startMs / 1000).toFixed(1).padStart(6)}s ${(r.endMs / 1000).toFixed(1).padStart(6)}s ${(r.overheadMs / 1000).toFixed(1).padStart(8)}s ${(r.dispatchDelayMs / 1000).toFixed(2).padStart(8)}s  ${r.simulatedStartMs / 1000}–${r.simulatedEndMs / 1000}s`,
  );
}
console.log(
  `\nmakespan ${(makespan / 1000).toFixed(1)} s · critical path ${criticalPath / 1000} s · slot bound ${(slotBound / 1000).toFixed(1)} s · file bound ${fileBound / 1000} s · zero-overhead schedule ${simulated.makespan / 1000} s`,
);
console.log(
  `ratio to the lower bound ${result.ratioToLowerBound} · to the zero-overhead schedule ${result.ratioToZeroOverheadSchedule} · per-task overhead p50 ${(result.perTaskOverheadMs.p50 / 1000).toFixed(1)} s p95 ${(result.perTaskOverheadMs.p95 / 1000).toFixed(1)} s · dispatch delay p50 ${result.dispatchDelayMs.p50} ms p95 ${result.dispatchDelayMs.p95} ms`,
);
await writeFile(
  path.join(projectRoot(), 'bench', 'results', 'manifest-makespan.json'),
  JSON.stringify(result, null, 2) + '\n',
);
process.exit(0);
