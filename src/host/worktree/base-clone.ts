import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { git, gitOrThrow } from '../git/git.js';
import { withKeyLock } from '../keyed-mutex.js';

/** The workspace's clone of a user's repository, which every worktree of it (task or spare) hangs from. */

/** A remote repository (`https://…`, `ssh://…`, `git@host:owner/repo`), cloned as is; anything else is a local path. */
export function isRemoteRepo(repo: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(repo) || /^[\w.-]+@[\w.-]+:[^/]/.test(repo);
}

export function repoKey(repo: string): string {
  const abs = isRemoteRepo(repo) ? repo.replace(/\.git$/, '').replace(/\/+$/, '') : path.resolve(repo);
  const hash = createHash('sha256').update(abs).digest('hex').slice(0, 8);
  return `${path.basename(abs).replace(/[^A-Za-z0-9._-]/g, '_')}-${hash}`;
}

/** Keeps every path Drover creates or deletes inside the workspace root. */
export function insideWorkspace(workspace: string, ...parts: string[]): string {
  const root = path.resolve(workspace);
  const target = path.resolve(root, ...parts);
  if (target !== root && !target.startsWith(root + path.sep)) {
    throw ApplicationFailure.nonRetryable(`refusing path outside the workspace root ${root}: ${target}`, 'UnsafePath');
  }
  return target;
}

/** A clone of the user's repository that all worktrees of it hang from; re-cloned when broken and no worktree uses it. */
export async function ensureBaseClone(workspace: string, repo: string): Promise<string> {
  // a GitHub clone URL (a task that opens a PR): cloned, fetched and pushed with the user's own git credentials
  const source = isRemoteRepo(repo) ? repo : path.resolve(repo);
  if (!isRemoteRepo(repo) && !existsSync(path.join(source, '.git')) && !existsSync(path.join(source, 'HEAD'))) {
    throw ApplicationFailure.nonRetryable(`${source} is not a git repository`, 'NotARepository');
  }
  const base = insideWorkspace(workspace, 'repos', repoKey(source), 'base');
  return withKeyLock(base, () => fetchOrClone(source, base));
}

async function fetchOrClone(source: string, base: string): Promise<string> {
  if (existsSync(base)) {
    const headOk = async () => (await git(base, ['rev-parse', '--verify', '--quiet', 'HEAD'])).ok;
    let fetched = await git(base, ['fetch', '--quiet', '--prune', 'origin']);
    // a git killed mid-write (a SIGKILLed worker) leaves lock files that fail every later fetch
    if (!fetched.ok && (await headOk()) && (await clearStaleLocks(base)) > 0)
      fetched = await git(base, ['fetch', '--quiet', '--prune', 'origin']);
    if (fetched.ok && (await headOk())) {
      await ensureLocalIdentity(base);
      return base;
    }
    // re-cloning would pull the repository out from under every running agent's worktree
    if (await hasWorktrees(base)) {
      throw new Error(
        `git fetch in ${base} failed, and its worktrees are in use, so it is not re-cloned: ${fetched.stderr || fetched.stdout}`.trim(),
      );
    }
    await rm(base, { recursive: true, force: true });
  }
  await mkdir(path.dirname(base), { recursive: true });
  await gitOrThrow(path.dirname(base), ['clone', '--quiet', '--', source, base]);
  await ensureLocalIdentity(base);
  return base;
}

const STALE_LOCK_MS = 30_000;

/** Removes `*.lock` files older than 30 s from a clone's git directory and refs (no git holds a lock that long); returns how many. */
export async function clearStaleLocks(base: string): Promise<number> {
  const gitDir = path.join(base, '.git');
  const candidates = [
    ...(await readdir(gitDir).catch(() => [] as string[])).map((n) => path.join(gitDir, n)),
    ...(await readdir(path.join(gitDir, 'refs'), { recursive: true }).catch(() => [] as string[])).map((n) =>
      path.join(gitDir, 'refs', n),
    ),
  ].filter((f) => f.endsWith('.lock'));
  let removed = 0;
  for (const file of candidates) {
    const info = await stat(file).catch(() => undefined);
    if (info?.isFile() && Date.now() - info.mtimeMs > STALE_LOCK_MS) {
      await rm(file, { force: true });
      removed += 1;
    }
  }
  return removed;
}

async function hasWorktrees(base: string): Promise<boolean> {
  return (await readdir(path.join(base, '.git', 'worktrees')).catch(() => [] as string[])).length > 0;
}

/**
 * Agents run with a private HOME, so the worker's global git identity is invisible to them:
 * copy it (or a Drover identity) into the clone's own config, which its worktrees share.
 */
async function ensureLocalIdentity(base: string): Promise<void> {
  for (const [key, fallback] of [
    ['user.email', 'agent@drover.local'],
    ['user.name', 'Drover agent'],
  ] as const) {
    const local = await git(base, ['config', '--local', key]);
    if (local.ok && local.stdout) continue;
    const inherited = await git(base, ['config', key]);
    await gitOrThrow(base, ['config', '--local', key, inherited.ok && inherited.stdout ? inherited.stdout : fallback]);
  }
}

export async function resolveBase(base: string, ref: string): Promise<string> {
  for (const candidate of [`refs/remotes/origin/${ref}`, ref === 'HEAD' ? 'refs/remotes/origin/HEAD' : ref]) {
    const result = await git(base, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${candidate}^{commit}`]);
    if (result.ok && result.stdout) return result.stdout;
  }
  throw ApplicationFailure.nonRetryable(`base ref "${ref}" does not exist in the repository`, 'UnknownRef');
}
