import { git, gitOrThrow } from './git.js';
import { mergeInBranches } from './merge-in.js';

/**
 * A restack in the task's worktree: fetch, then either follow the head GitHub made (update-branch
 * merged the base in: a fast-forward) or merge a dependency's new commits in. Never a reset, never
 * a force: a restack only adds commits. A merge that conflicts is left in progress for the agent.
 */
export async function syncWorktree(input: {
  worktree: string;
  branch: string;
  mergeIn?: string[];
}): Promise<{ head: string; conflict?: { branch: string; files: string[] } }> {
  const { worktree, branch } = input;
  await gitOrThrow(worktree, ['fetch', '--quiet', 'origin']);
  if (input.mergeIn && input.mergeIn.length > 0) {
    const merged = await mergeInBranches({ worktree, branches: input.mergeIn });
    const head = await gitOrThrow(worktree, ['rev-parse', 'HEAD']);
    return merged.conflict ? { head, conflict: merged.conflict } : { head };
  }
  const ff = await git(worktree, ['merge', '--ff-only', '--quiet', `refs/remotes/origin/${branch}`]);
  if (!ff.ok) throw new Error(`${branch} cannot fast-forward to origin/${branch}: ${ff.stderr || ff.stdout}`.trim());
  return { head: await gitOrThrow(worktree, ['rev-parse', 'HEAD']) };
}
