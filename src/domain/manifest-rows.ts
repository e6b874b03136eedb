import { rulesFrom } from './command-rules.js';
import { branchForTask, taskWorkflowId } from './identifiers.js';
import type { ManifestRunInputSchema, ManifestRunState, TaskRow } from './manifest-run.js';
import { defaultObjective, type Manifest, type ManifestTask } from './manifest-schema.js';
import {
  isDoneStatus,
  isRetryableStatus,
  isWaitingStatus,
  schedulingStatus,
  statusAtRunStart,
  statusOfResult,
  type TaskStatus,
} from './manifest-status.js';
import { blockedReason, type ScheduleOptions } from './scheduler.js';
import type { TaskPullRequest } from './pr-pipeline.js';
import type { TaskInput, TaskResult } from './task.js';
import type { z } from 'zod';

/**
 * The status table of a manifest run, as data: its first state, and each change to a row as a
 * patch the workflow applies (so every transition is decided here and tested on data).
 */

export type ResolvedManifestRunInput = z.output<typeof ManifestRunInputSchema>;
export type RowPatch = Partial<Omit<TaskRow, 'id' | 'phase' | 'title' | 'workflowId' | 'branch'>>;

/** Every task of the manifest with the name of its phase, in manifest order. */
export function manifestEntries(manifest: Manifest): Array<{ task: ManifestTask; phase: string }> {
  return manifest.phases.flatMap((p) => p.tasks.map((task) => ({ task, phase: p.name })));
}

/** The table a new run starts with: tasks the manifest already calls done stay done, the rest wait. */
export function initialRunState(
  input: ResolvedManifestRunInput,
  manifest: Manifest,
  startedAt: string,
): ManifestRunState {
  return {
    name: input.name,
    gates: input.gates,
    slots: input.slots,
    paused: false,
    startedAt,
    tasks: manifestEntries(manifest).map(({ task, phase }) => ({
      id: task.id,
      phase,
      title: task.title ?? task.id,
      status: statusAtRunStart(task.status),
      workflowId: taskWorkflowId(task.id, input.name),
      branch: task.branch ?? branchForTask(`${input.name}-${task.id}`),
      revisions: 0,
      attempts: 0,
      reason: isDoneStatus(task.status) ? 'done before this run (manifest status)' : 'waiting',
    })),
    log: [],
  };
}

/** What the scheduler decides on, per task id. */
export function schedulingStatuses(rows: readonly TaskRow[]): Record<string, TaskStatus> {
  return Object.fromEntries(rows.map((t) => [t.id, schedulingStatus(t.status)]));
}

/** The brief of the child task workflow that works on one manifest task. */
export function childTaskInput(
  input: ResolvedManifestRunInput,
  task: ManifestTask,
  row: Pick<TaskRow, 'branch'>,
  rows: readonly TaskRow[] = [],
): TaskInput {
  return {
    taskId: childTaskId(input, task.id),
    repo: input.repo,
    baseRef: input.baseRef,
    branch: row.branch,
    objective: task.objective ?? defaultObjective(task),
    steps: task.steps ?? [],
    agent: task.agent ?? input.agent,
    ...(input.scenarios[task.id] !== undefined ? { scenario: input.scenarios[task.id] } : {}),
    ...(input.policy ? { policy: input.policy } : {}),
    ...(task.validate ? { validate: { argv: task.validate } } : {}), // under test slot `default`
    ...taskCommandRules(input, task),
    ...(input.setup ? { setup: input.setup } : {}),
    ...pullRequestPlan(input, task, rows),
  };
}

/** The task's own command rules, then the run's (config and manifest). */
function taskCommandRules(input: ResolvedManifestRunInput, task: ManifestTask): Pick<TaskInput, 'commands'> {
  const rules = [...rulesFrom(task.commands, `manifest task ${task.id}`), ...(input.commands ?? [])];
  return rules.length > 0 ? { commands: rules } : {};
}

/** The child's task id: the run's name and the manifest task's id. */
export function childTaskId(input: Pick<ResolvedManifestRunInput, 'name'>, taskId: string): string {
  return `${input.name}-${taskId}`;
}

/**
 * A run that opens PRs: each task opens one (title and issue from the manifest) stacked on its
 * dependencies' open PRs (a merged dependency's work is in the base already), and goes through the
 * merge queue with `--merge`, after those dependencies.
 */
function pullRequestPlan(
  input: ResolvedManifestRunInput,
  task: ManifestTask,
  rows: readonly TaskRow[],
): Pick<TaskInput, 'openPr' | 'merge'> {
  if (!input.openPrs || !input.github) return {};
  const stackedOn = task.dependsOn.flatMap((id) => {
    const dep = rows.find((r) => r.id === id);
    if (!dep?.pullRequest || dep.pullRequest.state !== 'open') return [];
    return [{ taskId: childTaskId(input, id), branch: dep.branch, prNumber: dep.pullRequest.number }];
  });
  return {
    openPr: {
      owner: input.github.owner,
      repo: input.github.repo,
      ...(task.title ? { title: task.title } : {}),
      ...(task.issue ? { issue: task.issue } : {}),
      stackedOn,
      ...(input.webUiUrl ? { webUiUrl: input.webUiUrl } : {}),
    },
    ...(input.merge ? { merge: input.merge } : {}),
  };
}

/** A child's PR opened, moved or merged while it still runs: the row shows it and dependents may start. */
export function pullRequestPatch(pr: TaskPullRequest): RowPatch {
  return {
    pullRequest: pr,
    ...(pr.state === 'merged' ? { status: 'merged' } : pr.state === 'open' && !pr.refused ? { status: 'pr_open' } : {}),
    reason:
      pr.state === 'merged'
        ? `PR #${pr.number} merged${pr.mergeCommit ? ` as ${pr.mergeCommit.slice(0, 10)}` : ''}`
        : pr.refused
          ? `PR #${pr.number}: merge refused: ${pr.refused.join('; ')}`
          : `PR #${pr.number} open and passing (${pr.url})`,
  };
}

/** The row as its next attempt starts. */
export function startPatch(row: Pick<TaskRow, 'attempts'>, at: string): RowPatch {
  return {
    status: 'running',
    attempts: row.attempts + 1,
    startedAt: at,
    finishedAt: undefined,
    reason: 'agent working',
  };
}

/** The child workflow's id for an attempt: the first keeps the plain id, later ones count (`#2`…). */
export function attemptWorkflowId(row: Pick<TaskRow, 'workflowId' | 'attempts'>): string {
  return row.workflowId + (row.attempts > 1 ? `#${row.attempts}` : '');
}

/** The row after its child workflow returned a result; a done task with a PR is `pr_open` or `merged`. */
export function resultPatch(
  result: Pick<TaskResult, 'state' | 'commit' | 'revisions' | 'reason' | 'pullRequest' | 'worktree' | 'tmuxSession'>,
): RowPatch {
  const pr = result.pullRequest;
  const status =
    result.state === 'done' && pr ? (pr.state === 'merged' ? 'merged' : 'pr_open') : statusOfResult(result.state);
  return {
    status,
    commit: result.commit,
    revisions: result.revisions,
    reason: result.reason,
    ...(pr ? { pullRequest: pr } : {}),
    ...(result.worktree ? { worktree: result.worktree } : {}),
    ...(result.tmuxSession ? { tmuxSession: result.tmuxSession } : {}),
  };
}

/** The row after its child workflow failed (no result). */
export function failurePatch(reason: string): RowPatch {
  return { status: 'error', reason };
}

/** A human's retry: only a task that ended without its change (or is stuck) goes back to waiting. */
export function retryPatch(row: Pick<TaskRow, 'status'>): RowPatch | undefined {
  return isRetryableStatus(row.status) ? { status: 'pending', reason: 'retry requested by a human' } : undefined;
}

/** A human's skip: only a task that has not started yet. */
export function skipPatch(row: Pick<TaskRow, 'status'>): RowPatch | undefined {
  return isWaitingStatus(row.status) ? { status: 'skipped', reason: 'skipped by a human' } : undefined;
}

/** For every waiting task: `blocked` with the reason it cannot start now, or `pending` and ready. */
export function waitingPatches(
  manifest: Manifest,
  state: Pick<ManifestRunState, 'tasks' | 'paused'>,
  opts: ScheduleOptions,
): Array<{ id: string; patch: RowPatch }> {
  const statuses = schedulingStatuses(state.tasks);
  return state.tasks
    .filter((t) => isWaitingStatus(t.status))
    .map((t) => {
      const why = state.paused ? 'run paused' : blockedReason(manifest, statuses, t.id, opts);
      return { id: t.id, patch: { status: why ? 'blocked' : 'pending', reason: why ?? 'ready' } };
    });
}
