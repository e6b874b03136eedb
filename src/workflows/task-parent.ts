import { getExternalWorkflowHandle, patched, workflowInfo } from '@temporalio/workflow';
import { taskPullRequestSignal, taskStartedSignal } from './manifest-messages.js';
import type { TaskRun } from './task-run.js';

// What a manifest's child tells its run (a task alone has no parent and tells nobody): where its
// agent works once it is spawned (the row's `worktree` and `tmuxSession`, for --write-back), and
// its PR whenever that changes (opened and passed, a new head, merged, refused).

/** The child's PR, as it stands now. */
export async function tellManifest(run: TaskRun): Promise<void> {
  const parent = workflowInfo().parent;
  const pr = run.record.state.pullRequest;
  if (!parent || !pr) return;
  try {
    await getExternalWorkflowHandle(parent.workflowId).signal(taskPullRequestSignal, {
      taskId: run.input.taskId,
      branch: run.record.state.branch,
      pullRequest: pr,
    });
  } catch {
    run.record.decide('the manifest run did not take the PR update (it has ended)');
  }
}

/** The child's worktree and tmux window, once its agent is spawned. */
export async function tellManifestStarted(run: TaskRun): Promise<void> {
  const parent = workflowInfo().parent;
  const { worktree, tmuxSession, taskId } = run.record.state;
  if (!parent || !patched('tell-manifest-started')) return;
  try {
    await getExternalWorkflowHandle(parent.workflowId).signal(taskStartedSignal, {
      taskId,
      ...(worktree ? { worktree } : {}),
      ...(tmuxSession ? { tmuxSession } : {}),
    });
  } catch {
    // the run has ended: nothing to tell
  }
}
