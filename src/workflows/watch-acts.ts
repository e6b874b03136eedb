import { buildNudge } from '../domain/brief.js';
import type { TaskState } from '../domain/task.js';
import type { WatchInput } from '../domain/watch.js';

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
