import { z } from 'zod';
import type { TaskResultState } from './status.js';

/**
 * The status of a manifest task, in the task-orchestrator manifest convention's words (users'
 * manifests already say `complete`, `error`, `pr_open`…), plus Drover's `escalated` and
 * `skipped`. The one place that says which statuses count as done, active or waiting, and how
 * a finished task's result becomes a status; the workflow, the scheduler and the CLI read it here.
 */
export const TaskStatusSchema = z.enum([
  'pending',
  'blocked',
  'running',
  'stuck',
  'error',
  'complete',
  'pr_open',
  'merged',
  'escalated',
  'skipped',
]);
export type TaskStatus = z.infer<typeof TaskStatusSchema>;
export const TASK_STATUSES = TaskStatusSchema.options;

/**
 * Done: what depends on it may start and a run with only these is finished. A skipped task was
 * dropped on purpose by a human, so what waits on it proceeds (without its change).
 */
export const DoneStatusSchema = TaskStatusSchema.extract(['complete', 'pr_open', 'merged', 'skipped']);
/** Active: an agent holds the task's slot and its files. */
export const ActiveStatusSchema = TaskStatusSchema.extract(['running', 'stuck']);
/** Waiting to start (`blocked` is a pending task shown with the reason it cannot start yet). */
export const WaitingStatusSchema = TaskStatusSchema.extract(['pending', 'blocked']);
/** Ended without its change and holding nothing: a human may retry it (a stuck task may be retried too). */
export const RetryableStatusSchema = TaskStatusSchema.extract(['error', 'escalated', 'stuck', 'skipped']);

export const DONE_STATUSES: ReadonlySet<TaskStatus> = new Set(DoneStatusSchema.options);
export const ACTIVE_STATUSES: ReadonlySet<TaskStatus> = new Set(ActiveStatusSchema.options);
export const WAITING_STATUSES: ReadonlySet<TaskStatus> = new Set(WaitingStatusSchema.options);
export const RETRYABLE_STATUSES: ReadonlySet<TaskStatus> = new Set(RetryableStatusSchema.options);

// Takes any string so views of stored rows (JSON, older runs) need no cast; an unknown status is not done.
export const isDoneStatus = (status: string): boolean => (DONE_STATUSES as ReadonlySet<string>).has(status);
export const isWaitingStatus = (status: string): boolean => (WAITING_STATUSES as ReadonlySet<string>).has(status);
export const isRetryableStatus = (status: string): boolean => (RETRYABLE_STATUSES as ReadonlySet<string>).has(status);

/** A finished task's result as a manifest status. A record over every result state, so a new one cannot go unmapped. */
const STATUS_OF_RESULT: Readonly<Record<TaskResultState, TaskStatus>> = {
  done: 'complete',
  escalated: 'escalated',
  // aborted by a human: dropped on purpose, like a skip
  aborted: 'skipped',
  failed: 'error',
};
export function statusOfResult(state: TaskResultState): TaskStatus {
  return STATUS_OF_RESULT[state];
}

/** A task's status when a run starts: done before the run stays done; everything else is to do again. */
export function statusAtRunStart(written: TaskStatus): TaskStatus {
  return DONE_STATUSES.has(written) ? written : 'pending';
}

/** The status the scheduler decides on: `blocked` is only how a pending task is shown. */
export function schedulingStatus(status: TaskStatus): TaskStatus {
  return status === 'blocked' ? 'pending' : status;
}
