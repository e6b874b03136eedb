import { z } from 'zod';

/** A GitHub check run's conclusion (REST `conclusion`, lower case), as GitHub documents them. */
export const CheckConclusionSchema = z.enum([
  'action_required',
  'cancelled',
  'failure',
  'neutral',
  'success',
  'skipped',
  'stale',
  'timed_out',
  'startup_failure',
]);
export type CheckConclusion = z.infer<typeof CheckConclusionSchema>;

/** Conclusions that do not block: GitHub's own merge rules treat neutral and skipped checks as passing. */
export const GreenConclusionSchema = CheckConclusionSchema.extract(['success', 'neutral', 'skipped']);
const GREEN: ReadonlySet<string> = new Set(GreenConclusionSchema.options);

/** True for a passing conclusion; anything else (null, unknown strings) is not green. */
export function isGreenConclusion(conclusion: string | null | undefined): boolean {
  return conclusion != null && GREEN.has(conclusion);
}

/** A check that finished and passed. */
export function isGreenCheck(check: { status: string; conclusion: string | null }): boolean {
  return check.status === 'completed' && isGreenConclusion(check.conclusion);
}

/** A check that finished and did not pass (a check still running is neither green nor failed). */
export function isFailedCheck(check: { status: string; conclusion: string | null }): boolean {
  return check.status === 'completed' && !isGreenConclusion(check.conclusion);
}

/** GraphQL `StatusCheckRollup.state`: all of a commit's checks and statuses rolled into one. */
export const CheckRollupStateSchema = z.enum(['SUCCESS', 'FAILURE', 'ERROR', 'PENDING', 'EXPECTED']);
export type CheckRollupState = z.infer<typeof CheckRollupStateSchema>;
/** A rollup that says some check failed (pending and expected checks are not failures yet). */
export const FailingRollupStateSchema = CheckRollupStateSchema.extract(['FAILURE', 'ERROR']);

export function isFailingRollup(state: CheckRollupState | null): boolean {
  return state !== null && FailingRollupStateSchema.safeParse(state).success;
}
