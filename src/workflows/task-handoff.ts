import { buildHandoffNote } from '../domain/handoff.js';
import type { ResolvedTaskInput, TaskState } from '../domain/task.js';
import type { hostActivities } from './activity-proxies.js';

/** The agent after the current one in the task's fallback chain, if any. */
export const nextAgent = (s: TaskState): string | undefined => s.agentChain[s.agentChain.indexOf(s.agent) + 1];

/**
 * Fallback chain: ends the current agent (process, then window), records the handoff, and
 * switches the task to the next agent with a fresh session and fresh caps. Returns the handoff
 * note for the next agent's brief (what was done, what remains). The caller resets its own
 * delivery state and spawns the next agent in the same worktree.
 */
export async function handOverToNext(ctx: { host: ReturnType<typeof hostActivities>; input: ResolvedTaskInput; s: TaskState; worktree: string; baseCommit: string }, why: string): Promise<string> {
  const { host, input, s } = ctx;
  const from = s.agent;
  const to = nextAgent(s)!;
  const progress = await host.describeProgress({ worktree: ctx.worktree, baseCommit: ctx.baseCommit });
  await host.stopAgent({ taskId: s.taskId });
  s.handoffs.push({ from, to, reason: why, at: new Date().toISOString() });
  const note = buildHandoffNote({ from, to, why, progress, checkpoints: s.checkpoints, steps: input.steps, lastVerification: s.lastVerification });
  Object.assign(s, { agent: to, sessionId: undefined, crashes: 0, nudges: 0, revisions: 0, doneReported: false });
  return note;
}
