import { buildHandoffNote } from '../domain/handoff.js';
import type { ResolvedTaskInput, TaskState } from '../domain/task.js';
import type { hostActivities } from './activity-proxies.js';
import type { TaskRecord } from './task-record.js';

/** The agent after the current one in the task's fallback chain, if any. */
export const nextAgent = (task: Readonly<TaskState>): string | undefined =>
  task.agentChain[task.agentChain.indexOf(task.agent) + 1];

/**
 * Fallback chain: ends the current agent (process, then window), records the handoff, and
 * switches the task to the next agent with a fresh session and fresh caps (TaskRecord.handedOver).
 * Returns the handoff note for the next agent's brief (what was done, what remains). The caller
 * starts its session over and spawns the next agent in the same worktree.
 */
export async function handOverToNext(
  ctx: {
    host: ReturnType<typeof hostActivities>;
    input: ResolvedTaskInput;
    record: TaskRecord;
    worktree: string;
    baseCommit: string;
  },
  why: string,
): Promise<string> {
  const { host, input, record } = ctx;
  const task = record.state;
  const from = task.agent;
  const to = nextAgent(task)!;
  const progress = await host.describeProgress({ worktree: ctx.worktree, baseCommit: ctx.baseCommit });
  await host.stopAgent({ taskId: task.taskId });
  record.handedOver(to, why);
  return buildHandoffNote({
    from,
    to,
    why,
    progress,
    checkpoints: task.checkpoints,
    steps: input.steps,
    lastVerification: task.lastVerification,
  });
}
