import { setHandler } from '@temporalio/workflow';
import type { TaskPullRequest } from '../domain/pr-pipeline.js';
import { renderMergeConflictBrief, restackPlan, type RestackStep } from '../domain/stacking.js';
import { sharedActivities } from './activity-proxies.js';
import { verifyPullRequest } from './pr-verify.js';
import { tellManifest } from './task-parent.js';
import { prRefOf } from './task-pull-request.js';
import { pullRequestBases } from './task-prepare.js';
import type { TaskRun } from './task-run.js';

import { dependencyMovedSignal, type DependencyMoved } from './task-messages.js';

/** Dependencies that moved and are not restacked yet, newest per dependency (signals are buffered until the first wait). */
export function pendingRestacks(run: TaskRun): DependencyMoved[] {
  if (!run.restacks) {
    const pending: DependencyMoved[] = [];
    run.restacks = pending;
    setHandler(dependencyMovedSignal, (moved) => {
      const at = pending.findIndex((p) => p.taskId === moved.taskId);
      if (at >= 0) pending.splice(at, 1);
      pending.push(moved);
    });
  }
  return run.restacks;
}

/**
 * Restacks the task's PR on a dependency's new head (docs/pull-requests-pipeline.md, stacked
 * dependents): a PR based on the dependency's branch takes it through GitHub's update-branch and
 * the worktree follows; otherwise the dependency is merged in the worktree and pushed (a plain
 * push: a merge only adds commits). Then the PR gate runs again on the new head. Returns the
 * reasons the agent must act on (a conflict, a failing gate); empty: restacked and verified.
 */
export async function restackOnto(run: TaskRun, moved: DependencyMoved): Promise<string[]> {
  const { record, input } = run;
  const pr = record.state.pullRequest!;
  const { finalBase } = await pullRequestBases(input);
  const plan = restackPlan({
    defaultBranch: finalBase,
    dependent: { taskId: input.taskId, branch: record.state.branch, prNumber: pr.number, prBase: pr.base },
    dependency: { taskId: moved.taskId, branch: moved.branch },
    event: { kind: 'updated', newHead: moved.newHead },
  });
  record.phase('restacking', plan.why);
  let head = pr.head;
  for (const step of plan.steps) {
    const done = await runStep(run, pr, step, head);
    if ('reasons' in done) return done.reasons;
    head = done.head;
  }
  record.pullRequest({ ...pr, head });
  record.decide(
    `restacked #${pr.number} on ${moved.branch} at ${moved.newHead.slice(0, 10)}: new head ${head.slice(0, 10)}`,
  );
  await tellManifest(run);
  return [];
}

async function runStep(
  run: TaskRun,
  pr: TaskPullRequest,
  step: RestackStep,
  head: string,
): Promise<{ head: string } | { reasons: string[] }> {
  const { record } = run;
  const branch = record.state.branch;
  switch (step.kind) {
    case 'update-branch': {
      const r = await sharedActivities.bringPrUpToDate({ pr: prRefOf(pr), expectedHead: head });
      if (r.kind === 'updated' || r.kind === 'up-to-date') return { head: r.head };
      if (r.kind === 'conflict') return mergeInWorktree(run, step.base);
      return { reasons: [`restacking #${pr.number} stopped: the pull request is ${r.kind}`] };
    }
    case 'merge-in':
      return mergeInWorktree(run, step.from.replace(/^origin\//, ''));
    case 'sync-worktree': {
      const synced = await run.host.syncWorktree({ worktree: run.worktree, branch });
      return { head: synced.head };
    }
    case 'push': {
      const pushed = await run.host.pushBranch({ worktree: run.worktree, branch });
      if (pushed.error) return { reasons: [`pushing the restacked ${branch} failed: ${pushed.error}`] };
      return { head: pushed.remoteHead };
    }
    case 'retarget':
      await sharedActivities.retargetPr({ pr: prRefOf(pr), base: step.to });
      return { head };
    case 'reverify': {
      const reasons = await verifyPullRequest({
        input: run.input,
        pr: prRefOf(pr),
        rec: record,
        pushedSha: head,
        interrupted: () => run.aborted,
      });
      return reasons.length > 0 ? { reasons } : { head };
    }
  }
}

/** The dependency merged in the worktree and pushed; a conflict is left in progress and briefed to the agent. */
async function mergeInWorktree(
  run: TaskRun,
  dependencyBranch: string,
): Promise<{ head: string } | { reasons: string[] }> {
  const { record } = run;
  const branch = record.state.branch;
  const synced = await run.host.syncWorktree({ worktree: run.worktree, branch, mergeIn: [dependencyBranch] });
  if (synced.conflict) {
    const brief = renderMergeConflictBrief({
      branch,
      conflict: {
        dependency: { taskId: dependencyBranch, branch: dependencyBranch, merged: false },
        files: synced.conflict.files,
      },
      mergedCleanly: [],
      remaining: [],
    });
    return { reasons: [brief] };
  }
  const pushed = await run.host.pushBranch({ worktree: run.worktree, branch });
  if (pushed.error) return { reasons: [`pushing the restacked ${branch} failed: ${pushed.error}`] };
  return { head: pushed.remoteHead };
}
