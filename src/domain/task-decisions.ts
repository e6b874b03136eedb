import { buildNudge, buildRebrief } from './brief.js';
import type { CommandRule } from './command-rules.js';
import { decideDialog } from './dialog-policy.js';
import type { AgentState, SupervisionPolicy } from './task.js';
import type { WatchEvent } from './watch.js';

/**
 * What the task workflow does about a watch event or a failed verification, decided on data:
 * the counters, caps and cooldowns live here, the workflow only carries out the actions in order.
 */

/** The nudge texts, the same whether the workflow or the watch sends them. */
export const NUDGE_TEXT = {
  idle: buildNudge('You stopped before reporting done.'),
  stalled: buildNudge('No progress for a long time.'),
} as const;

/** The text queued for an agent relaunched after a crash that had its brief already. */
export const CRASH_CONTINUE_TEXT = buildNudge(
  'You were restarted after a crash. Continue the task where you left off.',
);

/** What the decisions read of the task (a snapshot; nothing here is changed). */
export interface TaskView {
  worktree: string;
  /** The user's command rules for this task (command-rules.ts). */
  commandRules?: readonly CommandRule[];
  briefSubmitted: boolean;
  /** A brief is already waiting in the outbox. */
  briefQueued: boolean;
  /** Texts waiting to be delivered. */
  pendingTexts: number;
  doneReported: boolean;
  /**
   * A done signal (marker or `drover report done`) was already counted since the last text the
   * agent received: another one is stale (still on screen, or repeated) and does not count again.
   */
  doneSpent?: boolean;
  nudges: number;
  crashes: number;
  revisions: number;
  /** Epoch ms of the last nudge; 0 = never. */
  lastNudgeAt: number;
  /** The agent after the current one in the fallback chain, if any. */
  nextAgent?: string;
}

/**
 * One step for the workflow. `escalate` stops the list when no human answers in time (the task
 * is then aborted with `unanswered`); every other action is followed by the next one.
 */
export type TaskAction =
  | { kind: 'watch-answered' }
  | { kind: 'watch-nudged' }
  | { kind: 'agent-state'; state: AgentState }
  | { kind: 'approve-dialog'; keys: string[]; reason: string; rule?: string }
  /** A command the user's deny rule refuses: answered "No", and the agent told why. */
  | { kind: 'deny-dialog'; keys: string[]; reason: string; rule?: string }
  | { kind: 'ask-human'; reason: string }
  | { kind: 'add-checkpoints'; steps: string[] }
  | { kind: 'mark-done'; doneCount: number }
  /** A done signal for a brief whose done was already counted: only the screen's marker count is taken as seen. */
  | { kind: 'stale-done'; doneCount: number }
  | { kind: 'press-enter' }
  | { kind: 'count-crash' }
  | { kind: 'hand-off'; why: string }
  | { kind: 'escalate'; why: string; unanswered: string }
  | { kind: 'relaunch'; why: string; continueText?: string }
  | { kind: 'ready-for-input' }
  | { kind: 'queue-brief' }
  | { kind: 'wait'; ms: number }
  | { kind: 'nudge'; text: string; at: number }
  /** The task ends here (its agent is stopped first): at its budget. */
  | { kind: 'end-task'; state: 'escalated'; why: string };

/** The actions for one watch event, in order. `now` is epoch ms (the workflow's clock). */
export function decideOnEvent(event: WatchEvent, view: TaskView, policy: SupervisionPolicy, now: number): TaskAction[] {
  // what the watch did itself is recorded, not decided again
  if (event.kind === 'dialog' && event.answered) return [{ kind: 'watch-answered' }];
  if ((event.kind === 'idle' || event.kind === 'stalled') && event.nudged) return [{ kind: 'watch-nudged' }];
  switch (event.kind) {
    case 'dialog': {
      const decision = decideDialog(event.dialog, {
        worktree: view.worktree,
        ...(view.commandRules ? { rules: view.commandRules } : {}),
      });
      const rule = decision.rule !== undefined ? { rule: decision.rule } : {};
      const answer: TaskAction =
        decision.decision === 'approve'
          ? { kind: 'approve-dialog', keys: decision.keys, reason: decision.reason, ...rule }
          : decision.decision === 'deny'
            ? { kind: 'deny-dialog', keys: decision.keys, reason: decision.reason, ...rule }
            : { kind: 'ask-human', reason: decision.reason };
      return [{ kind: 'agent-state', state: 'dialog' }, answer];
    }
    case 'checkpoints':
      return [{ kind: 'add-checkpoints', steps: event.steps }];
    case 'over-budget':
      return [{ kind: 'end-task', state: 'escalated', why: event.reason }];
    case 'done':
      return [{ kind: doneCounts(view) ? 'mark-done' : 'stale-done', doneCount: event.doneCount }];
    case 'typed':
      return [{ kind: 'agent-state', state: 'typed' }, { kind: 'press-enter' }];
    case 'crashed':
      return [
        { kind: 'agent-state', state: 'crashed' },
        { kind: 'count-crash' },
        ...afterCrash(event.reason, view, policy),
      ];
    case 'idle':
    case 'stalled':
      return [
        { kind: 'agent-state', state: event.kind },
        { kind: 'ready-for-input' },
        ...whenQuiet(event.kind, view, policy, now),
      ];
    case 'refresh':
      return [];
  }
}

/**
 * A done signal counts once per text the agent received (brief, re-brief, nudge, steer): after a
 * failed verification, the next one counts only once the re-brief was submitted.
 */
export function doneCounts(view: Pick<TaskView, 'doneSpent'>): boolean {
  return view.doneSpent !== true;
}

/** After a crash (counted): relaunch under the cap; past it, the next agent of the chain, else a human. */
function afterCrash(reason: string, view: TaskView, policy: SupervisionPolicy): TaskAction[] {
  const crashes = view.crashes + 1;
  const cap = policy.crashCap;
  if (crashes > cap && view.nextAgent)
    return [{ kind: 'hand-off', why: `it crashed ${crashes} times (cap ${cap}; last: ${reason})` }];
  const relaunch: TaskAction = {
    kind: 'relaunch',
    why: `agent crashed (${reason}); relaunch ${crashes}/${cap}`,
    ...(view.briefSubmitted ? { continueText: CRASH_CONTINUE_TEXT } : {}),
  };
  if (crashes <= cap) return [relaunch];
  // a human who answers gets fresh caps; the relaunch then follows
  return [
    {
      kind: 'escalate',
      why: `the agent crashed ${crashes} times (cap ${cap})`,
      unanswered: 'escalated: crash cap reached and no human answered',
    },
    { ...relaunch, why: `agent crashed (${reason}); relaunch 0/${cap}` },
  ];
}

/** An idle or stalled agent: the brief first; then a nudge once the cooldown is over, a human past the nudge cap. */
function whenQuiet(kind: 'idle' | 'stalled', view: TaskView, policy: SupervisionPolicy, now: number): TaskAction[] {
  if (!view.briefSubmitted) return view.briefQueued ? [] : [{ kind: 'queue-brief' }];
  if (view.pendingTexts > 0 || view.doneReported) return [];
  const cooldownLeft = policy.nudgeCooldownSeconds * 1000 - (now - view.lastNudgeAt);
  if (cooldownLeft > 0) return [{ kind: 'wait', ms: cooldownLeft }];
  if (view.nudges >= policy.nudgeCap)
    return [
      {
        kind: 'escalate',
        why: `the agent is ${kind} after ${view.nudges} nudges`,
        unanswered: 'escalated: nudge cap reached and no human answered',
      },
    ];
  return [{ kind: 'nudge', text: NUDGE_TEXT[kind], at: now }];
}

/** What follows a failed verification (the revision already counted in `view.revisions`). */
export type RevisionDecision =
  | { kind: 'revise'; text: string }
  | { kind: 'hand-off'; why: string }
  | { kind: 'escalate'; why: string; unanswered: string; text: string };

export function decideOnFailedVerification(
  reasons: readonly string[],
  view: Pick<TaskView, 'revisions' | 'nextAgent'>,
  policy: SupervisionPolicy,
): RevisionDecision {
  const { revisions } = view;
  const cap = policy.revisionCap;
  if (revisions <= cap) return { kind: 'revise', text: buildRebrief(reasons) };
  if (view.nextAgent) return { kind: 'hand-off', why: `its work failed verification ${revisions} times (cap ${cap})` };
  return {
    kind: 'escalate',
    why: `verification failed ${revisions} times (cap ${cap})`,
    unanswered: `verification failed: ${reasons.join('; ')}`,
    text: buildRebrief(reasons),
  };
}

/**
 * The nudge the next watch may send itself: the one the workflow would send next (brief in,
 * nothing else to deliver, not done, under the cap), not before the cooldown ends. Undefined: none.
 */
export function nudgePermission(
  view: TaskView,
  policy: SupervisionPolicy,
): { idleText: string; stalledText: string; notBefore: number } | undefined {
  const due = view.briefSubmitted && view.pendingTexts === 0 && !view.doneReported && view.nudges < policy.nudgeCap;
  if (!due) return undefined;
  return {
    idleText: NUDGE_TEXT.idle,
    stalledText: NUDGE_TEXT.stalled,
    notBefore: view.lastNudgeAt + policy.nudgeCooldownSeconds * 1000,
  };
}
