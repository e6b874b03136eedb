import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { tmuxWindowName } from '../../domain/identifiers.js';
import type { TmuxClient } from './tmux-client.js';

const exists = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Running: it exists and is not a zombie (dead, not yet reaped by the tmux server). */
const alive = (pid: number): boolean => {
  if (!exists(pid)) return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return true; // no /proc: trust the signal
  }
};

const signal = (pid: number, sig: NodeJS.Signals): void => {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
};

/** The process group of `pid` (Linux /proc), or undefined when it cannot be read. */
async function processGroup(pid: number): Promise<number | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // pid (comm) state ppid pgrp …: comm may hold spaces and parentheses, so read after the last ')'
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const pgrp = Number(fields[2]);
    return Number.isInteger(pgrp) && pgrp > 0 ? pgrp : undefined;
  } catch {
    return undefined;
  }
}

/** How an agent was ended: `pid` its pane's process, `group` whether its whole process group was signalled. */
export interface AgentEnded {
  pid: number;
  group: boolean;
  /** It was still running and got signals (false: it had already exited). */
  wasAlive: boolean;
}

/**
 * Ends a task's agent and its window: the pane's process and, when it leads its own process group
 * (tmux starts each pane in a new session), the whole group (the agent's tool processes too):
 * SIGTERM, then SIGKILL after 2 s (gemini ignores the SIGHUP a closing window sends and would
 * keep working in the worktree); then the window. Only the task's window in Drover's own tmux
 * server is touched. Idempotent: no window, nothing to do (undefined).
 */
export async function endAgentWindow(tmux: TmuxClient, taskId: string): Promise<AgentEnded | undefined> {
  const found = await tmux.findWindow(tmuxWindowName(taskId));
  if (!found) return undefined;
  const pid = found.panePid;
  let ended: AgentEnded = { pid, group: false, wasAlive: false };
  // a dead pane's pid may belong to another process by now: never signalled
  if (!found.paneDead && pid > 0 && alive(pid)) {
    const group = (await processGroup(pid)) === pid;
    const target = group ? -pid : pid;
    const running = () => alive(pid) || (group && exists(-pid));
    ended = { pid, group, wasAlive: true };
    signal(target, 'SIGTERM');
    for (let i = 0; i < 20 && running(); i += 1) await delay(100);
    if (running()) signal(target, 'SIGKILL');
  }
  await tmux.killWindow(found.windowId);
  return ended;
}
