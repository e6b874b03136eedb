import { z } from 'zod';

/**
 * The task's status vocabulary, one place: what a screen shows, what the agent is doing, where
 * the task is, and how it ended. Each is a zod enum derived from the one before it, so a value
 * added to a narrower set cannot be forgotten in the wider one. Manifest statuses (the file
 * format users write) live in manifest-status.ts.
 */

/** What one screen read shows (the screen classifier's verdict). */
export const ScreenStateSchema = z.enum(['starting', 'working', 'idle', 'typed', 'dialog', 'crashed']);
export type ScreenState = z.infer<typeof ScreenStateSchema>;

/**
 * What the workflow believes the agent is doing: every screen state, plus what only the
 * workflow knows (no agent yet, the agent reported done, quiet for too long).
 */
export const AgentStateSchema = z.enum(['none', ...ScreenStateSchema.options, 'done', 'stalled']);
export type AgentState = z.infer<typeof AgentStateSchema>;

/** Where the task is in its lifecycle. */
export const PhaseSchema = z.enum([
  'placing',
  'preparing',
  'spawning',
  'supervising',
  'waiting-human',
  'paused',
  'verifying',
  /** Drover opening or updating the task's pull request. */
  'opening-pr',
  /** The PR passed the gate; waiting for the merge queue to merge it (`--merge`). */
  'awaiting-merge',
  /** A dependency's PR moved: following it (update-branch or a merge), then the PR gate again. */
  'restacking',
  'done',
  'escalated',
  'aborted',
  'failed',
]);
export type Phase = z.infer<typeof PhaseSchema>;

/**
 * How a task ended: a subset of the phases (the phase it finishes in). `escalated` is also a
 * phase a running task waits in and can leave when a human answers, so membership here does not
 * by itself say a task has finished.
 */
export const TaskResultStateSchema = PhaseSchema.extract(['done', 'escalated', 'aborted', 'failed']);
export type TaskResultState = z.infer<typeof TaskResultStateSchema>;
