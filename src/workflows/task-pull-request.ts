import { workflowInfo } from '@temporalio/workflow';
import type { TaskPullRequest } from '../domain/pr-pipeline.js';
import type { PrRef } from '../domain/pull-request.js';
import { sharedActivities } from './activity-proxies.js';
import { verifyPullRequest } from './pr-verify.js';
import { tellManifest } from './task-parent.js';
import { pullRequestBases } from './task-prepare.js';
import type { TaskRun } from './task-run.js';

/** The task's PR as a reference, for the PR gate and the merge queue. */
export function prRefOf(pr: TaskPullRequest): PrRef {
  return { owner: pr.owner, repo: pr.repo, number: pr.number };
}

/**
 * The PR half of verify for a task that opens one (`openPr`), once its own verification passed:
 * Drover (never the agent) opens the PR for the verified head, or updates the one this task
 * already opened, then runs the PR gate on that head (CI, threads, change requests, conflicts).
 * Returns the gate's reasons; empty: the PR is open and passed, and the manifest run is told.
 */
export async function openAndGatePr(run: TaskRun, head: string): Promise<string[]> {
  const { record, input } = run;
  const want = input.openPr!;
  const task = record.state;
  record.phase('opening-pr', `opening or updating the pull request for ${task.branch}`);
  const { prBase, finalBase } = await pullRequestBases(input);
  const work = await run.host.describeProgress({ worktree: run.worktree, baseCommit: run.session.baseCommit! });
  const opened = await sharedActivities.openTaskPr({
    owner: want.owner,
    repo: want.repo,
    fallbackBase: finalBase,
    content: {
      taskId: task.taskId,
      title: want.title ?? null,
      objective: input.objective,
      issue: want.issue ?? null,
      steps: input.steps,
      checkpoints: task.checkpoints,
      commits: work.commits,
      diffStat: work.diffStat,
      validations: task.validations ?? [],
      pushedHead: head,
      branch: task.branch,
      base: prBase,
      stackedOn: want.stackedOn.map((s) => ({ taskId: s.taskId, ...(s.prNumber ? { prNumber: s.prNumber } : {}) })),
      ...(want.webUiUrl ? { taskUrl: `${want.webUiUrl}/${encodeURIComponent(workflowInfo().workflowId)}` } : {}),
    },
  });
  const before = task.pullRequest;
  const pr: TaskPullRequest = {
    owner: want.owner,
    repo: want.repo,
    number: opened.number,
    url: opened.url,
    base: opened.base,
    baseAtOpen: before?.baseAtOpen ?? opened.base,
    head,
    openedAt: before?.openedAt ?? new Date().toISOString(),
    state: 'open',
  };
  record.pullRequest(pr);
  const did = opened.created ? 'opened' : opened.updated ? 'updated' : 'kept';
  record.decide(`${did} pull request #${pr.number} (${pr.url}) on ${pr.base} at ${head.slice(0, 10)}`);
  record.phase('verifying', `the PR gate on #${pr.number}`);
  const reasons = await verifyPullRequest({
    input,
    pr: prRefOf(pr),
    rec: record,
    pushedSha: head,
    interrupted: () => run.aborted,
  });
  if (reasons.length === 0) await tellManifest(run);
  return reasons;
}
