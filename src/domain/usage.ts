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
