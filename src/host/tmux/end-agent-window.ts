import { tmuxWindowName } from '../../domain/identifiers.js';
import { endProcessTree, type TreeEnded } from '../process-tree.js';
import type { TmuxClient } from './tmux-client.js';

/** How an agent was ended: `pid` its pane's process, `group` whether more than that one process was signalled. */
export interface AgentEnded {
  pid: number;
  group: boolean;
  /** It was still running and got signals (false: it had already exited). */
  wasAlive: boolean;
}

/**
 * Ends a task's agent and its window: the pane's process tree (process-tree.ts: its descendants
 * and its session and group, so the agent's tool processes too), SIGTERM, then SIGKILL after 2 s
 * (gemini ignores the SIGHUP a closing window sends and would keep working in the worktree); then
 * the window. Only the task's window in Drover's own tmux server is touched. Idempotent: no
 * window, nothing to do (undefined).
 */
export async function endAgentWindow(tmux: TmuxClient, taskId: string): Promise<AgentEnded | undefined> {
  const found = await tmux.findWindow(tmuxWindowName(taskId));
  if (!found) return undefined;
  const pid = found.panePid;
  let ended: AgentEnded = { pid, group: false, wasAlive: false };
  // a dead pane's pid may belong to another process by now: never signalled
  if (!found.paneDead && pid > 0) {
    const tree = await endProcessTree(pid, { graceMs: 0 });
    if (tree.pids.length > 0) ended = { pid, group: tree.pids.length > 1, wasAlive: true };
  }
  await tmux.killWindow(found.windowId);
  return ended;
}

/** What stopping an agent in place did (the window stays): see `haltAgent`. */
export interface AgentHalted extends TreeEnded {
  /** No live agent in the window (already exited, or no window). */
  nothingRunning: boolean;
}

/**
 * Stops a task's agent and keeps its window: Ctrl-C to the pane (the CLI interrupts its tool and
 * may wind down), `graceMs` for the process tree to end on its own, then SIGTERM and SIGKILL to
 * what is left. tmux keeps the dead pane (remain-on-exit), so the screen and scrollback stay
 * readable; the worktree is not touched. Idempotent.
 */
export async function haltAgentInWindow(tmux: TmuxClient, taskId: string, graceMs: number): Promise<AgentHalted> {
  const found = await tmux.findWindow(tmuxWindowName(taskId));
  if (!found || found.paneDead || found.panePid <= 0)
    return { nothingRunning: true, pids: [], afterGrace: 0, survivors: [] };
  const tree = await endProcessTree(found.panePid, {
    graceMs,
    interrupt: () => tmux.sendKeys(found.paneId, ['C-c']),
  });
  return { nothingRunning: tree.pids.length === 0, ...tree };
}
