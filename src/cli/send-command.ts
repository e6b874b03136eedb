import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { Command } from 'commander';
import { receiverWorkflowId, SendMessageSchema } from '../domain/task-mail.js';
import { retryWhileUnreachable, waitMsFromEnv } from '../temporal/unreachable-retry.js';
import { messageSignal, sendMessageUpdate } from '../workflows/task-messages.js';
import { CliError, openContext, type CliContext } from './context.js';

/** The receiver must be a running task: an unknown or finished one is refused with the reason. */
async function runningTask(ctx: CliContext, workflowId: string): Promise<void> {
  let status: string;
  try {
    status = (await ctx.client.workflow.getHandle(workflowId).describe()).status.name;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError)
      throw new CliError(`no task ${workflowId}; \`drover status\` lists the tasks`);
    throw error;
  }
  if (status !== 'RUNNING')
    throw new CliError(`task ${workflowId} has ended (${status.toLowerCase()}): messages go only to running tasks`);
}

/** From inside an agent's shell: the agent's own task forwards it (so it is in both histories). */
async function sendAsTask(ctx: CliContext, sender: string, message: { id: string; to: string; text: string }) {
  try {
    return await ctx.client.workflow
      .getHandle(sender)
      .executeUpdate(sendMessageUpdate, { args: [message], updateId: message.id });
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError) throw new CliError(error.cause?.message ?? error.message);
    throw error;
  }
}

async function send(target: string, text: string): Promise<void> {
  const sender = process.env.DROVER_WORKFLOW_ID;
  const to = receiverWorkflowId(target, sender);
  // one id for every try: a send that arrived but whose answer was lost is not delivered twice
  const message = { id: `msg-${randomUUID()}`, to, text };
  const checked = SendMessageSchema.safeParse(message);
  if (!checked.success) throw new CliError(`drover send: ${checked.error.issues.map((i) => i.message).join('; ')}`);
  if (sender === to) throw new CliError('drover send: a task cannot send a message to itself');
  const once = async () => {
    const ctx = await openContext();
    try {
      await runningTask(ctx, to);
      if (sender) return await sendAsTask(ctx, sender, message);
      await ctx.client.workflow.getHandle(to).signal(messageSignal, { id: message.id, from: 'human', text });
      return `message ${message.id} sent to ${to}`;
    } finally {
      await ctx.close();
    }
  };
  let deadlineMs: number;
  try {
    deadlineMs = sender ? waitMsFromEnv(process.env, 'DROVER_REPORT_WAIT_SECONDS', 120) : 0;
  } catch (error) {
    throw new CliError((error as Error).message);
  }
  const result = await retryWhileUnreachable(once, {
    deadlineMs,
    onRetry: (error, waitMs) =>
      console.error(
        `drover send: Temporal is not reachable (${error.message.split('\n')[0]}); trying again in ${waitMs} ms`,
      ),
  });
  console.log(result);
}

/** `drover send TASK TEXT`: a message for another task's agent, from a human or (inside an agent's shell) from its task. */
export function registerSendCommand(program: Command): void {
  program
    .command('send <task> <text>')
    .description(
      "send a message to a running task's agent (delivered once, prefixed with the sender); inside an agent's shell the sender is its own task, and a bare id names a task of the same run",
    )
    .action((task: string, text: string) => send(task, text));
}
