import { CancellationScope, condition, isCancellation } from '@temporalio/workflow';
import type { CommandRule } from '../domain/command-rules.js';
import { tmuxWindowName } from '../domain/identifiers.js';
import type { Dialog } from '../domain/screen-classifier.js';
import { nudgePermission } from '../domain/task-decisions.js';
import type { SupervisionPolicy } from '../domain/task.js';
import { wallSecondsLeft, type TaskBudget } from '../domain/usage.js';
import type { WatchEvent, WatchInput } from '../domain/watch.js';
import type { hostActivities } from './activity-proxies.js';
import type { TaskInbox } from './task-inbox.js';
import type { TaskRecord } from './task-record.js';
import type { TaskSession } from './task-session.js';

/** The task's side of the watch: what it lets the watch do, the watch itself, and recording what the watch did. */
export interface WatchContext {
  record: TaskRecord;
  session: TaskSession;
  inbox: TaskInbox;
  policy: SupervisionPolicy;
  host: ReturnType<typeof hostActivities>;
  input: { commands?: readonly CommandRule[] | undefined; budget?: TaskBudget | undefined };
}

/** Read the agent's usage while watching (claude; an activity input only, so recorded histories replay unchanged). */
function usageWatch(ctx: WatchContext): Pick<WatchInput, 'usage'> {
  if (ctx.record.state.agent !== 'claude') return {};
  const budget = ctx.input.budget;
  return { usage: { taskId: ctx.record.state.taskId, ...(budget ? { budget } : {}) } };
}

/** The watch returns by the wall-time budget's end at the latest (the task then ends there), else after 10 min. */
function watchLimit(ctx: WatchContext): number {
  const left = wallSecondsLeft(Date.parse(ctx.record.state.startedAt), new Date().getTime(), ctx.input.budget);
  return left === undefined ? 600 : Math.max(1, Math.min(600, Math.ceil(left)));
}

/** What the watch decides dialogs with: the worktree and the user's command rules. */
function dialogContext(ctx: WatchContext, worktree: string): { worktree: string; rules?: CommandRule[] } {
  const rules = ctx.input.commands;
  return rules && rules.length > 0 ? { worktree, rules: [...rules] } : { worktree };
}

/** Quiet time the next watch may count: not after an event that was itself about quiet (domain/watch.ts). */
const QUIET_EVENTS: readonly string[] = ['idle', 'stalled', 'typed'];

/**
 * Watches the agent's pane until something happens there, or until a message wakes the task
 * (undefined). The watch may answer the dialogs the policy approves and send the nudge the
 * workflow would send next (domain/task-decisions.ts `nudgePermission`).
 */
export async function watchOrWake(ctx: WatchContext, worktree: string): Promise<WatchEvent | undefined> {
  const { record, session, inbox, policy } = ctx;
  const task = record.state;
  const seen = inbox.wake;
  const scope = new CancellationScope();
  const nudge = nudgePermission(session.view(task, worktree, undefined), policy);
  const watch = scope.run(() =>
    ctx.host.watchAgent({
      paneId: task.paneId!,
      agent: task.agent,
      knownCheckpoints: task.checkpoints,
      doneBaseline: session.doneBaseline,
      pendingDialogText: task.pendingDialog?.text,
      idleSeconds: session.briefSubmitted ? policy.idleSeconds : 0.5,
      stallSeconds: policy.stallSeconds,
      maxWaitSeconds: watchLimit(ctx),
      quietCredit: session.lastEventKind !== undefined && !QUIET_EVENTS.includes(session.lastEventKind),
      worktree,
      windowName: tmuxWindowName(task.taskId),
      ...usageWatch(ctx),
      act: { seq: task.watcherActions ?? 0, dialogs: dialogContext(ctx, worktree), ...(nudge ? { nudge } : {}) },
    }),
  );
  const woken = scope.run(() => condition(() => inbox.wake > seen));
  watch.catch(() => undefined);
  woken.catch(() => undefined);
  try {
    return await Promise.race([watch, woken.then(() => undefined)]);
  } catch (error) {
    if (isCancellation(error)) return undefined;
    throw error;
  } finally {
    scope.cancel();
  }
}

/** A dialog the watch answered itself (policy approved), recorded as if the workflow had answered it. */
export function recordWatchAnswer(
  ctx: Pick<WatchContext, 'record'>,
  ev: Extract<WatchEvent, { kind: 'dialog' }>,
): void {
  const answered = ev.answered!;
  ctx.record.watcherActed(answered.seq);
  ctx.record.agentState('dialog');
  recordPolicyApproval(
    ctx.record,
    ev.dialog,
    answered.reason,
    ` (answered by the watch${answered.confirmed === false ? '; the dialog was still on screen 3 s later' : ''})`,
    answered.rule,
  );
}

/** A nudge the watch sent itself, counted as the workflow's; one not delivered waits in the outbox, already tried. */
export function recordWatchNudge(
  ctx: Pick<WatchContext, 'record' | 'session'>,
  ev: Extract<WatchEvent, { kind: 'idle' | 'stalled' }>,
  now: number,
): void {
  const { record, session } = ctx;
  const nudged = ev.nudged!;
  record.watcherActed(nudged.seq);
  record.countNudge();
  session.nudged(now);
  if (!nudged.submitted) {
    record.agentState(ev.kind);
    record.decide(`nudge not delivered: ${nudged.detail}`);
    session.queue({ kind: 'nudge', text: nudged.text, tried: true });
    return;
  }
  record.agentState('working');
  record.decide(`nudge submitted by the watch (${nudged.detail}, ${nudged.attempts} Enter)`);
  session.submitted('nudge', nudged.doneCount);
}

/** A dialog the policy approved, recorded (whoever pressed the keys: the workflow, or the watch with `how`). */
export function recordPolicyApproval(
  record: TaskRecord,
  dialog: Dialog,
  reason: string,
  how = '',
  rule?: string,
): void {
  record.dialogDecided({
    kind: dialog.kind,
    decision: 'approve',
    decidedBy: 'policy',
    command: dialog.command,
    reason,
    ...(rule !== undefined ? { rule } : {}),
  });
  record.decide(`approved ${dialog.kind}${dialog.command ? ` \`${dialog.command}\`` : ''}${how}: ${reason}`);
}
