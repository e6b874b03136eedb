import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { HOST_LIVE_SECONDS, type HostHeartbeat, type Placement, type PlacementRequest } from '../domain/hosts.js';
import { hostRegistryWorkflowId } from '../domain/identifiers.js';
import { hostHeartbeatSignal, hostsQuery, placeTaskUpdate } from '../workflows/host-registry-messages.js';

/** This worker's heartbeat to the registry of its shared queue, starting the registry when it does not run. */
export async function sendHostHeartbeat(client: Client, sharedQueue: string, beat: HostHeartbeat): Promise<void> {
  await client.workflow.signalWithStart('hostRegistryWorkflow', {
    workflowId: hostRegistryWorkflowId(sharedQueue),
    taskQueue: sharedQueue,
    args: [{}],
    signal: hostHeartbeatSignal,
    signalArgs: [beat],
  });
}

/**
 * Placement through the registry's update (atomic there). A registry that is not running (never
 * started, or terminated by hand) is started by this worker's own heartbeat, then asked again.
 */
export async function placeTask(self: () => HostHeartbeat, req: PlacementRequest): Promise<Placement> {
  const ctx = Context.current();
  const sharedQueue = ctx.info.taskQueue;
  const ask = () =>
    ctx.client.workflow.getHandle(hostRegistryWorkflowId(sharedQueue)).executeUpdate(placeTaskUpdate, { args: [req] });
  try {
    return await ask();
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
    await sendHostHeartbeat(ctx.client, sharedQueue, self());
    return ask();
  }
}

/** Whether a host still heartbeats, judged by this worker's clock (a query's workflow time can be old). */
export async function hostLiveness(input: { hostId: string }): Promise<{ live: boolean; lastSeenSecondsAgo?: number }> {
  const ctx = Context.current();
  const view = await ctx.client.workflow.getHandle(hostRegistryWorkflowId(ctx.info.taskQueue)).query(hostsQuery);
  const host = view.hosts.find((h) => h.hostId === input.hostId);
  if (!host) return { live: false };
  const ago = Math.max(0, Math.round((Date.now() - host.lastSeen) / 1000));
  return { live: ago < (view.liveSeconds ?? HOST_LIVE_SECONDS), lastSeenSecondsAgo: ago };
}

/** The workflows among these that are no longer running (or never existed): their slots are free. */
export async function endedWorkflows(input: { workflowIds: string[] }): Promise<{ ended: string[] }> {
  const ctx = Context.current();
  const ended: string[] = [];
  for (const workflowId of input.workflowIds) {
    try {
      const d = await ctx.client.workflow.getHandle(workflowId).describe();
      if (d.status.name !== 'RUNNING') ended.push(workflowId);
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) ended.push(workflowId);
      else throw error;
    }
    ctx.heartbeat();
  }
  return { ended };
}
