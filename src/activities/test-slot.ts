import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import { testSlotWorkflowId } from '../domain/identifiers.js';
import { SlotRequestSchema, type SlotRequest } from '../domain/test-slot.js';
import { slotRequestSignal } from '../workflows/test-slot-messages.js';

/**
 * Queues a request on the slot's workflow, starting it when it does not run (signalWithStart:
 * workflows cannot do that themselves). Idempotent: the slot ignores a requestId it has seen.
 */
export async function requestTestSlot(input: {
  slot: string;
  request: SlotRequest;
}): Promise<{ slotWorkflowId: string }> {
  const ctx = Context.current();
  const request = SlotRequestSchema.parse(input.request);
  const workflowId = testSlotWorkflowId(input.slot);
  await ctx.client.workflow.signalWithStart('testSlotWorkflow', {
    workflowId,
    taskQueue: ctx.info.taskQueue,
    args: [{ name: input.slot }],
    signal: slotRequestSignal,
    signalArgs: [request],
  });
  return { slotWorkflowId: workflowId };
}

/**
 * Returns when the workflow is no longer running (completed, failed, terminated, timed out, or
 * not found), polling its description and heartbeating; cancelled when the slot no longer cares.
 */
export async function waitForWorkflowEnd(input: {
  workflowId: string;
  pollSeconds: number;
}): Promise<{ status: string }> {
  const ctx = Context.current();
  for (;;) {
    try {
      const description = await ctx.client.workflow.getHandle(input.workflowId).describe();
      if (description.status.name !== 'RUNNING') return { status: description.status.name };
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return { status: 'NOT_FOUND' };
      // a transient server error: try again at the next poll
    }
    ctx.heartbeat();
    await ctx.sleep(input.pollSeconds * 1000);
  }
}
