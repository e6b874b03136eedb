import { condition } from '@temporalio/workflow';
import { judgePullRequest } from '../domain/pr-gate.js';
import type { PrRef } from '../domain/pull-request.js';
import type { ResolvedTaskInput } from '../domain/task.js';
import { sharedActivities } from './activity-proxies.js';
import type { TaskRecord } from './task-record.js';

export interface PrVerifyContext {
  input: ResolvedTaskInput;
  pr: PrRef;
  rec: TaskRecord;
  /** The commit Drover just pushed from the worktree. */
  pushedSha: string;
  /** True when waiting should stop at once (abort). */
  interrupted: () => boolean;
}

/**
 * The PR half of verification (docs/design.md §2 verify, for pull requests): answer the threads the
 * agent reported (reply naming the pushed commit, then resolve), wait for CI on that commit
 * within the policy's budget, judge the facts, and post one summary comment for the revision.
 * Returns the reasons it is not done; empty means verified.
 */
export async function verifyPullRequest(ctx: PrVerifyContext): Promise<string[]> {
  const { input, pr, rec, pushedSha } = ctx;
  const task = rec.state;
  const reasons: string[] = [];

  if (task.threadReports.length > 0) {
    const answers = [...task.threadReports];
    const answered = await sharedActivities.answerReviewThreads({ pr, taskId: task.taskId, sha: pushedSha, answers });
    for (const a of answered) if (a.error) reasons.push(a.error);
    rec.threadsAnswered(
      answered.filter((a) => !a.error).map((a) => a.threadId),
      answers,
    );
    rec.decide(
      `answered ${answered.filter((a) => !a.error).length} review thread(s) with commit ${pushedSha.slice(0, 10)} and resolved them`,
    );
  }

  const deadline = new Date().getTime() + input.policy.ciWaitSeconds * 1000;
  for (;;) {
    const facts = await sharedActivities.readPrFacts({ pr });
    const outcome = judgePullRequest({
      facts,
      pushedSha,
      steps: input.steps,
      checkpoints: task.checkpoints,
      branchCommits: facts.commits,
    });
    if (outcome.verdict === 'pass') break;
    if (outcome.verdict === 'fail') {
      reasons.push(...outcome.reasons);
      break;
    }
    if (new Date().getTime() >= deadline || ctx.interrupted()) {
      reasons.push(`${outcome.pending} (waited ${input.policy.ciWaitSeconds}s for CI on the pushed commit)`);
      break;
    }
    rec.decide(`waiting for CI: ${outcome.pending}`);
    await condition(
      ctx.interrupted,
      Math.min(input.policy.ciPollSeconds * 1000, Math.max(1, deadline - new Date().getTime())),
    );
  }

  const revision = task.revisions + 1;
  const verdict = reasons.length === 0 ? 'pass' : 'fail';
  const summary = await sharedActivities.postPrSummary({
    pr,
    summary: {
      taskId: task.taskId,
      revision,
      sha: pushedSha,
      verdict,
      reasons,
      addressedThreads: task.answeredThreads,
    },
  });
  rec.summaryPosted({ revision, sha: pushedSha, verdict, posted: summary.posted });
  rec.decide(
    `revision ${revision} summary ${summary.posted ? 'posted' : 'already on the PR'} (comment ${summary.commentId})`,
  );
  return reasons;
}
