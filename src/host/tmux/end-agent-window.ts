import { setTimeout as delay } from 'node:timers/promises';
import { tmuxWindowName } from '../../domain/identifiers.js';
import type { TmuxClient } from './tmux-client.js';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const signal = (pid: number, sig: NodeJS.Signals): void => {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
};

/**
 * Ends a task's agent and its window: the pane's process first (SIGTERM, then SIGKILL after
 * 2 s: gemini ignores the SIGHUP a closing window sends and would keep working in the worktree),
 * then the window. Idempotent: no window, nothing to do.
 */
export async function endAgentWindow(tmux: TmuxClient, taskId: string): Promise<boolean> {
  const found = await tmux.findWindow(tmuxWindowName(taskId));
  if (!found) return false;
  const pid = found.panePid;
  if (!found.paneDead && pid > 0 && alive(pid)) {
    signal(pid, 'SIGTERM');
    for (let i = 0; i < 20 && alive(pid); i += 1) await delay(100);
    if (alive(pid)) signal(pid, 'SIGKILL');
  }
  await tmux.killWindow(found.windowId);
  return true;
}
