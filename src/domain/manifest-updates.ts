import { z } from 'zod';
import type { TaskRow } from './manifest-run.js';
import { TaskStatusSchema } from './manifest-schema.js';
import { isWaitingStatus } from './manifest-status.js';

/**
 * Manifest write-back (`drover run --write-back`): the per-task fields the task-manifest
 * convention keeps by hand, and only those. Everything else in the user's file is theirs.
 */

export const WRITE_BACK_FIELDS = ['status', 'prNumber', 'startedAt', 'completedAt', 'worktree', 'tmuxSession'] as const;
export type WriteBackField = (typeof WRITE_BACK_FIELDS)[number];

export const TaskFieldsSchema = z.strictObject({
  status: TaskStatusSchema.optional(),
  prNumber: z.number().int().positive().nullable().optional(),
  startedAt: z.string().nullable().optional(),
  completedAt: z.string().nullable().optional(),
  worktree: z.string().nullable().optional(),
  tmuxSession: z.string().nullable().optional(),
});
export type TaskFields = z.infer<typeof TaskFieldsSchema>;

export const TaskUpdateSchema = z.object({ taskId: z.string().min(1), fields: TaskFieldsSchema });
export type TaskUpdate = z.infer<typeof TaskUpdateSchema>;

/** The fields an update sets, in the convention's order, `undefined` ones left out. */
export function fieldEntries(fields: TaskFields): Array<[WriteBackField, string | number | null]> {
  return WRITE_BACK_FIELDS.filter((k) => fields[k] !== undefined).map((k) => [k, fields[k] as string | number | null]);
}

/** What a task row of a run knows, plus what the run learnt elsewhere (PR number, worktree, tmux session). */
export interface RunTaskFacts {
  id: string;
  status: string;
  startedAt?: string | undefined;
  finishedAt?: string | undefined;
  prNumber?: number | undefined;
  worktree?: string | undefined;
  tmuxSession?: string | undefined;
}

const FINISHED = new Set(['complete', 'pr_open', 'merged', 'escalated', 'skipped', 'error']);

/** The update a run's view of a task asks for; a status outside the manifest's vocabulary is an error. */
export function updateFromRun(task: RunTaskFacts): TaskUpdate {
  const status = TaskStatusSchema.safeParse(task.status);
  if (!status.success)
    throw new Error(
      `task ${task.id}: "${task.status}" is not a manifest status (${TaskStatusSchema.options.join(', ')})`,
    );
  const fields: TaskFields = { status: status.data };
  if (task.startedAt) fields.startedAt = task.startedAt;
  if (task.finishedAt && FINISHED.has(status.data)) fields.completedAt = task.finishedAt;
  if (task.prNumber) fields.prNumber = task.prNumber;
  if (task.worktree) fields.worktree = task.worktree;
  if (task.tmuxSession) fields.tmuxSession = task.tmuxSession;
  return { taskId: task.id, fields };
}

/** The updates whose fields differ from what was last written, so an unchanged run writes nothing. */
export function changedSince(previous: readonly TaskUpdate[], next: readonly TaskUpdate[]): TaskUpdate[] {
  const before = new Map(previous.map((u) => [u.taskId, u.fields]));
  return next.filter((u) => {
    const old = before.get(u.taskId);
    return !old || fieldEntries(u.fields).some(([k, v]) => old[k] !== v);
  });
}

/** A run's row as write-back facts: the PR's number is `prNumber`, `finishedAt` becomes `completedAt`. */
export function factsOfRow(
  row: Pick<TaskRow, 'id' | 'status' | 'startedAt' | 'finishedAt' | 'pullRequest' | 'worktree' | 'tmuxSession'>,
): RunTaskFacts {
  return {
    id: row.id,
    status: row.status,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    prNumber: row.pullRequest?.number,
    worktree: row.worktree,
    tmuxSession: row.tmuxSession,
  };
}

/**
 * What `--write-back` starts from when it begins following a run: the waiting rows of the first
 * snapshot count as written (a run's start does not stamp `pending` on every task of the file);
 * rows already under way are written at once.
 */
export function writeBackBaseline(rows: readonly Parameters<typeof factsOfRow>[0][]): TaskUpdate[] {
  return rows.filter((r) => isWaitingStatus(r.status)).map((r) => updateFromRun(factsOfRow(r)));
}

/** The updates to write for a snapshot of the run, given what was written (or taken as written) before. */
export function writeBackUpdates(
  written: readonly TaskUpdate[],
  rows: readonly Parameters<typeof factsOfRow>[0][],
): TaskUpdate[] {
  return changedSince(
    written,
    rows.map((r) => updateFromRun(factsOfRow(r))),
  );
}

/** `written` with `applied` laid over it (per task, field by field). */
export function afterWrite(written: readonly TaskUpdate[], applied: readonly TaskUpdate[]): TaskUpdate[] {
  const out = new Map(written.map((u) => [u.taskId, { ...u.fields }]));
  for (const u of applied) out.set(u.taskId, { ...out.get(u.taskId), ...u.fields });
  return [...out.entries()].map(([taskId, fields]) => ({ taskId, fields }));
}
