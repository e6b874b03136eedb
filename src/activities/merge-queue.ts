import { Context } from '@temporalio/activity';
import type { MergeQueueInput } from '../domain/merge-queue.js';
import type { MergeRequest } from '../domain/pr-pipeline.js';
import { sendMergeRequest } from '../temporal/merge-queue-client.js';

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
