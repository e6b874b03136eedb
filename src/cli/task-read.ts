import type { Client } from '@temporalio/client';
import type { TaskState } from '../domain/task.js';
import { shownTask, type ShownTask } from '../domain/task-end.js';
import { stateQuery } from '../workflows/task-messages.js';

/** Live state from the workflow, or for a closed one the final state it left in its memo. */
export async function queryState(
  client: Client,
  workflowId: string,
  memo?: Record<string, unknown>,
): Promise<TaskState | undefined> {
  const saved = (
    memo ??
    (await client.workflow
      .getHandle(workflowId)
      .describe()
      .then(
        (d) => d.memo,
        () => undefined,
      ))
  )?.droverState as TaskState | undefined;
  if (saved) return saved;
  try {
    return await client.workflow.getHandle(workflowId).query(stateQuery);
  } catch {
    return undefined;
  }
}

const ABNORMAL = new Set(['FAILED', 'TERMINATED', 'TIMED_OUT', 'CANCELLED']);

/** The messages of an error and its causes: `Activity task failed: branch main is protected`. */
function causeChain(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 6; e = e.cause, depth += 1)
    if (e.message && !parts.includes(e.message)) parts.push(e.message);
  return parts.join(': ');
}

/**
 * Why a workflow ended without a result (failed, terminated, timed out, cancelled), as Temporal
 * recorded it; undefined for any other status. `result()` of a closed workflow rejects at once with it.
 */
export async function closeReason(client: Client, workflowId: string, status: string): Promise<string | undefined> {
  if (!ABNORMAL.has(status)) return undefined;
  try {
    await client.workflow.getHandle(workflowId).result();
    return undefined;
  } catch (error) {
    const chain = causeChain(error);
    // the outer message is the status again ("Workflow execution failed"): the causes say why
    return chain.replace(/^Workflow execution (?:failed|terminated|timed out|cancelled): /i, '') || chain;
  }
}

/** A task as `status`, `logs` and `cleanup` show it: its state (if readable) and how it ended. */
export interface ReadTask {
  workflowId: string;
  status: string;
  state: TaskState | undefined;
  reason: string | undefined;
  shown: ShownTask;
}

export async function readTask(
  client: Client,
  workflowId: string,
  status: string,
  memo?: Record<string, unknown>,
): Promise<ReadTask> {
  const state = await queryState(client, workflowId, memo);
  const reason = await closeReason(client, workflowId, status);
  return { workflowId, status, state, reason, shown: shownTask(status, state, reason) };
}
