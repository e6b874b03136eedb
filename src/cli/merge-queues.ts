import { WorkflowNotFoundError } from '@temporalio/client';
import { mergeQueueWorkflowId, type MergeQueueState } from '../domain/merge-queue.js';
import { mergeQueueStateQuery } from '../workflows/merge-queue-messages.js';
import type { CliContext } from './context.js';

/** Reading merge queues (`merge-queue/<owner>/<repo>/<base>` workflows) for `drover merge status` and `drover status`. */

export const MERGE_QUEUE_PREFIX = 'merge-queue/';

export interface QueueView {
  workflowId: string;
  state?: MergeQueueState;
  /** Why the state could not be read (no worker answering the query…). */
  error?: string;
}

/** A queue whose worker does not answer must not hold up `drover status`: each query gets this long. */
export const QUERY_DEADLINE_MS = 5000;

/** The queue's state, or undefined when it does not answer (not found, no worker, past the deadline). */
export async function queryMergeQueue(
  ctx: Pick<CliContext, 'client'>,
  workflowId: string,
): Promise<MergeQueueState | undefined> {
  return (await read(ctx, workflowId)).state;
}

async function read(ctx: Pick<CliContext, 'client'>, workflowId: string): Promise<QueueView> {
  try {
    const handle = ctx.client.workflow.getHandle(workflowId);
    const state = await ctx.client.connection.withDeadline(Date.now() + QUERY_DEADLINE_MS, () =>
      handle.query(mergeQueueStateQuery),
    );
    return { workflowId, state };
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return { workflowId, error: 'no such merge queue' };
    return { workflowId, error: (error as Error).message };
  }
}

/** One queue by repository and base; undefined when it never ran. */
export async function readMergeQueue(
  ctx: Pick<CliContext, 'client'>,
  owner: string,
  repo: string,
  base: string,
): Promise<QueueView> {
  return read(ctx, mergeQueueWorkflowId(owner, repo, base));
}

/** The running merge queues (all, or those of one repository), by workflow id. */
export async function listMergeQueues(
  ctx: Pick<CliContext, 'client'>,
  filter?: { owner: string; repo: string },
  limit = 50,
): Promise<QueueView[]> {
  const prefix = filter ? `${MERGE_QUEUE_PREFIX}${filter.owner}/${filter.repo}/` : MERGE_QUEUE_PREFIX;
  const ids: string[] = [];
  // by type, not STARTS_WITH on the id: every visibility store (SQLite dev server included) answers that
  for await (const wf of ctx.client.workflow.list({
    query: `WorkflowType='mergeQueueWorkflow' AND ExecutionStatus='Running'`,
  })) {
    if (wf.workflowId.startsWith(prefix)) ids.push(wf.workflowId);
    if (ids.length >= limit) break;
  }
  ids.sort();
  return Promise.all(ids.map((id) => read(ctx, id)));
}
