import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { PROTECTED_BRANCH_PATTERN } from '../../domain/identifiers.js';
import { git, gitOrThrow } from '../git/git.js';
import { ensureBaseClone, insideWorkspace, repoKey, resolveBase } from './base-clone.js';
import { withKeyLock } from '../keyed-mutex.js';
import { claimSpare } from './worktree-pool.js';

export interface PreparedWorktree {
  worktree: string;
  branch: string;
  baseCommit: string;
  reused: boolean;
}

export interface BranchEvidence {
  head: string;
  baseCommit: string;
  commitsAhead: number;
  dirtyFiles: string[];
  remoteHead: string | null;
}

export const PROTECTED_BRANCHES = PROTECTED_BRANCH_PATTERN;

async function currentBranch(dir: string): Promise<string | null> {
  const result = await git(dir, ['symbolic-ref', '--quiet', '--short', 'HEAD']);
  return result.ok ? result.stdout : null;
}

/**
 * Idempotent: an existing worktree on the branch is reused; a branch that exists locally or
 * on the remote (an earlier attempt, another host) is checked out rather than recreated.
 * A new worktree is a free spare from the pool when there is one (worktree-pool.ts).
 */
export async function prepareWorktree(input: {
  workspace: string;
  repo: string;
  taskId: string;
  branch: string;
  baseRef: string;
  droverHome?: string;
}): Promise<PreparedWorktree> {
  const { workspace, repo, taskId, branch, baseRef } = input;
  if (PROTECTED_BRANCHES.test(branch)) {
    throw ApplicationFailure.nonRetryable(`branch ${branch} is protected; Drover never works on it`, 'ProtectedBranch');
  }
  const base = await ensureBaseClone(workspace, repo);
  const baseCommit = await resolveBase(base, baseRef);
  const worktree = insideWorkspace(workspace, 'repos', repoKey(repo), 'worktrees', taskId);

  if (existsSync(worktree)) {
    if ((await currentBranch(worktree)) === branch) return { worktree, branch, baseCommit, reused: true };
    await withKeyLock(base, async () => {
      await git(base, ['worktree', 'remove', '--force', worktree]);
      await rm(worktree, { recursive: true, force: true });
    });
  }
  // prune and add never overlap on one base: a prune removes the metadata of a worktree being added
  return withKeyLock(base, async () => {
    await git(base, ['worktree', 'prune']);
    await mkdir(path.dirname(worktree), { recursive: true });
    if (await claimSpare(workspace, repo, taskId, branch, baseCommit, { droverHome: input.droverHome })) {
      return { worktree, branch, baseCommit, reused: false };
    }
    const local = await git(base, ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`]);
    const remote = await git(base, ['rev-parse', '--verify', '--quiet', `refs/remotes/origin/${branch}`]);
    if (local.ok) {
      await gitOrThrow(base, ['worktree', 'add', '--quiet', worktree, branch]);
    } else if (remote.ok) {
      await gitOrThrow(base, ['worktree', 'add', '--quiet', '-b', branch, worktree, remote.stdout]);
    } else {
      await gitOrThrow(base, ['worktree', 'add', '--quiet', '-b', branch, worktree, baseCommit]);
    }
    return { worktree, branch, baseCommit, reused: false };
  });
}

export async function branchEvidence(input: {
  worktree: string;
  branch: string;
  baseCommit: string;
}): Promise<BranchEvidence> {
  const { worktree, branch, baseCommit } = input;
  const head = await gitOrThrow(worktree, ['rev-parse', 'HEAD']);
  const ahead = await gitOrThrow(worktree, ['rev-list', '--count', `${baseCommit}..HEAD`]);
  const status = await gitOrThrow(worktree, ['status', '--porcelain', '--untracked-files=no']);
  const remote = await git(worktree, ['ls-remote', '--heads', 'origin', `refs/heads/${branch}`]);
  const remoteHead = remote.ok && remote.stdout ? (remote.stdout.split(/\s/)[0] ?? null) : null;
  return {
    head,
    baseCommit,
    commitsAhead: Number(ahead),
    dirtyFiles: status ? status.split('\n').map((l) => l.slice(3)) : [],
    remoteHead,
  };
}

/**
 * Pushes the task branch to its remote without force; a no-op when the remote already has it.
 * One push per branch at a time on this host: the checkpoint push runs beside the watch, and a
 * done reported right after a checkpoint started the verification's push while it was still on
 * its way; two pushes creating one new ref failed with "cannot lock ref … reference already
 * exists" and the task was re-briefed for nothing. The second now waits, then finds it pushed.
 */
export async function pushBranch(input: {
  worktree: string;
  branch: string;
}): Promise<{ pushed: boolean; remoteHead: string; error?: string }> {
  return withKeyLock(`push\u0000${input.worktree}\u0000${input.branch}`, () => pushBranchNow(input));
}

async function pushBranchNow(input: {
  worktree: string;
  branch: string;
}): Promise<{ pushed: boolean; remoteHead: string; error?: string }> {
  const { worktree, branch } = input;
  const head = await gitOrThrow(worktree, ['rev-parse', 'HEAD']);
  const before = await git(worktree, ['ls-remote', '--heads', 'origin', `refs/heads/${branch}`]);
  if (before.ok && before.stdout.startsWith(head)) return { pushed: false, remoteHead: head };
  const push = await git(worktree, ['push', '--quiet', 'origin', `HEAD:refs/heads/${branch}`]);
  if (!push.ok) return { pushed: false, remoteHead: before.stdout.split(/\s/)[0] ?? '', error: push.stderr.trim() };
  return { pushed: true, remoteHead: head };
}
