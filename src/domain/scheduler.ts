/**
 * Which manifest tasks to start now. Pure and deterministic (used by ManifestWorkflow).
 *
 * A task is ready when
 * - it waits: status `pending`, or `blocked` (a pending task the UI marked with a reason);
 * - every dependency is done (DONE_STATUSES in manifest-status.ts: `complete`, `pr_open`,
 *   `merged`, or `skipped`);
 * - no active task (`running` or `stuck`: an agent still holds its worktree) shares a file
 *   with it (filesOverlap), and no other task started in the same call does;
 * - its phase gate is open: `strict` = every task of every earlier phase is done; `deps` =
 *   only its own dependencies count;
 * - a slot is free: `slots` minus the active tasks.
 * Ready tasks go by the longest remaining critical path (tasks still to do on the longest
 * chain that waits on them), ties by manifest order.
 * `error` and `escalated` tasks hold neither a slot nor their files, but their dependents and
 * (under strict gates) later phases wait until they are retried or skipped.
 */
import { firstOverlap } from './file-overlap.js';
import type { Gates, Manifest, ManifestTask } from './manifest-schema.js';
import { ACTIVE_STATUSES, DONE_STATUSES, WAITING_STATUSES, type TaskStatus } from './manifest-status.js';

export { ACTIVE_STATUSES, DONE_STATUSES, WAITING_STATUSES };

/** Current status per task id; a task missing here has the status written in the manifest. */
export type SchedulerState = Readonly<Record<string, TaskStatus>>;
export type Durations = Readonly<Record<string, number>>;
export interface ScheduleOptions {
  slots: number;
  gates: Gates;
  /** Expected duration per task id for the critical-path priority (default 1 each). */
  durations?: Durations;
}

interface Entry {
  task: ManifestTask;
  phase: number;
  order: number;
}

function entries(manifest: Manifest): Entry[] {
  const list: Entry[] = [];
  manifest.phases.forEach((phase, p) =>
    phase.tasks.forEach((task) => list.push({ task, phase: p, order: list.length })),
  );
  return list;
}

function firstById(list: Entry[]): Map<string, Entry> {
  const byId = new Map<string, Entry>();
  for (const e of list) if (!byId.has(e.task.id)) byId.set(e.task.id, e);
  return byId;
}

const statusOf = (task: ManifestTask, state: SchedulerState): TaskStatus => state[task.id] ?? task.status;
const weightOf = (id: string, durations: Durations | undefined): number => {
  const w = durations?.[id];
  return typeof w === 'number' && Number.isFinite(w) && w >= 0 ? w : 1;
};

/** Per task: its weight plus the heaviest chain of tasks that (transitively) depend on it. Cycles are cut, never followed. */
function pathLengths(list: Entry[], weight: (id: string) => number): Map<string, number> {
  const dependents = new Map<string, string[]>();
  const ids = new Set(list.map((e) => e.task.id));
  for (const e of list) {
    for (const d of e.task.dependsOn) {
      if (!ids.has(d) || d === e.task.id) continue;
      const known = dependents.get(d);
      if (known) known.push(e.task.id);
      else dependents.set(d, [e.task.id]);
    }
  }
  const memo = new Map<string, number>();
  const onStack = new Set<string>();
  for (const root of ids) {
    if (memo.has(root)) continue;
    const stack: Array<{ id: string; next: number }> = [{ id: root, next: 0 }];
    onStack.add(root);
    while (stack.length > 0) {
      const frame = stack[stack.length - 1] as { id: string; next: number };
      const children = dependents.get(frame.id) ?? [];
      const child = children[frame.next];
      if (child !== undefined) {
        frame.next++;
        if (!memo.has(child) && !onStack.has(child)) {
          onStack.add(child);
          stack.push({ id: child, next: 0 });
        }
        continue;
      }
      memo.set(frame.id, weight(frame.id) + Math.max(0, ...children.map((c) => memo.get(c) ?? 0)));
      onStack.delete(frame.id);
      stack.pop();
    }
  }
  return memo;
}

/** Per task id: the length of the longest dependency chain starting at it (itself included), in tasks or in `durations`. */
export function criticalPathLengths(manifest: Manifest, durations?: Durations): Record<string, number> {
  return Object.fromEntries(pathLengths(entries(manifest), (id) => weightOf(id, durations)));
}

/**
 * A lower bound for the makespan: the longest dependency chain. Under strict gates phases run
 * one after another, so the bound is the sum of each phase's longest chain within the phase.
 */
export function criticalPathBound(manifest: Manifest, durations?: Durations, gates: Gates = 'deps'): number {
  const list = entries(manifest);
  const longest = (part: Entry[]): number =>
    Math.max(0, ...pathLengths(part, (id) => weightOf(id, durations)).values());
  if (gates === 'deps') return longest(list);
  return manifest.phases.reduce((sum, _p, i) => sum + longest(list.filter((e) => e.phase === i)), 0);
}

interface Snapshot {
  list: Entry[];
  byId: Map<string, Entry>;
  active: Entry[];
  free: number;
  /** Index of the first phase with a task not done (phases.length when all are done). */
  openPhase: number;
  status: (task: ManifestTask) => TaskStatus;
}

function snapshot(manifest: Manifest, state: SchedulerState, opts: ScheduleOptions): Snapshot {
  const list = entries(manifest);
  const status = (task: ManifestTask): TaskStatus => statusOf(task, state);
  const active = list.filter((e) => ACTIVE_STATUSES.has(status(e.task)));
  const cap = typeof opts.slots === 'number' && !Number.isNaN(opts.slots) ? Math.floor(opts.slots) : 0;
  const unfinished = list.find((e) => !DONE_STATUSES.has(status(e.task)));
  return {
    list,
    byId: firstById(list),
    active,
    free: Math.max(0, cap - active.length),
    openPhase: unfinished?.phase ?? manifest.phases.length,
    status,
  };
}

function depsDone(s: Snapshot, task: ManifestTask): boolean {
  return task.dependsOn.every((d) => {
    const dep = s.byId.get(d);
    return dep !== undefined && DONE_STATUSES.has(s.status(dep.task));
  });
}

function gateOpen(s: Snapshot, e: Entry, gates: Gates): boolean {
  return gates === 'deps' || e.phase <= s.openPhase;
}

/** Ready tasks, best first, before slot and same-call file conflicts are applied. */
function readyInOrder(s: Snapshot, opts: ScheduleOptions): Entry[] {
  const ready = s.list.filter(
    (e) =>
      WAITING_STATUSES.has(s.status(e.task)) &&
      s.byId.get(e.task.id) === e &&
      depsDone(s, e.task) &&
      gateOpen(s, e, opts.gates) &&
      s.active.every((a) => firstOverlap(a.task.files, e.task.files) === undefined),
  );
  const lengths = pathLengths(s.list, (id) => {
    const e = s.byId.get(id);
    return e !== undefined && DONE_STATUSES.has(s.status(e.task)) ? 0 : weightOf(id, opts.durations);
  });
  return ready.sort((a, b) => (lengths.get(b.task.id) ?? 0) - (lengths.get(a.task.id) ?? 0) || a.order - b.order);
}

function pick(s: Snapshot, opts: ScheduleOptions): Entry[] {
  const picked: Entry[] = [];
  for (const e of readyInOrder(s, opts)) {
    if (picked.length >= s.free) break;
    if (picked.every((p) => firstOverlap(p.task.files, e.task.files) === undefined)) picked.push(e);
  }
  return picked;
}

/** The ids of the tasks to start now, best first. */
export function nextTasks(manifest: Manifest, state: SchedulerState, opts: ScheduleOptions): string[] {
  return pick(snapshot(manifest, state, opts), opts).map((e) => e.task.id);
}

const listed = (ids: string[]): string => (ids.length > 3 ? `${ids.slice(0, 3).join(', ')}, …` : ids.join(', '));

/**
 * Why a task does not start now, for people (the `blocked` status); undefined when nextTasks
 * would start it. Reports every reason that applies, joined by '; '.
 */
export function blockedReason(
  manifest: Manifest,
  state: SchedulerState,
  taskId: string,
  opts: ScheduleOptions,
): string | undefined {
  const s = snapshot(manifest, state, opts);
  const e = s.byId.get(taskId);
  if (e === undefined) return `there is no task "${taskId}" in this manifest`;
  const status = s.status(e.task);
  if (!WAITING_STATUSES.has(status)) return `${taskId} is ${status}, not waiting to start`;
  const reasons: string[] = [];
  for (const d of e.task.dependsOn) {
    const dep = s.byId.get(d);
    if (dep === undefined) reasons.push(`dependency ${d} is not a task in this manifest`);
    else if (!DONE_STATUSES.has(s.status(dep.task)))
      reasons.push(`dependency ${d} is ${s.status(dep.task)}, not complete`);
  }
  if (!gateOpen(s, e, opts.gates)) {
    const phase = manifest.phases[s.openPhase];
    const open = s.list
      .filter((x) => x.phase === s.openPhase && !DONE_STATUSES.has(s.status(x.task)))
      .map((x) => `${x.task.id} ${s.status(x.task)}`);
    reasons.push(`phase gate: phase "${phase?.name ?? s.openPhase + 1}" is not finished (${listed(open)})`);
  }
  for (const a of s.active) {
    const shared = firstOverlap(e.task.files, a.task.files);
    if (shared) reasons.push(`shares ${shared[0]} with ${s.status(a.task)} task ${a.task.id}`);
  }
  if (reasons.length > 0) return reasons.join('; ');
  const total = s.free + s.active.length;
  if (s.free <= 0) return `no free slot (${s.active.length} of ${total} in use)`;
  const picked = pick(s, opts);
  if (picked.includes(e)) return undefined;
  for (const p of picked) {
    const shared = firstOverlap(e.task.files, p.task.files);
    if (shared)
      return `shares ${shared[0]} with ${p.task.id}, which starts first (longer critical path or earlier in the manifest)`;
  }
  return `no free slot: the ${s.free === 1 ? 'free slot goes' : `${s.free} free slots go`} to ${listed(picked.map((p) => p.task.id))} (longer critical path or earlier in the manifest)`;
}

/** Every task is done (DONE_STATUSES). */
export function isFinished(manifest: Manifest, state: SchedulerState): boolean {
  return entries(manifest).every((e) => DONE_STATUSES.has(statusOf(e.task, state)));
}

/** Not finished, nothing active and nothing can start: only a human (retry, skip, edit) can move it on. */
export function isStalled(manifest: Manifest, state: SchedulerState, opts: ScheduleOptions): boolean {
  const s = snapshot(manifest, state, opts);
  return !isFinished(manifest, state) && s.active.length === 0 && pick(s, opts).length === 0;
}
