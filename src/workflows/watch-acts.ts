import { buildNudge } from '../domain/brief.js';
import type { Dialog } from '../domain/screen-classifier.js';
import type { TaskState } from '../domain/task.js';
import type { WatchEvent, WatchInput } from '../domain/watch.js';
import type { Outbound } from './task-inbox.js';
import type { TaskRecord } from './task-record.js';

/** The nudge texts, the same whether the workflow or the watch sends them. */
export const NUDGE_TEXT = {
  idle: buildNudge('You stopped before reporting done.'),
  stalled: buildNudge('No progress for a long time.'),
} as const;

/**
 * What the next watch may do on its own (domain/watch.ts `act`): answer the dialogs the policy
 * approves, and send the nudge the workflow would send next, when it would send one (brief in,
 * nothing else to deliver, not done, under the nudge cap) and not before the cooldown ends.
 */
export function watchPermissions(args: {
  s: TaskState;
  worktree: string;
  nudgeDue: boolean;
  lastNudgeAt: number;
  cooldownSeconds: number;
}): NonNullable<WatchInput['act']> {
  return {
    seq: args.s.watcherActions ?? 0,
    dialogs: { worktree: args.worktree },
    ...(args.nudgeDue ? { nudge: { idleText: NUDGE_TEXT.idle, stalledText: NUDGE_TEXT.stalled, notBefore: args.lastNudgeAt + args.cooldownSeconds * 1000 } } : {}),
  };
}

/**
 * Records what the watch did on its own (a dialog answered, a nudge sent) as if the workflow had
 * done it: the decision, the dialog record, the nudge count. `handled`: nothing is left to decide.
 */
export function recordWatchAction(
  ev: WatchEvent,
  t: { rec: TaskRecord; outbox: Outbound[]; lastNudgeAt: number; doneBaseline: number },
): { handled: boolean; lastNudgeAt: number; doneBaseline: number } {
  const s = t.rec.s;
  if (ev.kind === 'dialog' && ev.answered) {
    s.watcherActions = Math.max(s.watcherActions ?? 0, ev.answered.seq);
    t.rec.agentState('dialog');
    recordPolicyApproval(t.rec, ev.dialog, ev.answered.reason, ` (answered by the watch${ev.answered.confirmed === false ? '; the dialog was still on screen 3 s later' : ''})`);
    return { handled: true, lastNudgeAt: t.lastNudgeAt, doneBaseline: t.doneBaseline };
  }
  if ((ev.kind === 'idle' || ev.kind === 'stalled') && ev.nudged) {
    s.watcherActions = Math.max(s.watcherActions ?? 0, ev.nudged.seq);
    s.nudges += 1;
    const lastNudgeAt = new Date().getTime();
    if (!ev.nudged.submitted) {
      t.rec.agentState(ev.kind);
      t.rec.decide(`nudge not delivered: ${ev.nudged.detail}`);
      t.outbox.push({ kind: 'nudge', text: ev.nudged.text, tried: true });
      return { handled: true, lastNudgeAt, doneBaseline: t.doneBaseline };
    }
    t.rec.agentState('working');
    t.rec.decide(`nudge submitted by the watch (${ev.nudged.detail}, ${ev.nudged.attempts} Enter)`);
    return { handled: true, lastNudgeAt, doneBaseline: Math.max(t.doneBaseline, ev.nudged.doneCount) };
  }
  return { handled: false, lastNudgeAt: t.lastNudgeAt, doneBaseline: t.doneBaseline };
}

/** A dialog the policy approved, recorded (whoever pressed the keys: the workflow, or the watch with `how`). */
export function recordPolicyApproval(rec: TaskRecord, dialog: Dialog, reason: string, how = ''): void {
  rec.s.dialogs.push({ kind: dialog.kind, decision: 'approve', decidedBy: 'policy', command: dialog.command, reason, at: new Date().toISOString() });
  rec.decide(`approved ${dialog.kind}${dialog.command ? ` \`${dialog.command}\`` : ''}${how}: ${reason}`);
}
