import { z } from 'zod';

/**
 * Worktree setup (docs/tasks.md "Setup"): files copied in and commands run in a task's new
 * worktree before its agent starts: `npm ci`, `uv sync`, a `.env` from the user's checkout. A
 * command is argv, never a shell string; each runs under a timeout, its output's tail recorded;
 * the first failure fails the task with its reason.
 */

const Argv = z.array(z.string().min(1, 'an argument of a setup command is empty')).min(1, 'a setup command is empty');

export const SetupSpecSchema = z.object({
  commands: z.array(Argv).max(20).default([]),
  /** Files copied into the worktree: `from` relative to the task's repository (the user's checkout) or absolute; `to` relative to the worktree (default: `from`'s relative path, or its name). */
  copy: z
    .array(z.object({ from: z.string().min(1), to: z.string().min(1).optional() }))
    .max(50)
    .default([]),
  /** Per command. */
  timeoutSeconds: z.number().positive().max(7200).default(600),
});
export type SetupSpec = z.output<typeof SetupSpecSchema>;
export type SetupSpecInput = z.input<typeof SetupSpecSchema>;

export const SetupStepSchema = z.object({
  argv: z.array(z.string()),
  exitCode: z.number().int().nullable(),
  timedOut: z.boolean().optional(),
  seconds: z.number(),
  tail: z.array(z.string()),
});
export type SetupStep = z.infer<typeof SetupStepSchema>;

export const SetupResultSchema = z.object({
  steps: z.array(SetupStepSchema),
  copied: z.array(z.string()),
  /** Why setup failed (the task fails with it); absent when it succeeded. */
  failure: z.string().optional(),
});
export type SetupResult = z.infer<typeof SetupResultSchema>;

/** Why a step failed, with the first error line of its output's tail (else its last line), or undefined when it succeeded. */
export function stepFailure(step: SetupStep, timeoutSeconds: number): string | undefined {
  const cmd = `\`${step.argv.join(' ')}\``;
  const lines = step.tail.filter((l) => l.trim() !== '');
  const last = lines.find((l) => /\berror\b|\bfailed\b|not found/i.test(l)) ?? lines.at(-1);
  const said = last ? `: ${last.trim().slice(0, 300)}` : '';
  if (step.timedOut) return `${cmd} did not finish within ${timeoutSeconds}s${said}`;
  if (step.exitCode !== 0) return `${cmd} exited ${step.exitCode ?? 'by a signal'} after ${step.seconds}s${said}`;
  return undefined;
}
