import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { git, gitOrThrow } from '../git/git.js';
import { protectionReason, readProtectedList } from './protected-worktrees.js';
import { insideWorkspace } from './base-clone.js';
import { cleanliness, listWorktrees, spareBranch, spareSlotOf, type PoolDirs } from './worktree-pool.js';

export type PoolEntryState = 'free' | 'clean' | 'dirty' | 'unpushed' | 'wrong-branch' | 'protected' | 'missing';

export interface PoolEntry {
  kind: 'spare' | 'task' | 'other';
  path: string;
  branch: string | null;
  slot?: number;
  state: PoolEntryState;
  dirtyFiles: number;
  unpushedCommits: number;
  why?: string;
}

export interface RepoPoolStatus {
  key: string;
  source: string;
  base: string;
  spares: PoolEntry[];
  vacantSlots: number[];
  tasks: PoolEntry[];
  protected: PoolEntry[];
}

export interface PoolStatus {
  workspace: string;
  protectedFile: string;
  protectedFileError?: string;
  repos: RepoPoolStatus[];
}

function dirsOf(workspace: string, key: string): PoolDirs {
  const repoDir = insideWorkspace(workspace, 'repos', key);
  return {
    repoDir,
    base: path.join(repoDir, 'base'),
    spares: path.join(repoDir, 'spares'),
    worktrees: path.join(repoDir, 'worktrees'),
    lock: path.join(repoDir, 'pool.lock'),
  };
}

/** The pool of every repository under the workspace (or only `onlyKey`), read-only and offline. */
export async function poolStatus(
  workspace: string,
  droverHome: string | undefined,
  onlyKey?: string,
): Promise<PoolStatus> {
  const list = await readProtectedList(droverHome);
  const reposDir = insideWorkspace(workspace, 'repos');
  const keys = existsSync(reposDir)
    ? (await readdir(reposDir, { withFileTypes: true }))
        .filter((d) => d.isDirectory())
        .map((d) => d.name)
        .sort()
    : [];
  const repos: RepoPoolStatus[] = [];
  for (const key of keys) {
    if (onlyKey !== undefined && key !== onlyKey) continue;
    const dirs = dirsOf(workspace, key);
    if (!existsSync(dirs.base)) continue;
    const source = (await git(dirs.base, ['remote', 'get-url', 'origin'])).stdout;
    const repo: RepoPoolStatus = {
      key,
      source,
      base: dirs.base,
      spares: [],
      vacantSlots: [],
      tasks: [],
      protected: [],
    };
    const worktrees = await listWorktrees(dirs.base);
    // The first entry is the base clone itself.
    for (const w of worktrees.slice(1)) {
      const slot = spareSlotOf(dirs, w.path);
      const kind =
        slot !== undefined ? 'spare' : path.dirname(w.path) === path.resolve(dirs.worktrees) ? 'task' : 'other';
      const entry: PoolEntry = {
        kind,
        path: w.path,
        branch: w.branch,
        slot,
        state: 'clean',
        dirtyFiles: 0,
        unpushedCommits: 0,
      };
      const state = existsSync(w.path) ? await cleanliness(w.path).catch(() => undefined) : undefined;
      const why = protectionReason(list, w.path, w.branch);
      if (!state) entry.state = 'missing';
      else {
        entry.dirtyFiles = state.dirtyFiles.length;
        entry.unpushedCommits = state.unpushedCommits;
        if (why) [entry.state, entry.why] = ['protected', why];
        else if (entry.dirtyFiles > 0) entry.state = 'dirty';
        else if (entry.unpushedCommits > 0) entry.state = 'unpushed';
        else if (slot !== undefined && w.branch !== spareBranch(slot)) entry.state = 'wrong-branch';
        else entry.state = slot !== undefined ? 'free' : 'clean';
      }
      if (entry.state === 'protected') repo.protected.push(entry);
      if (kind === 'spare') repo.spares.push(entry);
      else if (kind === 'task') repo.tasks.push(entry);
    }
    const checkedOut = new Set(worktrees.map((w) => w.branch));
    const branches = await gitOrThrow(dirs.base, ['for-each-ref', '--format=%(refname:short)', 'refs/heads/spare/']);
    for (const name of branches.split('\n')) {
      const slot = /^spare\/([1-9][0-9]{0,5})$/.exec(name)?.[1];
      if (slot !== undefined && !checkedOut.has(name)) repo.vacantSlots.push(Number(slot));
    }
    repo.spares.sort((a, b) => (a.slot ?? 0) - (b.slot ?? 0));
    repo.vacantSlots.sort((a, b) => a - b);
    repos.push(repo);
  }
  return { workspace: path.resolve(workspace), protectedFile: list.file, protectedFileError: list.error, repos };
}
