import {
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import { judgeMerge, type MergeVerdict } from '../domain/merge-guard.js';
import {
  EnqueueRequestSchema,
  branchUpdated,
  carryOver,
  checked,
  ciSettled,
  emptyQueue,
  enqueue,
  merged,
  mergedElsewhere,
  refuse,
  retry,
  startNext,
  withdraw,
  type InProgress,
  type MergeQueueInput,
  type MergeQueueState,
  type Outcome,
} from '../domain/merge-queue.js';
import { MergeSettingsSchema, type MergeOutcome, type MergeSettings } from '../domain/pr-pipeline.js';
import type { PrRef } from '../domain/pull-request.js';
import { sharedActivities } from './activity-proxies.js';
import {
  mergeOutcomeSignal,
  mergeQueueStateQuery,
  mergeRequestSignal,
  mergeRetrySignal,
  mergeWithdrawSignal,
} from './merge-queue-messages.js';

/** How long the queue waits for CI on a head it brought up to date, and how often it looks. */
export interface MergeQueueTiming {
  ciWaitSeconds?: number;
  pollSeconds?: number;
}

const DEFAULT_CI_WAIT_SECONDS = 30 * 60;
const DEFAULT_POLL_SECONDS = 10;
/** Merges per run before continue-as-new (history stays short). */
const MERGES_PER_RUN = 50;

/**
 * The guarded merge queue of one repository and base branch (`merge-queue/<owner>/<repo>/<base>`,
 * docs/pull-requests-pipeline.md): PRs enter by signal when their gate passed; one at a time it
 * brings the PR up to date with the base, waits for CI on that head, runs the merge guard, and
 * merges with the PR's method — or refuses with every reason. Decisions are the pure transitions
 * of domain/merge-queue.ts; this function sequences them and runs the GitHub activities.
 */
export async function mergeQueueWorkflow(
  input: MergeQueueInput & MergeQueueTiming,
  carried?: MergeQueueState,
): Promise<void> {
  const state = carried ?? emptyQueue(input.owner, input.repo, input.base);
  const timing = {
    ciWaitMs: (input.ciWaitSeconds ?? DEFAULT_CI_WAIT_SECONDS) * 1000,
    pollMs: (input.pollSeconds ?? DEFAULT_POLL_SECONDS) * 1000,
  };
  answerRequests(state);
  let mergesThisRun = 0;
  for (;;) {
    if (!state.current && (mergesThisRun >= MERGES_PER_RUN || workflowInfo().continueAsNewSuggested)) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof mergeQueueWorkflow>(input, carryOver(state));
    }
    const { started } = startNext(state, new Date());
    if (!started) {
      const before = state.waiting.length + state.merged.length;
      await condition(() => state.waiting.length + state.merged.length !== before, '24h');
      continue;
    }
    const outcome = await mergeOne(state, started, timing);
    if (outcome?.outcome === 'merged') mergesThisRun += 1;
    if (outcome) await reply(outcome, started.replyTo);
  }
}

/** Requests, retries and withdrawals change the state at once; the loop acts on them. */
function answerRequests(state: MergeQueueState): void {
  setHandler(mergeQueueStateQuery, () => state);
  setHandler(mergeRequestSignal, async (raw) => {
    const parsed = EnqueueRequestSchema.safeParse(raw);
    if (!parsed.success) return;
    const { result, reasons } = enqueue(state, parsed.data, new Date());
    // a head refused before, or a PR already merged: the requester hears it at once
    if (result === 'refused-before' || result === 'already-merged') {
      await reply(
        {
          number: parsed.data.number,
          headSha: parsed.data.headSha,
          outcome: result === 'already-merged' ? 'merged' : 'refused',
          at: new Date().toISOString(),
          reasons: result === 'already-merged' ? ['merged before'] : (reasons ?? []),
          codes:
            result === 'already-merged'
              ? []
              : (state.refused.find((r) => r.number === parsed.data.number)?.codes ?? []),
        },
        parsed.data.replyTo,
      );
    }
  });
  setHandler(mergeRetrySignal, (number) => void retry(state, number, new Date()));
  setHandler(mergeWithdrawSignal, ({ number, reason }) => void withdraw(state, number, reason, new Date()));
}

async function reply(outcome: MergeOutcome | Outcome, replyTo: string | undefined): Promise<void> {
  if (!replyTo) return;
  try {
    await getExternalWorkflowHandle(replyTo).signal(mergeOutcomeSignal, {
      number: outcome.number,
      headSha: outcome.headSha,
      outcome: outcome.outcome,
      at: outcome.at,
      ...(outcome.mergeCommit ? { mergeCommit: outcome.mergeCommit } : {}),
      reasons: outcome.reasons,
      codes: 'codes' in outcome ? outcome.codes : [],
    });
  } catch {
    // the requester has ended: the outcome stays in the queue's state for `drover merge status`
  }
}

interface Timing {
  ciWaitMs: number;
  pollMs: number;
}

/** One PR from its start to merged, refused or withdrawn; the outcome, or undefined when it left the queue. */
async function mergeOne(state: MergeQueueState, cur: InProgress, timing: Timing): Promise<Outcome | undefined> {
  const pr: PrRef = { owner: state.owner, repo: state.repo, number: cur.number };
  const settings: MergeSettings = MergeSettingsSchema.parse(cur.settings ?? {});
  const still = () => state.current?.number === cur.number;
  const refuseWith = (reasons: string[], codes: string[] = []) => {
    refuse(state, cur.number, reasons, new Date(), codes);
    return last(state, cur.number);
  };
  await retargetStacked(state, pr, cur);
  const { early, defaultBranch } = await staticRefusal(state, pr, cur, settings);
  if (early.length > 0) return still() ? refuseWith(early) : undefined;
  let ciDeadline = new Date().getTime() + timing.ciWaitMs;
  for (;;) {
    if (!still()) return undefined;
    const step = state.current!.step;
    if (step === 'updating-branch') {
      const ended = await bringUpToDate(state, pr, cur);
      if (ended) return ended;
      ciDeadline = new Date().getTime() + timing.ciWaitMs;
      continue;
    }
    if (step === 'waiting-ci' || step === 'checking') {
      ciSettled(state, cur.number, state.current!.currentHead);
      const read = await sharedActivities.readMergeFacts({ pr, defaultBranch });
      if (!still()) return undefined;
      const verdict = judge(state, cur, settings, read);
      const next = checked(state, cur.number, verdict, new Date()).next;
      if (next === 'refused') return last(state, cur.number);
      if (next === 'waiting-ci') {
        if (new Date().getTime() >= ciDeadline)
          return refuseWith([
            ...(verdict.ok ? [] : verdict.reasons),
            `CI did not finish within ${Math.round(timing.ciWaitMs / 60000)} min`,
          ]);
        await sleep(timing.pollMs);
      }
      continue;
    }
    // merging
    const done = await sharedActivities.mergePr({ pr, head: state.current!.currentHead, method: settings.method });
    if (!still()) return undefined;
    if (!done.merged) return refuseWith([done.reason]);
    // the head goes first: GitHub retargets PRs stacked on it before any dependent starts here
    if (settings.deleteBranch) await deleteHead(state, pr);
    merged(state, cur.number, done.mergeCommit, new Date());
    return last(state, cur.number);
  }
}

/**
 * A stacked PR (it names dependencies, all merged by now) still based on a dependency's branch —
 * kept after its merge, or the PR opened while it was being deleted — is retargeted to the queue's
 * base before anything is judged.
 */
async function retargetStacked(state: MergeQueueState, pr: PrRef, cur: InProgress): Promise<void> {
  if (cur.dependsOn.length === 0) return;
  const loaded = await sharedActivities.loadPullRequest({ pr });
  if (loaded.baseRefName !== state.base) await sharedActivities.retargetPr({ pr, base: state.base });
}

/**
 * Brings the PR in progress up to date with GitHub's update-branch (the base merged in). Returns
 * the outcome when the PR left that way (merged elsewhere, closed, conflicting), undefined when CI
 * is next.
 */
async function bringUpToDate(state: MergeQueueState, pr: PrRef, cur: InProgress): Promise<Outcome | undefined> {
  const head = state.current!.currentHead;
  const result = await sharedActivities.bringPrUpToDate({ pr, expectedHead: head });
  if (state.current?.number !== cur.number) return undefined;
  const now = new Date();
  switch (result.kind) {
    case 'up-to-date':
    case 'updated':
      branchUpdated(state, cur.number, result.head);
      return undefined;
    case 'head-moved':
      refuse(
        state,
        cur.number,
        [
          `the head moved to ${result.head.slice(0, 10)} after it was queued at ${head.slice(0, 10)}; queue the new head`,
        ],
        now,
      );
      return last(state, cur.number);
    case 'conflict':
      refuse(state, cur.number, [result.reason], now, ['conflict']);
      return last(state, cur.number);
    case 'merged':
      mergedElsewhere(state, cur.number, now);
      return last(state, cur.number);
    case 'closed':
      withdraw(state, cur.number, 'the pull request was closed', now);
      return last(state, cur.number);
  }
}

/** Problems no update or CI can clear (closed, draft, a hold word, a base outside the allowlist): refused before the branch is touched. */
const STATIC_CODES = new Set(['not-open', 'draft', 'wip', 'base-not-allowed']);

async function staticRefusal(
  state: MergeQueueState,
  pr: PrRef,
  cur: InProgress,
  settings: MergeSettings,
): Promise<{ early: string[]; defaultBranch: string }> {
  const read = await sharedActivities.readMergeFacts({ pr });
  const verdict = judge(state, cur, settings, read, read.facts.headSha);
  const early = verdict.ok ? [] : verdict.problems.filter((p) => STATIC_CODES.has(p.code)).map((p) => p.reason);
  return { early, defaultBranch: read.defaultBranch };
}

function judge(
  state: MergeQueueState,
  cur: InProgress,
  settings: MergeSettings,
  read: Awaited<ReturnType<typeof sharedActivities.readMergeFacts>>,
  expectedHead = state.current!.currentHead,
): MergeVerdict {
  return judgeMerge({
    facts: read.facts,
    expectedHeadSha: expectedHead,
    defaultBranch: read.defaultBranch,
    ...(settings.allowedBases ? { allowedBases: settings.allowedBases } : {}),
    requiredApprovals: read.requiredApprovals,
    requireApproval: settings.requireApproval,
    requiredChecks: read.requiredChecks,
    ciRequired: settings.ciRequired,
    dependencies: cur.dependsOn.map((n) => ({ label: `#${n}`, merged: state.merged.includes(n) })),
  });
}

async function deleteHead(state: MergeQueueState, pr: PrRef): Promise<void> {
  try {
    const loaded = await sharedActivities.loadPullRequest({ pr });
    await sharedActivities.deleteHeadBranch({ owner: state.owner, repo: state.repo, branch: loaded.headRefName });
  } catch {
    // merged is merged: a branch left behind is tidied by hand, never a reason to fail the queue
  }
}

/** The newest outcome recorded for a PR (the one a transition just wrote). */
function last(state: MergeQueueState, number: number): Outcome | undefined {
  for (let i = state.recent.length - 1; i >= 0; i -= 1) if (state.recent[i]!.number === number) return state.recent[i];
  return undefined;
}
