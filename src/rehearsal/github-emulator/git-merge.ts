/**
 * Writes to the emulator's bare repositories beyond a plain merge: moving and deleting branches
 * with compare-and-swap, ancestry (is a head behind its base?), and replaying a PR's commits onto
 * another commit (rebase merges, "update branch" by rebase) in a throwaway worktree. Every call
 * is `git` with an argument array.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';

/** GitHub writes merge, squash and rebased commits as itself. */
const COMMITTER = { GIT_COMMITTER_NAME: 'GitHub', GIT_COMMITTER_EMAIL: 'noreply@github.com' };
const AUTHOR = { GIT_AUTHOR_NAME: 'GitHub', GIT_AUTHOR_EMAIL: 'noreply@github.com' };

async function git(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  const res = await execa('git', args, { reject: false, env: { ...env, GIT_TERMINAL_PROMPT: '0' } });
  return { stdout: res.stdout, stderr: res.stderr, exitCode: res.exitCode ?? 1 };
}

/** Whether `ancestor` is reachable from `descendant` (a head is up to date with its base when the base is). */
export async function isAncestor(bare: string, ancestor: string, descendant: string): Promise<boolean> {
  const res = await git(['--git-dir', bare, 'merge-base', '--is-ancestor', ancestor, descendant]);
  if (res.exitCode === 0 || res.exitCode === 1) return res.exitCode === 0;
  throw new Error(`git merge-base --is-ancestor failed for ${ancestor} ${descendant}: ${res.stderr.trim()}`);
}

/** Moves `branch` to `to` only if it is still at `expected`; false when it moved meanwhile. */
export async function moveBranch(bare: string, branch: string, to: string, expected: string): Promise<boolean> {
  return (await git(['--git-dir', bare, 'update-ref', `refs/heads/${branch}`, to, expected])).exitCode === 0;
}

/** Deletes `branch`; false when it did not exist. */
export async function deleteBranch(bare: string, branch: string): Promise<boolean> {
  const exists = await git(['--git-dir', bare, 'show-ref', '--verify', '--quiet', `refs/heads/${branch}`]);
  if (exists.exitCode !== 0) return false;
  return (await git(['--git-dir', bare, 'update-ref', '-d', `refs/heads/${branch}`])).exitCode === 0;
}

/** A commit of `tree` with these parents, by GitHub; returns its SHA. */
export async function commitTree(bare: string, tree: string, parents: string[], message: string): Promise<string> {
  const made = await git(
    ['--git-dir', bare, 'commit-tree', tree, ...parents.flatMap((p) => ['-p', p]), '-m', message],
    { ...AUTHOR, ...COMMITTER },
  );
  if (made.exitCode !== 0) throw new Error(`git commit-tree failed: ${made.stderr.trim()}`);
  return made.stdout.trim();
}

export type Replay = { ok: true; sha: string } | { ok: false; conflicts: string[] };

/**
 * The commits of `upstream..head` replayed onto `onto` (what `git rebase --onto` does: merge
 * commits are dropped, commits already upstream are skipped, authors kept, GitHub commits).
 * git 2.39 has no `merge-tree --merge-base`, so this runs in a temporary worktree of the bare
 * repository, removed afterwards; no branch moves here.
 */
export async function replay(bare: string, opts: { head: string; upstream: string; onto: string }): Promise<Replay> {
  const dir = await mkdtemp(path.join(tmpdir(), 'drover-gh-rebase-'));
  const wt = path.join(dir, 'wt');
  try {
    const added = await git(['--git-dir', bare, 'worktree', 'add', '--detach', '--quiet', wt, opts.head]);
    if (added.exitCode !== 0) throw new Error(`git worktree add failed: ${added.stderr.trim()}`);
    const rebased = await git(['-C', wt, 'rebase', '--quiet', '--onto', opts.onto, opts.upstream], COMMITTER);
    if (rebased.exitCode !== 0) {
      const conflicts = await git(['-C', wt, 'diff', '--name-only', '--diff-filter=U']);
      await git(['-C', wt, 'rebase', '--abort']);
      return { ok: false, conflicts: conflicts.stdout.split('\n').filter((l) => l.trim() !== '') };
    }
    return { ok: true, sha: (await git(['-C', wt, 'rev-parse', 'HEAD'])).stdout.trim() };
  } finally {
    await git(['--git-dir', bare, 'worktree', 'remove', '--force', wt]);
    await rm(dir, { recursive: true, force: true });
    await git(['--git-dir', bare, 'worktree', 'prune']);
  }
}
