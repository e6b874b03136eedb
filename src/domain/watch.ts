import { z } from 'zod';
import { CommandRuleSchema } from './command-rules.js';
import { DialogSchema } from './screen-classifier.js';
import { TaskBudgetSchema, UsageSchema } from './usage.js';

export const WatchInputSchema = z.object({
  paneId: z.string(),
  agent: z.string(),
  knownCheckpoints: z.array(z.string()),
  /** Done markers already on screen when the last input was sent; only more than this counts. */
  doneBaseline: z.number().int().nonnegative(),
  /** A dialog already waiting for a human: seeing it again is not news. */
  pendingDialogText: z.string().optional(),
  idleSeconds: z.number().positive(),
  stallSeconds: z.number().positive(),
  maxWaitSeconds: z.number().positive(),
  /**
   * Quiet time before this watch counts (the pane's last output as the host watcher saw it): set
   * after an event that was not itself about quiet (a checkpoint, a dialog answered), so an agent
   * that went idle meanwhile is nudged without waiting idleSeconds again. Never after an idle,
   * stalled or typed event, which would report the same quiet period twice.
   */
  quietCredit: z.boolean().optional(),
  /** The task's worktree: when it vanishes under a live agent, the watch reports a crash (the agent must be relaunched in a restored one). */
  worktree: z.string().optional(),
  /** The task's window name: a pane id that now belongs to another window (the tmux server was restarted) is not this agent. */
  windowName: z.string().optional(),
  /**
   * What the workflow lets the watch do itself, without a round trip through Temporal (the
   * reaction then takes one screen read, not three task dispatches): answer a dialog the dialog
   * policy approves, and send the nudge the workflow has already decided on. The watch reports
   * every such action in the event it returns; `seq` counts the actions the workflow has recorded.
   */
  /**
   * Read the agent's token usage (claude's transcripts in the task's HOME) while watching: every
   * event carries the latest figures, and at `budgetTokens` the watch reports `over-budget`.
   */
  usage: z.object({ taskId: z.string(), budget: TaskBudgetSchema.optional() }).optional(),
  act: z
    .object({
      seq: z.number().int().nonnegative(),
      /** Answer dialogs that `decideDialog` approves with this context (absent: report them only). */
      dialogs: z.object({ worktree: z.string(), rules: z.array(CommandRuleSchema).optional() }).optional(),
      /** Nudge an agent seen idle or stalled, not before `notBefore` (epoch ms): the texts are the workflow's. */
      nudge: z.object({ idleText: z.string(), stalledText: z.string(), notBefore: z.number() }).optional(),
    })
    .optional(),
});
export type WatchInput = z.infer<typeof WatchInputSchema>;

const tail = z.array(z.string());

/** A dialog the watch answered itself (policy approved): the keys it sent and the policy's reason. */
export const WatchAnswerSchema = z.object({
  seq: z.number().int().positive(),
  keys: z.array(z.string()),
  reason: z.string(),
  /** The rule that approved it (`python:pytest`, `allow rule "just check" (config)` …). */
  rule: z.string().optional(),
  /** The dialog left the screen after the keys (false: it was still there after 3 s). */
  confirmed: z.boolean().optional(),
});
/** A nudge the watch sent itself: how its delivery went (as `deliverText` reports it). */
export const WatchNudgeSchema = z.object({
  seq: z.number().int().positive(),
  text: z.string(),
  submitted: z.boolean(),
  doneCount: z.number().int(),
  attempts: z.number().int(),
  detail: z.string(),
});
export type WatchAnswer = z.infer<typeof WatchAnswerSchema>;
export type WatchNudge = z.infer<typeof WatchNudgeSchema>;

/** The agent's token usage when the watch returned (only when the watch was asked to read it). */
const usage = UsageSchema.optional();

export const WatchEventSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('dialog'), dialog: DialogSchema, tail, answered: WatchAnswerSchema.optional(), usage }),
  z.object({ kind: z.literal('checkpoints'), steps: z.array(z.string()), tail, usage }),
  z.object({ kind: z.literal('done'), doneCount: z.number().int(), tail, usage }),
  z.object({ kind: z.literal('idle'), quietSeconds: z.number(), tail, nudged: WatchNudgeSchema.optional(), usage }),
  z.object({ kind: z.literal('typed'), tail, usage }),
  z.object({ kind: z.literal('crashed'), reason: z.string(), tail, usage }),
  z.object({ kind: z.literal('stalled'), quietSeconds: z.number(), tail, nudged: WatchNudgeSchema.optional(), usage }),
  z.object({ kind: z.literal('refresh'), state: z.string(), tail, usage }),
  /** The usage reached the task's budget: `reason` has the figures. */
  z.object({ kind: z.literal('over-budget'), reason: z.string(), tail, usage }),
]);
export type WatchEvent = z.infer<typeof WatchEventSchema>;
