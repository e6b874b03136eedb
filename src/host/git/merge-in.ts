import { git, gitOrThrow } from './git.js';

export interface MergeInResult {
  /** Branches merged cleanly (or already contained), in order. */
  merged: string[];
  /** The branch whose merge stopped on conflicts, left in progress for the agent, and its files. */
  conflict?: { branch: string; files: string[] };
}

/**
 * Merges the dependencies' branches (from `origin`) into the worktree's branch one at a time; the
 * first conflict stops there with the merge in progress, so the agent resolves it in place. Safe to
 * run again: a branch already merged is a no-op, a merge already in progress is reported again.
 */
export async function mergeInBranches(input: { worktree: string; branches: string[] }): Promise<MergeInResult> {
  const { worktree } = input;
  const inProgress = await git(worktree, ['rev-parse', '--verify', '--quiet', 'MERGE_HEAD']);
  const merged: string[] = [];
  for (const branch of input.branches) {
    const ref = `refs/remotes/origin/${branch}`;
    if (inProgress.ok) {
      const conflicted = await unmergedFiles(worktree);
      const tip = await git(worktree, ['rev-parse', '--verify', '--quiet', ref]);
      if (tip.ok && tip.stdout === inProgress.stdout) return { merged, conflict: { branch, files: conflicted } };
    }
    const contained = await git(worktree, ['merge-base', '--is-ancestor', ref, 'HEAD']);
    if (contained.ok) {
      merged.push(branch);
      continue;
    }
    const result = await git(worktree, ['merge', '--no-ff', '--no-edit', '-m', `Merge ${branch} (dependency)`, ref]);
    if (result.ok) {
      merged.push(branch);
      continue;
    }
    const files = await unmergedFiles(worktree);
    if (files.length === 0) await gitOrThrow(worktree, ['merge', '--abort']);
    if (files.length === 0) throw new Error(`merging ${branch} failed: ${result.stderr || result.stdout}`.trim());
    return { merged, conflict: { branch, files } };
  }
  return { merged };
}

async function unmergedFiles(worktree: string): Promise<string[]> {
  const out = await gitOrThrow(worktree, ['diff', '--name-only', '--diff-filter=U']);
  return out ? out.split('\n') : [];
}
