import type { Progress } from '../domain/handoff.js';
import type { ActivityDeps } from './deps.js';
import { endAgentWindow, haltAgentInWindow, type AgentHalted } from '../host/tmux/end-agent-window.js';
import { git, gitOrThrow } from '../host/git/git.js';

/** Ends the task's agent (a handoff to the next agent of the chain): process, then window. Idempotent. */
export async function stopAgent(deps: ActivityDeps, input: { taskId: string }): Promise<{ stopped: boolean }> {
  return { stopped: (await endAgentWindow(deps.tmux, input.taskId)) !== undefined };
}

/**
 * Stops the task's agent where it is (an abort, a task ending unanswered or at its budget): Ctrl-C,
 * `graceSeconds`, then its whole process tree ended; the window (scrollback) and worktree stay.
 */
export async function haltAgent(
  deps: ActivityDeps,
  input: { taskId: string; graceSeconds: number },
): Promise<AgentHalted> {
  return haltAgentInWindow(deps.tmux, input.taskId, input.graceSeconds * 1000);
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
