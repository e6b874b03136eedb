import { existsSync, realpathSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { git, gitOrThrow } from '../git/git.js';
import { withDirLock } from './pool-lock.js';
import { POOL_PROTECTED_BRANCHES, protectionReason, readProtectedList } from './protected-worktrees.js';
import { ensureBaseClone, insideWorkspace, repoKey, resolveBase } from './base-clone.js';

/**
 * The worktree pool of one repository: spare worktrees at `<workspace>/repos/<repoKey>/spares/spare-<N>`
 * on branch `spare/<N>`, claimed by tasks (moved to `worktrees/<taskId>`) and recycled back.
 * Every change to the pool happens under one `mkdir` lock per repository (`pool.lock`).
 */
export interface PoolOptions {
  /** Where `protected.json` lives; without it only protected branch names are honoured. */
  droverHome?: string;
}

export interface PoolDirs {
  repoDir: string;
  base: string;
  spares: string;
  worktrees: string;
  lock: string;
}

export interface WorktreeEntry {
  path: string;
  head: string;
  branch: string | null;
}

export interface WorktreeCleanliness {
  dirtyFiles: string[];
  unpushedCommits: number;
}

const SPARE_DIR = /^spare-([1-9][0-9]{0,5})$/;
const MAX_SPARES = 100;

export function poolDirs(workspace: string, repo: string): PoolDirs {
  const repoDir = insideWorkspace(workspace, 'repos', repoKey(repo));
  return {
    repoDir,
    base: insideWorkspace(repoDir, 'base'),
    spares: insideWorkspace(repoDir, 'spares'),
    worktrees: insideWorkspace(repoDir, 'worktrees'),
    lock: insideWorkspace(repoDir, 'pool.lock'),
  };
}

export const spareBranch = (slot: number): string => `spare/${slot}`;
export const spareDir = (dirs: PoolDirs, slot: number): string => path.join(dirs.spares, `spare-${slot}`);

function canonical(p: string): string {
  const abs = path.resolve(p);
  return existsSync(abs) ? realpathSync(abs) : abs;
}

/** The slot number of a path directly under the spares directory, or undefined. */
export function spareSlotOf(dirs: PoolDirs, worktree: string): number | undefined {
  const abs = canonical(worktree);
  if (path.dirname(abs) !== canonical(dirs.spares)) return undefined;
  const match = SPARE_DIR.exec(path.basename(abs));
  return match ? Number(match[1]) : undefined;
}

export async function listWorktrees(base: string): Promise<WorktreeEntry[]> {
  const out = await gitOrThrow(base, ['worktree', 'list', '--porcelain']);
  const entries: WorktreeEntry[] = [];
  for (const block of out.split(/\n\n+/)) {
    const lines = block.split('\n');
    const dir = lines.find((l) => l.startsWith('worktree '))?.slice('worktree '.length);
    if (!dir) continue;
    const branch =
      lines
        .find((l) => l.startsWith('branch '))
        ?.slice('branch '.length)
        .replace(/^refs\/heads\//, '') ?? null;
    entries.push({ path: canonical(dir), head: lines.find((l) => l.startsWith('HEAD '))?.slice(5) ?? '', branch });
  }
  return entries;
}

/** Uncommitted files (untracked included, ignored ones not) and commits no remote-tracking ref has. */
export async function cleanliness(worktree: string): Promise<WorktreeCleanliness> {
  const status = await gitOrThrow(worktree, ['status', '--porcelain']);
  const ahead = await gitOrThrow(worktree, ['rev-list', '--count', 'HEAD', '--not', '--remotes']);
  return { dirtyFiles: status ? status.split('\n').map((l) => l.slice(3)) : [], unpushedCommits: Number(ahead) };
}

async function branchExists(base: string, branch: string): Promise<string | undefined> {
  const result = await git(base, ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`]);
  return result.ok ? result.stdout : undefined;
}

/** Ensures spare slots 1..count exist (a slot exists once its `spare/N` branch does); idempotent. */
export async function addSpares(
  workspace: string,
  repo: string,
  count: number,
): Promise<{ created: string[]; present: string[]; vacant: number[] }> {
  if (!Number.isInteger(count) || count < 0 || count > MAX_SPARES)
    throw new Error(`spare count must be an integer from 0 to ${MAX_SPARES}, got ${count}`);
  const base = await ensureBaseClone(workspace, repo);
  const dirs = poolDirs(workspace, repo);
  const head = await resolveBase(base, 'HEAD');
  return withDirLock(dirs.lock, async () => {
    await git(base, ['worktree', 'prune']);
    await mkdir(dirs.spares, { recursive: true });
    const result = { created: [] as string[], present: [] as string[], vacant: [] as number[] };
    for (let slot = 1; slot <= count; slot++) {
      const dir = spareDir(dirs, slot);
      if (await branchExists(base, spareBranch(slot))) {
        if (existsSync(dir)) result.present.push(dir);
        else result.vacant.push(slot);
        continue;
      }
      if (existsSync(dir))
        throw new Error(`${dir} exists but branch ${spareBranch(slot)} does not; remove it or fix it by hand`);
      await gitOrThrow(base, ['worktree', 'add', '--quiet', '-b', spareBranch(slot), dir, head]);
      result.created.push(dir);
    }
    return result;
  });
}

/**
 * Takes a free spare for a task: clean, unpushed-commit free, on its own `spare/N` branch, not
 * protected. Moves it to `worktrees/<taskId>` and puts it on the task branch (the local branch if
 * one exists, else the pushed one, else a new one at baseCommit). Undefined when none is free.
 */
export async function claimSpare(
  workspace: string,
  repo: string,
  taskId: string,
  branch: string,
  baseCommit: string,
  options: PoolOptions = {},
): Promise<string | undefined> {
  if (POOL_PROTECTED_BRANCHES.test(branch) || branch.startsWith('spare/') || branch.startsWith('-')) {
    throw new Error(`branch ${branch} is protected; the pool never puts a task on it`);
  }
  const dirs = poolDirs(workspace, repo);
  const target = insideWorkspace(dirs.worktrees, taskId);
  if (!existsSync(dirs.base) || !existsSync(dirs.spares)) return undefined;
  const protectedList = await readProtectedList(options.droverHome);
  if (protectedList.error) return undefined;
  return withDirLock(dirs.lock, async () => {
    if (existsSync(target)) return undefined;
    const spares = (await listWorktrees(dirs.base))
      .map((entry) => ({ entry, slot: spareSlotOf(dirs, entry.path) }))
      .filter((s): s is { entry: WorktreeEntry; slot: number } => s.slot !== undefined && existsSync(s.entry.path))
      .sort((a, b) => a.slot - b.slot);
    for (const { entry, slot } of spares) {
      if (entry.branch !== spareBranch(slot) || protectionReason(protectedList, entry.path, entry.branch)) continue;
      const state = await cleanliness(entry.path).catch(() => undefined);
      if (!state || state.dirtyFiles.length > 0 || state.unpushedCommits > 0) continue;
      await mkdir(dirs.worktrees, { recursive: true });
      if (!(await git(dirs.base, ['worktree', 'move', entry.path, target])).ok) continue;
      if (await switchToTaskBranch(target, branch, baseCommit)) return target;
      await git(dirs.base, ['worktree', 'move', target, entry.path]);
      return undefined;
    }
    return undefined;
  });
}

async function switchToTaskBranch(worktree: string, branch: string, baseCommit: string): Promise<boolean> {
  if (await branchExists(worktree, branch))
    return (await git(worktree, ['switch', '--quiet', '--end-of-options', branch])).ok;
  const remote = await git(worktree, ['rev-parse', '--verify', '--quiet', `refs/remotes/origin/${branch}`]);
  return (await git(worktree, ['switch', '--quiet', '-c', branch, remote.ok ? remote.stdout : baseCommit])).ok;
}

/** A vacant slot: its branch exists but its directory does not and no worktree has the branch out. */
async function pickSlot(dirs: PoolDirs, worktrees: WorktreeEntry[], preferred: number | undefined): Promise<number> {
  const out = await gitOrThrow(dirs.base, ['for-each-ref', '--format=%(refname:short)', 'refs/heads/spare/']);
  const slots = out
    .split('\n')
    .map((name) => /^spare\/([1-9][0-9]{0,5})$/.exec(name)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
  const checkedOut = new Set(worktrees.map((w) => w.branch));
  const vacant = slots.filter((slot) => !existsSync(spareDir(dirs, slot)) && !checkedOut.has(spareBranch(slot)));
  if (preferred !== undefined && vacant.includes(preferred)) return preferred;
  if (vacant.length > 0) return vacant[0]!;
  let next = (slots.at(-1) ?? 0) + 1;
  while (existsSync(spareDir(dirs, next))) next++;
  return next;
}

/**
 * Turns a task worktree back into a spare: refuses a protected one, uncommitted changes or commits
 * no remote has (saying which); else moves it to a vacant `spares/spare-N` and puts it on
 * `spare/N` at the repository's default branch head, untracked files removed (ignored ones kept).
 */
export async function recycleWorktree(
  workspace: string,
  repo: string,
  taskWorktree: string,
  options: PoolOptions = {},
): Promise<{ spare: string; branch: string }> {
  const dirs = poolDirs(workspace, repo);
  const abs = insideWorkspace(workspace, taskWorktree);
  if (path.dirname(canonical(abs)) !== canonical(dirs.worktrees))
    throw new Error(`${abs} is not a task worktree of this repository (expected it under ${dirs.worktrees})`);
  if (!existsSync(dirs.base)) throw new Error(`no base clone for ${repo} in the workspace`);
  const protectedList = await readProtectedList(options.droverHome);
  return withDirLock(dirs.lock, async () => {
    const worktrees = await listWorktrees(dirs.base);
    const entry = worktrees.find((w) => w.path === canonical(abs));
    if (!entry || !existsSync(abs)) throw new Error(`${abs} is not a worktree of ${dirs.base}`);
    const protectedWhy = protectionReason(protectedList, abs, entry.branch);
    if (protectedWhy) throw new Error(`refusing to recycle ${abs}: ${protectedWhy}`);
    const state = await cleanliness(abs);
    if (state.dirtyFiles.length > 0)
      throw new Error(`refusing to recycle ${abs}: uncommitted changes in ${state.dirtyFiles.join(', ')}`);
    if (state.unpushedCommits > 0)
      throw new Error(
        `refusing to recycle ${abs}: ${state.unpushedCommits} commit(s) on ${entry.branch ?? 'HEAD'} are not pushed`,
      );
    const adminName = path.basename(await gitOrThrow(abs, ['rev-parse', '--absolute-git-dir']));
    const preferred = SPARE_DIR.exec(adminName)?.[1];
    const slot = await pickSlot(dirs, worktrees, preferred === undefined ? undefined : Number(preferred));
    const head = await resolveBase(dirs.base, 'HEAD');
    const target = spareDir(dirs, slot);
    await mkdir(dirs.spares, { recursive: true });
    await gitOrThrow(dirs.base, ['worktree', 'move', abs, target]);
    await gitOrThrow(target, ['switch', '--quiet', '--discard-changes', '-C', spareBranch(slot), head]);
    await gitOrThrow(target, ['clean', '-fdq']);
    return { spare: target, branch: spareBranch(slot) };
  });
}
