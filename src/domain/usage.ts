import { z } from 'zod';

/** Tokens an agent used, as its CLI recorded them (claude: the session JSONL under the task's HOME). */
export const UsageSchema = z.object({
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  cacheReadTokens: z.number().int().nonnegative(),
  cacheCreationTokens: z.number().int().nonnegative(),
  /** Model replies counted. */
  replies: z.number().int().nonnegative(),
});
export type Usage = z.infer<typeof UsageSchema>;

export const ZERO_USAGE: Usage = {
  inputTokens: 0,
  outputTokens: 0,
  cacheReadTokens: 0,
  cacheCreationTokens: 0,
  replies: 0,
};

/** What a task may spend; absent limits do not apply. */
export const TaskBudgetSchema = z.object({
  /** All tokens: input, output, cache reads and cache writes. */
  tokens: z.number().int().positive().optional(),
  /** Wall time from the task's start. */
  wallSeconds: z.number().positive().optional(),
});
export type TaskBudget = z.infer<typeof TaskBudgetSchema>;

/** Every token counted against a budget: input, output, cache reads and cache writes. */
export function totalTokens(u: Usage): number {
  return u.inputTokens + u.outputTokens + u.cacheReadTokens + u.cacheCreationTokens;
}

const n = (v: number) => v.toLocaleString('en-US');

/** `46,310 tokens (input 45,902, output 408, cache read 0, cache write 0; 2 replies)`. */
export function describeUsage(u: Usage): string {
  return `${n(totalTokens(u))} tokens (input ${n(u.inputTokens)}, output ${n(u.outputTokens)}, cache read ${n(u.cacheReadTokens)}, cache write ${n(u.cacheCreationTokens)}; ${u.replies} ${u.replies === 1 ? 'reply' : 'replies'})`;
}

/** Why the usage is at or over the budget (with the figures), or undefined while within it. */
export function overBudget(u: Usage, budget: TaskBudget | undefined): string | undefined {
  if (budget?.tokens === undefined || totalTokens(u) < budget.tokens) return undefined;
  return `token budget reached: ${describeUsage(u)} used, budget ${n(budget.tokens)}`;
}

/** Seconds of wall time left (undefined: no wall-time budget; 0: spent). */
export function wallSecondsLeft(
  startedAtMs: number,
  nowMs: number,
  budget: TaskBudget | undefined,
): number | undefined {
  if (budget?.wallSeconds === undefined) return undefined;
  return Math.max(0, budget.wallSeconds - (nowMs - startedAtMs) / 1000);
}

/** Why the wall-time budget is spent (with the figures), or undefined while time is left. */
export function wallTimeOver(startedAtMs: number, nowMs: number, budget: TaskBudget | undefined): string | undefined {
  const left = wallSecondsLeft(startedAtMs, nowMs, budget);
  if (left === undefined || left > 0) return undefined;
  return `wall-time budget reached: ${Math.round((nowMs - startedAtMs) / 1000)}s since the task started, budget ${budget!.wallSeconds}s`;
}
