import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { MergeQueueInputSchema, mergeQueueWorkflowId, type MergeQueueInput } from '../domain/merge-queue.js';
import { MergeRequestSchema, type MergeRequest } from '../domain/pr-pipeline.js';
import { mergeRequestSignal } from '../workflows/merge-queue-messages.js';

/**
 * Queues a PR on the merge queue of its repository and base (`merge-queue/<owner>/<repo>/<base>`),
 * starting the queue when it does not run (signalWithStart). Idempotent: the queue answers the same
 * PR at the same head as a duplicate. Used by the `requestMerge` activity and `drover merge`.
 */
export async function sendMergeRequest(
  client: Client,
  taskQueue: string,
  queue: MergeQueueInput,
  request: MergeRequest,
): Promise<{ workflowId: string }> {
  const where = MergeQueueInputSchema.parse(queue);
  const workflowId = mergeQueueWorkflowId(where.owner, where.repo, where.base);
  await client.workflow.signalWithStart('mergeQueueWorkflow', {
    workflowId,
    taskQueue,
    args: [where],
    signal: mergeRequestSignal,
    signalArgs: [MergeRequestSchema.parse(request)],
  });
  return { workflowId };
}

/**
 * A task's PR into the merge queue of its repository and final base, starting the queue when it
 * does not run (workflows cannot signalWithStart). Idempotent: the queue takes the same PR at the
 * same head once.
 */
export async function requestMerge(input: {
  queue: MergeQueueInput;
  request: MergeRequest;
}): Promise<{ workflowId: string }> {
  const ctx = Context.current();
  return sendMergeRequest(ctx.client, ctx.info.taskQueue, input.queue, input.request);
}
