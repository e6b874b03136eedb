import { randomUUID } from 'node:crypto';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { Command } from 'commander';
import { ReportSchema } from '../domain/task.js';
import {
  abortSignal,
  approveUpdate,
  denyUpdate,
  nudgeSignal,
  pauseSignal,
  reportUpdate,
  resumeSignal,
  steerSignal,
} from '../workflows/task-messages.js';
import { CliError, openContext, taskHandle, type CliContext } from './context.js';
import { retryWhileUnreachable, waitMsFromEnv } from '../temporal/unreachable-retry.js';

async function withTask(
  id: string,
  fn: (ctx: CliContext, handle: Awaited<ReturnType<typeof taskHandle>>) => Promise<string>,
): Promise<void> {
  const ctx = await openContext();
  try {
    const handle = await taskHandle(ctx, id);
    console.log(await fn(ctx, handle));
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError) throw new CliError(error.cause?.message ?? error.message);
    throw error;
  } finally {
    await ctx.close();
  }
}

/** nudge, steer, approve, deny, pause, resume, abort, report: one signal or update each. */
export function registerSteerCommands(program: Command): void {
  program
    .command('nudge <id> [text]')
    .description('nudge the agent now (optional text replaces the default nudge)')
    .action((id: string, text?: string) =>
      withTask(id, async (_c, h) => (await h.signal(nudgeSignal, text), `nudge sent to ${h.workflowId}`)),
    );
  program
    .command('steer <id> <text>')
    .description('send the agent new instructions now')
    .action((id: string, text: string) =>
      withTask(id, async (_c, h) => (await h.signal(steerSignal, text), `instructions sent to ${h.workflowId}`)),
    );
  program
    .command('approve <id>')
    .description('approve the dialog that waits for a human')
    .action((id: string) => withTask(id, (_c, h) => h.executeUpdate(approveUpdate, { args: [{ source: 'cli' }] })));
  program
    .command('deny <id>')
    .description('deny the dialog that waits for a human (the task then stops cleanly)')
    .action((id: string) => withTask(id, (_c, h) => h.executeUpdate(denyUpdate, { args: [{ source: 'cli' }] })));
  program
    .command('pause <id>')
    .description('stop supervising (the agent keeps its window) until resume')
    .action((id: string) => withTask(id, async (_c, h) => (await h.signal(pauseSignal), `paused ${h.workflowId}`)));
  program
    .command('resume <id>')
    .description('resume supervision of a paused task')
    .action((id: string) => withTask(id, async (_c, h) => (await h.signal(resumeSignal), `resumed ${h.workflowId}`)));
  program
    .command('abort <id> [reason]')
    .description('end the task; its window and worktree stay for inspection')
    .action((id: string, reason?: string) =>
      withTask(id, async (_c, h) => (await h.signal(abortSignal, reason), `abort sent to ${h.workflowId}`)),
    );

  const report = program
    .command('report')
    .description("from inside an agent's shell: report a checkpoint or done (uses DROVER_WORKFLOW_ID)");
  const sendReport = async (payload: unknown) => {
    const id = process.env.DROVER_WORKFLOW_ID ?? process.env.DROVER_TASK_ID;
    if (!id)
      throw new CliError('drover report runs inside an agent window: DROVER_WORKFLOW_ID / DROVER_TASK_ID is not set');
    const parsed = ReportSchema.safeParse(payload);
    if (!parsed.success) throw new CliError(`invalid report: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
    // a report lost to a Temporal restart is a task that never completes: wait for the server a while
    let deadlineMs: number;
    try {
      deadlineMs = waitMsFromEnv(process.env, 'DROVER_REPORT_WAIT_SECONDS', 120);
    } catch (error) {
      throw new CliError((error as Error).message);
    }
    // one update id for every try: a report that arrived but whose answer was lost is not applied twice
    const updateId = `report-${randomUUID()}`;
    await retryWhileUnreachable(
      () => withTask(id, (_c, h) => h.executeUpdate(reportUpdate, { args: [parsed.data], updateId })),
      {
        deadlineMs,
        onRetry: (error, waitMs) =>
          console.error(
            `drover report: Temporal is not reachable (${error.message.split('\n')[0]}); trying again in ${waitMs} ms`,
          ),
      },
    );
  };
  report
    .command('checkpoint <step>')
    .description('a required step is complete')
    .action((step: string) => sendReport({ kind: 'checkpoint', step }));
  report
    .command('thread <threadId> <note>')
    .description(
      'pull-request tasks: a review thread is addressed (Drover replies with the pushed commit and resolves it)',
    )
    .action((threadId: string, note: string) => sendReport({ kind: 'thread', threadId, note }));
  report
    .command('done [note]')
    .description('the whole task is complete')
    .action((note?: string) => sendReport({ kind: 'done', ...(note ? { note } : {}) }));
}
