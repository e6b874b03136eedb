import { Client, Connection, WorkflowNotFoundError, type WorkflowHandle } from '@temporalio/client';
import { ConfigError, loadConfig, type DroverConfig } from '../config/config.js';
import { connectClient } from '../temporal/connection.js';
import { prWorkflowId, taskWorkflowId } from '../domain/identifiers.js';
import { parsePrRef } from '../domain/pull-request.js';
import type { agentTaskWorkflow } from '../workflows/agent-task.js';

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface CliContext {
  config: DroverConfig;
  client: Client;
  connection: Connection;
  close(): Promise<void>;
}

/** Connects to the configured Temporal; a missing embedded server gets an actionable error. */
export async function openContext(): Promise<CliContext> {
  const config = loadConfig();
  let client: Client;
  try {
    client = await connectClient(config);
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message); // e.g. a bad DROVER_CODEC_KEY
    const hint = config.embedded
      ? `No Temporal server answers at ${config.temporal.address}. Start one with \`drover dev\` (embedded server + worker), or set TEMPORAL_ADDRESS.`
      : `Cannot reach Temporal at ${config.temporal.address}: ${(error as Error).message}`;
    throw new CliError(hint, 1, { cause: error }); // the cause says whether waiting may help (dev/unreachable-retry.ts)
  }
  return { config, client, connection: client.connection as Connection, close: () => client.connection.close() };
}

/** Accepts a task id (`fix-calc`), a pull request (`o/r#1` or its URL) or a full workflow id (`task/adhoc/fix-calc`, `pr/o/r/1`). */
export function resolveWorkflowId(id: string): string {
  const pr = parsePrRef(id);
  if (pr.ok) return prWorkflowId(pr.value.owner, pr.value.repo, pr.value.number);
  return id.includes('/') ? id : taskWorkflowId(id);
}

export async function taskHandle(ctx: CliContext, id: string): Promise<WorkflowHandle<typeof agentTaskWorkflow>> {
  const workflowId = resolveWorkflowId(id);
  const handle = ctx.client.workflow.getHandle<typeof agentTaskWorkflow>(workflowId);
  try {
    await handle.describe();
  } catch (error) {
    if (error instanceof WorkflowNotFoundError)
      throw new CliError(`no task ${workflowId}; \`drover status\` lists the tasks`);
    throw error;
  }
  return handle;
}

export function webUiLink(config: DroverConfig, workflowId?: string): string {
  const base = `${config.temporal.webUiUrl.replace(/\/$/, '')}/namespaces/${encodeURIComponent(config.temporal.namespace)}/workflows`;
  return workflowId ? `${base}/${encodeURIComponent(workflowId)}` : base;
}
