import { readableProblem } from './path-rules.js';

/**
 * The allowlist's answer for one command: safe with the reason and the rule that allowed it
 * (`python:pytest`, `git:commit`, `allow rule "just check" (config)` …), or not safe with why.
 */
export type Verdict = { safe: true; why: string; rule: string } | { safe: false; why: string };

export const ok = (why: string, rule: string): Verdict => ({ safe: true, why, rule });
export const no = (why: string): Verdict => ({ safe: false, why });

export const isOption = (a: string): boolean => a.startsWith('-') && a !== '-';

/** The first problem among the path-like arguments (non-options, and `--opt=value` values). */
export function pathProblem(args: readonly string[], worktree: string, check = readableProblem): string | undefined {
  for (const a of args) {
    const eq = a.indexOf('=');
    const value = isOption(a) ? (eq > 0 ? a.slice(eq + 1) : undefined) : a;
    if (value === undefined || value === '') continue;
    const problem = check(value, worktree);
    if (problem) return problem;
  }
  return undefined;
}

/** Safe when no argument names a path outside the worktree or a credential. */
export function withPaths(
  args: readonly string[],
  worktree: string,
  why: string,
  rule: string,
  label: string,
): Verdict {
  const problem = pathProblem(args, worktree);
  return problem ? no(`${label}: ${problem}`) : ok(why, rule);
}
