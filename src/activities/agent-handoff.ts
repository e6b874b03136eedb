import { setTimeout as delay } from 'node:timers/promises';
import { tmuxWindowName } from '../domain/identifiers.js';
import type { Progress } from '../domain/handoff.js';
import type { ActivityDeps } from './deps.js';
import { git, gitOrThrow } from './git.js';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * Ends the task's agent (a handoff to the next agent of the chain): its process first (gemini
 * ignores the SIGHUP a closing window sends, and must not keep working in the worktree), then
 * the window. Idempotent: no window, nothing to do.
 */
export async function stopAgent(deps: ActivityDeps, input: { taskId: string }): Promise<{ stopped: boolean }> {
  const found = await deps.tmux.findWindow(tmuxWindowName(input.taskId));
  if (!found) return { stopped: false };
  const pid = found.panePid;
  if (!found.paneDead && pid > 0 && alive(pid)) {
    process.kill(pid, 'SIGTERM');
    for (let i = 0; i < 20 && alive(pid); i += 1) await delay(100);
    if (alive(pid)) process.kill(pid, 'SIGKILL');
  }
  await deps.tmux.killWindow(found.windowId);
  return { stopped: true };
}

/** What is on the branch since the task's base: for the handoff brief. Read-only. */
export async function describeProgress(input: { worktree: string; baseCommit: string }): Promise<Progress> {
  const range = `${input.baseCommit}..HEAD`;
  const log = await gitOrThrow(input.worktree, ['log', '--format=%H%x09%s', range]);
  const stat = await git(input.worktree, ['diff', '--shortstat', range]);
  const names = await git(input.worktree, ['diff', '--name-only', range]);
  const status = await gitOrThrow(input.worktree, ['status', '--porcelain']);
  return {
    commits: log ? log.split('\n').map((l) => ({ sha: l.slice(0, 40), subject: l.slice(41) })) : [],
    diffStat: stat.ok ? stat.stdout.trim() : '',
    changedFiles: names.ok && names.stdout ? names.stdout.split('\n') : [],
    dirtyFiles: status ? status.split('\n').map((l) => l.slice(3)) : [],
  };
}
