/** Runs a manifest through the scheduler in simulated time and checks every rule along the way. */
import { filesOverlap } from '../../src/domain/file-overlap.js';
import type { Manifest, ManifestTask, TaskStatus } from '../../src/domain/manifest-schema.js';
import { DONE_STATUSES, isFinished, nextTasks, type ScheduleOptions } from '../../src/domain/scheduler.js';

export interface SimRun {
  id: string;
  start: number;
  end: number;
}
export interface SimResult {
  runs: SimRun[];
  makespan: number;
  violations: string[];
  stalled: boolean;
}

export function simulate(manifest: Manifest, opts: ScheduleOptions, durations: Record<string, number> = {}): SimResult {
  const tasks = new Map<string, { task: ManifestTask; phase: number }>();
  manifest.phases.forEach((p, phase) => p.tasks.forEach((task) => tasks.set(task.id, { task, phase })));
  const state: Record<string, TaskStatus> = Object.fromEntries(
    [...tasks.values()].map(({ task }) => [task.id, task.status]),
  );
  const running = new Map<string, number>();
  const runs: SimRun[] = [];
  const violations: string[] = [];
  let time = 0;
  let stalled = false;
  for (let step = 0; !isFinished(manifest, state); step++) {
    if (step > 10_000) {
      violations.push('did not terminate');
      break;
    }
    for (const id of nextTasks(manifest, state, { ...opts, durations })) {
      const entry = tasks.get(id);
      if (!entry) {
        violations.push(`started unknown task ${id}`);
        continue;
      }
      if (state[id] !== 'pending' && state[id] !== 'blocked') violations.push(`started ${id} while ${state[id]}`);
      for (const d of entry.task.dependsOn)
        if (!DONE_STATUSES.has(state[d] ?? 'pending'))
          violations.push(`started ${id} before its dependency ${d} was done`);
      if (opts.gates === 'strict') {
        for (const other of tasks.values()) {
          if (other.phase < entry.phase && !DONE_STATUSES.has(state[other.task.id] ?? 'pending'))
            violations.push(`started ${id} before ${other.task.id} of an earlier phase was done`);
        }
      }
      for (const other of running.keys()) {
        if (filesOverlap(entry.task.files, tasks.get(other)?.task.files ?? []))
          violations.push(`started ${id} while ${other}, which shares a file, runs`);
      }
      state[id] = 'running';
      const end = time + (durations[id] ?? 1);
      running.set(id, end);
      runs.push({ id, start: time, end });
    }
    if (running.size > opts.slots) violations.push(`${running.size} tasks run on ${opts.slots} slots at t=${time}`);
    if (running.size === 0) {
      stalled = true;
      break;
    }
    time = Math.min(...running.values());
    for (const [id, end] of running) {
      if (end === time) {
        running.delete(id);
        state[id] = 'complete';
      }
    }
  }
  return { runs, makespan: time, violations, stalled };
}
