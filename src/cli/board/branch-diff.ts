import { git } from '../../host/git/git.js';

const MAX_DIFF = 200_000;
const BASE_CANDIDATES = ['origin/HEAD', 'origin/main', 'origin/master'];

/**
 * The task branch's work so far, as the board's detail view shows it: the diff of the worktree
 * (commits and uncommitted changes) from where the branch left its base (the merge base with the
 * base clone's default branch), or from HEAD when no base is found. Read-only git, argv only.
 */
export async function branchDiff(worktree: string): Promise<{ base: string; stat: string; diff: string }> {
  let base = 'HEAD';
  for (const ref of BASE_CANDIDATES) {
    const mb = await git(worktree, ['merge-base', 'HEAD', ref]);
    if (mb.ok && mb.stdout) {
      base = mb.stdout.trim();
      break;
    }
  }
  const stat = await git(worktree, ['diff', '--stat', base]);
  const diff = await git(worktree, ['diff', base]);
  if (!stat.ok) throw new Error(`git diff failed in ${worktree}: ${stat.stderr}`);
  const text =
    diff.stdout.length > MAX_DIFF
      ? `${diff.stdout.slice(0, MAX_DIFF)}\n… (cut at ${MAX_DIFF} characters)`
      : diff.stdout;
  return { base, stat: stat.stdout, diff: text };
}
