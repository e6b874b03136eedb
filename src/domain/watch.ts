import { z } from 'zod';
import { DialogSchema } from './screen-classifier.js';

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
});
export type WatchInput = z.infer<typeof WatchInputSchema>;

const tail = z.array(z.string());

export const WatchEventSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('dialog'), dialog: DialogSchema, tail }),
  z.object({ kind: z.literal('checkpoints'), steps: z.array(z.string()), tail }),
  z.object({ kind: z.literal('done'), doneCount: z.number().int(), tail }),
  z.object({ kind: z.literal('idle'), quietSeconds: z.number(), tail }),
  z.object({ kind: z.literal('typed'), tail }),
  z.object({ kind: z.literal('crashed'), reason: z.string(), tail }),
  z.object({ kind: z.literal('stalled'), quietSeconds: z.number(), tail }),
  z.object({ kind: z.literal('refresh'), state: z.string(), tail }),
]);
export type WatchEvent = z.infer<typeof WatchEventSchema>;
