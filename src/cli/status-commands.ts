import { execa } from 'execa';
import type { Command } from 'commander';
import { tmuxWindowName } from '../domain/identifiers.js';
import { visible } from '../domain/visible-text.js';
import { queryState, readTask, type ReadTask } from './task-read.js';
import { CliError, openContext, taskHandle, webUiLink } from './context.js';
import { listMergeQueues } from './merge-queues.js';
import { renderQueues } from './merge-queue-view.js';
import { describeTask, STATUS_HEADER, statusRow, table } from './status-view.js';

/** status, logs, attach: reading a task without changing it. */
export function registerStatusCommands(program: Command): void {
  program
    .command('status [id]')
    .description('all tasks as a table, or one task in detail')
    .option('--json', 'machine-readable output')
    .option('--all', 'include finished tasks older than a day')
    .action(async (id: string | undefined, opts: { json?: boolean; all?: boolean }) => {
      const ctx = await openContext();
      try {
        if (id) {
          const handle = await taskHandle(ctx, id);
          const desc = await handle.describe();
          const task = await readTask(ctx.client, handle.workflowId, desc.status.name, desc.memo);
          const { state, shown } = task;
          if (opts.json) {
            const end = shown.ended ? { ended: shown.phase, endReason: shown.decision } : {};
            console.log(
              JSON.stringify({ workflowId: handle.workflowId, status: desc.status.name, ...end, ...state }, null, 2),
            );
          } else if (state)
            console.log(describeTask(handle.workflowId, state, webUiLink(ctx.config, handle.workflowId), shown));
          else if (shown.ended) console.log(`${handle.workflowId}  ${shown.phase}: ${visible(shown.decision)}`);
          else
            throw new CliError(
              `${handle.workflowId} is ${desc.status.name.toLowerCase()} but its state cannot be read (no worker running to answer the query?)`,
            );
          return;
        }
        const query = opts.all
          ? `WorkflowType='agentTaskWorkflow'`
          : `WorkflowType='agentTaskWorkflow' AND (ExecutionStatus='Running' OR CloseTime > '${new Date(Date.now() - 86_400_000).toISOString()}')`;
        const rows: ReadTask[] = [];
        for await (const wf of ctx.client.workflow.list({ query })) {
          rows.push(await readTask(ctx.client, wf.workflowId, wf.status.name, wf.memo ?? {}));
          if (rows.length >= 200) break;
        }
        if (opts.json) {
          console.log(
            JSON.stringify(
              rows.map((r) => ({
                workflowId: r.workflowId,
                status: r.status,
                ...(r.shown.ended ? { ended: r.shown.phase, endReason: r.shown.decision } : {}),
                ...r.state,
              })),
              null,
              2,
            ),
          );
          return;
        }
        const queues = await listMergeQueues(ctx).catch(() => []);
        if (rows.length === 0 && queues.length === 0) {
          console.log('no tasks yet — start one with `drover task --repo PATH --objective TEXT`');
          return;
        }
        if (rows.length > 0)
          console.log(table([STATUS_HEADER, ...rows.map((r) => statusRow(r.workflowId, r.state, r.status, r.shown))]));
        if (queues.length > 0) console.log(`\n${renderQueues(queues, { refusalsOnly: true })}`);
        console.log(`\nweb ui: ${webUiLink(ctx.config)}`);
      } finally {
        await ctx.close();
      }
    });

  program
    .command('logs <id>')
    .description("the task's decisions, one per line")
    .option('-f, --follow', 'keep printing new decisions until the task ends')
    .action(async (id: string, opts: { follow?: boolean }) => {
      const ctx = await openContext();
      try {
        const handle = await taskHandle(ctx, id);
        let printed = 0;
        let lastAt = '';
        for (;;) {
          const desc = await handle.describe();
          const { state, shown } = await readTask(ctx.client, handle.workflowId, desc.status.name, desc.memo);
          if (!state && !shown.ended) throw new CliError(`cannot read ${handle.workflowId} (no worker running?)`);
          const fresh = (state?.events ?? []).filter((e) => e.at > lastAt || (e.at === lastAt && printed === 0));
          // one event, one line: what the agent asked to run is shown whole and escaped
          for (const e of fresh) console.log(`${e.at}  ${visible(e.what)}`);
          printed += fresh.length;
          if (fresh.length > 0) lastAt = fresh[fresh.length - 1]!.at;
          // a workflow that ended without finishing (failed, terminated, …) says so, with Temporal's reason
          if (shown.ended && shown.phase !== state?.phase) {
            const at = desc.closeTime?.toISOString() ?? '';
            console.log(`${at}  ${visible(shown.decision)}`);
            return;
          }
          if (!opts.follow || state?.finishedAt || shown.ended) return;
          await new Promise((r) => setTimeout(r, 1000));
        }
      } finally {
        await ctx.close();
      }
    });

  program
    .command('attach <id>')
    .description("watch the agent's tmux window (read-only; detach with Ctrl-b d)")
    .action(async (id: string) => {
      const ctx = await openContext();
      let taskId: string;
      try {
        const handle = await taskHandle(ctx, id);
        const state = await queryState(ctx.client, handle.workflowId);
        taskId = state?.taskId ?? id;
      } finally {
        await ctx.close();
      }
      const target = `=drover:${tmuxWindowName(taskId)}`;
      const result = await execa('tmux', ['-L', ctx.config.tmuxSocket, 'attach-session', '-r', '-t', target], {
        stdio: 'inherit',
        reject: false,
      });
      if (result.exitCode !== 0)
        throw new CliError(
          `cannot attach to ${target} on socket ${ctx.config.tmuxSocket}; the window lives on the host that runs the task`,
        );
    });
}
