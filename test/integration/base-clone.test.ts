import { existsSync } from 'node:fs';
import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureBaseClone, isRemoteRepo, repoKey } from '../../src/host/worktree/base-clone.js';
import { prepareWorktree, pushBranch } from '../../src/host/worktree/worktree.js';
import { git, makeRepo } from '../support/repo.js';

let tmp: string;
beforeEach(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'drover-base-'));
});
afterEach(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** A ref lock as a git process killed mid-fetch leaves it, dated `ageMs` ago. */
async function plantLock(base: string, ageMs: number): Promise<string> {
  const branch = (await git(base, ['symbolic-ref', '--short', 'HEAD'])).trim();
  const lock = path.join(base, '.git', 'refs', 'remotes', 'origin', `${branch}.lock`);
  await writeFile(lock, '');
  const when = new Date(Date.now() - ageMs);
  await utimes(lock, when, when);
  return lock;
}

/** A new commit in the source repository: the next fetch must update the (locked) remote ref. */
async function commitUpstream(repo: string, file: string): Promise<void> {
  await writeFile(path.join(repo, file), 'new\n');
  await git(repo, ['add', '-A']);
  await git(repo, ['commit', '-q', '-m', 'upstream']);
}

describe('the base clone under faults (real git)', () => {
  it('clears a stale ref lock left by a killed git, fetches, and keeps the worktrees', async () => {
    const repo = await makeRepo(path.join(tmp, 'repo'));
    const workspace = path.join(tmp, 'ws');
    const made = await prepareWorktree({ workspace, repo, taskId: 't1', branch: 'drover/t1', baseRef: 'HEAD' });
    const base = await ensureBaseClone(workspace, repo);
    await commitUpstream(repo, 'b.txt');
    const lock = await plantLock(base, 60_000);
    expect(await ensureBaseClone(workspace, repo)).toBe(base);
    expect(existsSync(lock)).toBe(false);
    const upstream = (await git(repo, ['rev-parse', 'HEAD'])).trim();
    const branch = (await git(base, ['symbolic-ref', '--short', 'HEAD'])).trim();
    expect((await git(base, ['rev-parse', `refs/remotes/origin/${branch}`])).trim()).toBe(upstream);
    expect((await git(made.worktree, ['rev-parse', '--abbrev-ref', 'HEAD'])).trim()).toBe('drover/t1');
  });

  it('never re-clones a base that worktrees use: a fresh lock (a git still running) fails the call instead', async () => {
    const repo = await makeRepo(path.join(tmp, 'repo'));
    const workspace = path.join(tmp, 'ws');
    const made = await prepareWorktree({ workspace, repo, taskId: 't2', branch: 'drover/t2', baseRef: 'HEAD' });
    const base = await ensureBaseClone(workspace, repo);
    await commitUpstream(repo, 'c.txt');
    const lock = await plantLock(base, 0);
    await expect(ensureBaseClone(workspace, repo)).rejects.toThrow(/worktrees are in use, so it is not re-cloned/);
    expect(existsSync(lock)).toBe(true);
    // the worktree and its repository are untouched
    expect((await git(made.worktree, ['rev-parse', '--abbrev-ref', 'HEAD'])).trim()).toBe('drover/t2');
    await rm(lock);
    expect(await ensureBaseClone(workspace, repo)).toBe(base);
  });
});

describe('a remote repository (a GitHub clone URL)', () => {
  it('is cloned from its URL, and a task branch pushed from a worktree lands on that remote', async () => {
    const repo = await makeRepo(path.join(tmp, 'repo'));
    const remote = path.join(tmp, 'remote.git');
    await git(tmp, ['clone', '--quiet', '--bare', repo, remote]);
    const url = `file://${remote}`;
    expect(isRemoteRepo(url)).toBe(true);
    expect(isRemoteRepo('git@github.com:acme/widgets.git')).toBe(true);
    expect(isRemoteRepo(repo)).toBe(false);
    expect(repoKey('https://github.com/acme/widgets.git')).toBe(repoKey('https://github.com/acme/widgets'));
    const workspace = path.join(tmp, 'ws');
    const made = await prepareWorktree({ workspace, repo: url, taskId: 't1', branch: 'drover/t1', baseRef: 'HEAD' });
    await writeFile(path.join(made.worktree, 'b.txt'), 'b\n');
    await git(made.worktree, ['add', '-A']);
    await git(made.worktree, ['commit', '-q', '-m', 'b']);
    const pushed = await pushBranch({ worktree: made.worktree, branch: 'drover/t1' });
    const head = (await git(made.worktree, ['rev-parse', 'HEAD'])).trim();
    expect(pushed).toMatchObject({ pushed: true, remoteHead: head });
    expect((await git(remote, ['rev-parse', 'refs/heads/drover/t1'])).trim()).toBe(head);
  });
});
