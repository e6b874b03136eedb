import { defineSignal } from '@temporalio/workflow';
import type { TaskPullRequest } from '../domain/pr-pipeline.js';

/**
 * From a manifest's child task to the manifest run: the task's PR opened or changed (a new
 * verified head, merged, refused). The run marks the row `pr_open`/`merged`, lets dependents start
 * from the task's branch, and restacks dependents when the head moves.
 */
export const taskPullRequestSignal =
  defineSignal<[{ taskId: string; branch: string; pullRequest: TaskPullRequest }]>('taskPullRequest');

/** From a manifest's child once its agent is spawned: where it works (for the row and --write-back). */
export const taskStartedSignal =
  defineSignal<[{ taskId: string; worktree?: string; tmuxSession?: string }]>('taskStarted');
