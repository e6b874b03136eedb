import { verifyCompletion } from '../domain/verification.js';
import type { TaskPullRequest } from '../domain/pr-pipeline.js';
import type { ResolvedTaskInput } from '../domain/task.js';
import type { hostActivities } from './activity-proxies.js';
import { verifyPullRequest } from './pr-verify.js';
import type { TestSlotClient } from './slot-client.js';
import { validateUnderSlot } from './task-validation.js';
import type { TaskRecord } from './task-record.js';

export interface VerifyContext {
  input: ResolvedTaskInput;
  rec: TaskRecord;
  host: ReturnType<typeof hostActivities>;
  worktree: string;
  baseCommit: string;
  slots: TestSlotClient | undefined;
  /** True when waiting should stop at once (abort). */
  interrupted: () => boolean;
}

/**
 * docs/design.md §2 verify, in order: push and the branch evidence (commit, clean tree, remote head,
 * checkpoints); then the validation command under the test slot; then, for a pull request, the
 * PR gate. Each stage runs only when the previous one holds. Returns the pushed head and the
 * reasons it is not done (empty: verified).
 */
export async function collectVerdict(ctx: VerifyContext): Promise<{ head: string; reasons: string[] }> {
  const { input, rec } = ctx;
  const task = rec.state;
  const facts = await ctx.host.pushAndCollectEvidence({
    worktree: ctx.worktree,
    branch: task.branch,
    baseCommit: ctx.baseCommit,
  });
  // PR mode: checkpoints are judged by the PR gate with everything else, once the push landed
  const reasons = verifyCompletion({
    steps: input.pr ? [] : input.steps,
    checkpoints: task.checkpoints,
    requireCommit: input.requireCommit,
    branch: task.branch,
    facts,
  });
  if (reasons.length === 0 && input.validate && ctx.slots) {
    reasons.push(...(await validateUnderSlot({ spec: input.validate, rec, slots: ctx.slots, stop: ctx.interrupted })));
    if (ctx.interrupted()) return { head: facts.head, reasons };
  }
  if (input.pr && reasons.length === 0) {
    return {
      head: facts.head,
      reasons: await verifyPullRequest({
        input,
        pr: input.pr,
        rec,
        pushedSha: facts.head,
        interrupted: ctx.interrupted,
      }),
    };
  }
  return { head: facts.head, reasons };
}

/** The result line of a verified task. */
export function doneReason(
  input: ResolvedTaskInput,
  branch: string,
  head: string,
  opened?: Pick<TaskPullRequest, 'owner' | 'repo' | 'number' | 'state' | 'mergeCommit'>,
): string {
  const at = head.slice(0, 10);
  const pr = input.pr ?? opened;
  if (opened?.state === 'merged')
    return `merged: ${opened.owner}/${opened.repo}#${opened.number} at ${at}${opened.mergeCommit ? ` as ${opened.mergeCommit.slice(0, 10)}` : ''}, after the merge guard passed`;
  return pr
    ? `verified: ${pr.owner}/${pr.repo}#${pr.number} at ${at}: CI green on it, no open thread, no newer change request`
    : `verified: branch ${branch} at ${at} is on its remote`;
}
