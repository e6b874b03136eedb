import { condition, getExternalWorkflowHandle, setHandler, workflowInfo } from '@temporalio/workflow';
import { mergeQueueWorkflowId } from '../domain/merge-queue.js';
import { refusalNeedsAgent, type MergeOutcome } from '../domain/pr-pipeline.js';
import type { PrRef } from '../domain/pull-request.js';
import { sharedActivities } from './activity-proxies.js';
import { mergeOutcomeSignal, mergeWithdrawSignal } from './merge-queue-messages.js';
import { tellManifest } from './task-parent.js';
import { pendingRestacks, restackOnto } from './task-restack.js';
import { pullRequestBases } from './task-prepare.js';
import type { TaskRun } from './task-run.js';

/** What the merge queue made of the task's PR. */
export type MergeEnd =
  | { kind: 'merged'; mergeCommit: string }
  /** The agent can fix it (red CI, change request, open thread, conflict): re-brief with these reasons. */
  | { kind: 'fix'; reasons: string[] }
  /** Only a human can (draft, hold word, base, approvals): the task ends with these reasons. */
  | { kind: 'refused'; reasons: string[] }
  | { kind: 'interrupted' };

/** The merge queue's answers, kept from the first wait on (signals before it are buffered by the SDK). */
function outcomesOf(run: TaskRun): MergeOutcome[] {
  if (!run.mergeOutcomes) {
    const outcomes: MergeOutcome[] = [];
    run.mergeOutcomes = outcomes;
    setHandler(mergeOutcomeSignal, (o) => void outcomes.push(o));
  }
  return run.mergeOutcomes;
}

/** The PR the task merges, the base whose queue it enters, and the PRs that must merge first. */
async function mergeTarget(run: TaskRun): Promise<{ pr: PrRef; base: string; dependsOn: number[] }> {
  const { input, record } = run;
  if (input.pr) {
    const loaded = await sharedActivities.loadPullRequest({ pr: input.pr });
    return { pr: input.pr, base: loaded.baseRefName, dependsOn: [] };
  }
  const opened = record.state.pullRequest!;
  const { finalBase } = await pullRequestBases(input);
  const dependsOn = input.openPr!.stackedOn.flatMap((s) => (s.prNumber ? [s.prNumber] : []));
  return { pr: { owner: opened.owner, repo: opened.repo, number: opened.number }, base: finalBase, dependsOn };
}

/**
 * The guarded merge (`--merge`): the verified head enters the merge queue of its repository and
 * final base, and the task waits for the queue's answer (phase awaiting-merge). A stacked PR
 * names its dependencies' PRs, so the queue merges it after them.
 */
export async function awaitMerge(run: TaskRun, verifiedHead: string): Promise<MergeEnd> {
  const outcomes = outcomesOf(run);
  const restacks = pendingRestacks(run);
  const target = await mergeTarget(run);
  const { pr, base } = target;
  let head = verifiedHead;
  for (;;) {
    outcomes.length = 0; // answers to an earlier head do not count
    await enqueue(run, target, head);
    const answered = () => outcomes.find((o) => o.number === pr.number);
    const moved = () => restacks.length > 0 && run.record.state.pullRequest !== undefined;
    await condition(() => answered() !== undefined || moved() || run.aborted);
    if (run.aborted) {
      await getExternalWorkflowHandle(mergeQueueWorkflowId(pr.owner, pr.repo, base))
        .signal(mergeWithdrawSignal, { number: pr.number, reason: `task ${run.input.taskId} was aborted` })
        .catch(() => undefined);
      return { kind: 'interrupted' };
    }
    const outcome = answered();
    if (outcome) return recordOutcome(run, outcome);
    // a dependency's PR moved (a review fix): follow it, verify again, queue the new head
    const reasons = await restackOnto(run, restacks.shift()!);
    if (reasons.length > 0) return { kind: 'fix', reasons };
    head = run.record.state.pullRequest!.head;
  }
}

async function enqueue(run: TaskRun, target: { pr: PrRef; base: string; dependsOn: number[] }, head: string) {
  const { record, input } = run;
  const { pr, base, dependsOn } = target;
  record.phase('awaiting-merge', `#${pr.number} in the merge queue of ${pr.owner}/${pr.repo} ${base}`);
  await sharedActivities.requestMerge({
    queue: { owner: pr.owner, repo: pr.repo, base },
    request: {
      number: pr.number,
      headSha: head,
      dependsOn,
      taskId: input.taskId,
      replyTo: workflowInfo().workflowId,
      settings: input.merge!,
    },
  });
  record.decide(
    `queued #${pr.number} at ${head.slice(0, 10)} for merging into ${base}${dependsOn.length ? ` after ${dependsOn.map((n) => `#${n}`).join(', ')}` : ''}`,
  );
}

async function recordOutcome(run: TaskRun, outcome: MergeOutcome): Promise<MergeEnd> {
  const { record } = run;
  const before = record.state.pullRequest;
  if (outcome.outcome === 'merged') {
    if (before) {
      const { refused: _earlier, ...rest } = before;
      record.pullRequest({
        ...rest,
        state: 'merged',
        ...(outcome.mergeCommit ? { mergeCommit: outcome.mergeCommit } : {}),
        mergedAt: outcome.at,
      });
    }
    record.decide(`merged #${outcome.number}${outcome.mergeCommit ? ` as ${outcome.mergeCommit.slice(0, 10)}` : ''}`);
    await tellManifest(run);
    return { kind: 'merged', mergeCommit: outcome.mergeCommit ?? '' };
  }
  const reasons = outcome.reasons.length > 0 ? outcome.reasons : [`the merge queue answered ${outcome.outcome}`];
  if (before) record.pullRequest({ ...before, refused: reasons });
  record.decide(`merge of #${outcome.number} ${outcome.outcome}: ${reasons.join('; ')}`);
  await tellManifest(run);
  if (!refusalNeedsAgent(outcome)) return { kind: 'refused', reasons };
  // the queue may have merged the base in on GitHub (update-branch): the worktree follows first
  if (before) await run.host.syncWorktree({ worktree: run.worktree, branch: record.state.branch });
  return { kind: 'fix', reasons };
}
