/**
 * Fallback chains (`--agent gemini,claude`): when one agent CLI crashes past its cap or fails
 * verification past the revision cap, the next takes over the same worktree and branch, with a
 * handoff brief that says what the previous one did and what remains.
 */

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/** `gemini,claude` → ['gemini', 'claude']; each name must be known, none twice. */
export function parseAgentChain(text: string, known: readonly string[]): Parsed<string[]> {
  const names = String(text)
    .split(',')
    .map((s) => s.trim());
  if (names.some((n) => n === ''))
    return { ok: false, error: `--agent "${text}": an empty name in the chain; write e.g. gemini,claude` };
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length > 0)
    return {
      ok: false,
      error: `--agent "${text}": unknown agent${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; known: ${known.join(', ')}`,
    };
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice)
    return { ok: false, error: `--agent "${text}": ${twice} appears twice; each agent gets one turn in the chain` };
  return { ok: true, value: names };
}

export interface Progress {
  /** Commits on the branch since the task's base, newest first. */
  commits: Array<{ sha: string; subject: string }>;
  /** `git diff --stat` of base..HEAD, last line (e.g. "2 files changed, 5 insertions(+)"). */
  diffStat: string;
  changedFiles: string[];
  dirtyFiles: string[];
}

export interface HandoffInput {
  from: string;
  to: string;
  why: string;
  progress: Progress;
  checkpoints: readonly string[];
  steps: readonly string[];
  lastVerification: readonly string[];
}

/** The section put in front of the regular brief for the agent that takes over. */
export function buildHandoffNote(input: HandoffInput): string {
  const { progress } = input;
  const done: string[] = [];
  if (progress.commits.length === 0) done.push(`- No commit yet on the branch.`);
  else {
    done.push(
      `- ${progress.commits.length} commit${progress.commits.length > 1 ? 's' : ''} on the branch (${progress.diffStat || 'no diff'}):`,
    );
    for (const c of progress.commits.slice(0, 15)) done.push(`  ${c.sha.slice(0, 10)} ${c.subject}`);
    if (progress.changedFiles.length > 0)
      done.push(
        `- Files changed: ${progress.changedFiles.slice(0, 20).join(', ')}${progress.changedFiles.length > 20 ? ', …' : ''}`,
      );
  }
  if (progress.dirtyFiles.length > 0)
    done.push(
      `- Uncommitted changes left in: ${progress.dirtyFiles.slice(0, 20).join(', ')} (review them: keep and commit, or revert)`,
    );
  if (input.checkpoints.length > 0) done.push(`- Steps already reported: ${input.checkpoints.join(', ')}`);
  const remaining = input.steps.filter((s) => !input.checkpoints.includes(s));
  const todo = [
    remaining.length > 0
      ? `- Steps still to do and report: ${remaining.join(', ')}`
      : '- Every required step was reported; finish the objective and verify it.',
    ...input.lastVerification.map((r) => `- Drover's last check said: ${r.replace(/\s+/g, ' ').trim()}`),
  ];
  return [
    `Handoff: you take over this task from the ${input.from} agent, which stopped because ${input.why}.`,
    `The worktree and branch are the same; build on its work where it is sound.`,
    'What it did:',
    ...done,
    'What remains:',
    ...todo,
    '',
  ].join('\n');
}
