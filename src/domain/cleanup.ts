/**
 * What `drover cleanup` does with one task's worktree, decided on facts the CLI gathered
 * (issue 21 item 4): a worktree with nothing to lose (a clean tree and no commit the remote
 * lacks: none made, or all pushed) is removed; one with work only it holds is kept and named.
 */

export interface WorktreeFacts {
  taskId: string;
  worktree: string | undefined;
  branch: string;
  /** The worktree directory exists on this machine. */
  exists: boolean;
  /** It lies inside Drover's workspace (Drover made it). */
  insideWorkspace: boolean;
  /** `git status --porcelain` lines: uncommitted work. */
  dirtyFiles: number;
  /** Commits on the worktree's HEAD that no branch of the remote holds; undefined when unknown. */
  unpushed: number | undefined;
  /** Why `unpushed` is unknown (the remote could not be fetched). */
  unknownWhy?: string;
  /** The branch is on the remote (pushed at some point). */
  onRemote: boolean;
}

export type WorktreeVerdict = { action: 'remove'; why: string } | { action: 'keep' | 'skip'; why: string };

export function decideWorktree(f: WorktreeFacts): WorktreeVerdict {
  if (!f.worktree || !f.exists) return { action: 'skip', why: 'no worktree on this host' };
  if (!f.insideWorkspace) return { action: 'keep', why: `worktree ${f.worktree} is outside the workspace` };
  if (f.dirtyFiles > 0)
    return { action: 'keep', why: `${f.dirtyFiles} uncommitted change(s) in ${f.worktree}: kept for you` };
  if (f.unpushed === undefined)
    return { action: 'keep', why: `cannot tell whether ${f.branch} is pushed (${f.unknownWhy ?? 'unknown'}): kept` };
  if (f.unpushed > 0)
    return {
      action: 'keep',
      why: `${f.unpushed} commit(s) on ${f.branch} not on the remote: kept at ${f.worktree} (push them, or delete it yourself)`,
    };
  return {
    action: 'remove',
    why: f.onRemote ? `everything on ${f.branch} is pushed` : `no commits of its own (nothing to lose)`,
  };
}
