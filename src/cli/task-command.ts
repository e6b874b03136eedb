import type { Command } from 'commander';
import type { TaskInput } from '../domain/task.js';
import { loadConfig } from '../config/config.js';
import { addCommandRuleOptions } from './command-rule-options.js';
import { addSetupOptions } from './setup-options.js';
import { openContext } from './context.js';
import { addPrOptions } from './pr-options.js';
import { buildTaskInput, hasWorkers, reportStart, startTask, type TaskOptions } from './task-start.js';

/** What happens with a pull request, for the start message. */
function prHeadline(input: TaskInput): string {
  const merge = input.merge ? `, then merged (${input.merge.method}) through the merge queue once it passes` : '';
  if (input.openPr) return `\n  pull request on ${input.openPr.owner}/${input.openPr.repo} once verified${merge}`;
  return merge ? `\n  pull request ${input.pr?.owner}/${input.pr?.repo}#${input.pr?.number}${merge}` : '';
}

/** `drover task`: start (or attach to) one agent task. */
export function registerTaskCommand(program: Command): void {
  const cmd = program
    .command('task')
    .description('run one agent task on a local git repository')
    .requiredOption('--repo <path>', 'the git repository to work on')
    .requiredOption('--objective <text>', 'what the agent must do (passed verbatim)')
    .option('--steps <a,b>', 'required checkpoints, comma-separated')
    .option('--agent <cli>', 'agent CLI profile, or a fallback chain: gemini,claude', 'claude')
    .option('--scenario <file>', 'rehearsal: serve this scripted-model scenario instead of a real model')
    .option('--id <taskId>', 'task id (default: from the objective)')
    .option('--branch <name>', 'task branch (default: drover/<taskId>)')
    .option('--base <ref>', 'base ref for the branch (default: the repository HEAD)')
    .option('--model <model>', 'model override passed to the agent CLI')
    .option('--idle-seconds <n>', 'quiet time at the prompt before a nudge')
    .option(
      '--validate <cmd>',
      "validation command run in the worktree under the test slot before done (split like a shell, run without one; use sh -c '…' for pipes)",
    )
    .option('--validate-timeout <seconds>', 'stop the validation command after this long', '600')
    .option('--slot <name>', 'the test slot the validation holds (one run at a time per slot)', 'default')
    .option('--context <file>', 'markdown put verbatim in the brief (at most 64 KB; token-shaped strings masked)')
    .option('--image <path>', 'an image the agent should look at (repeatable)', (v: string, prev: string[] = []) => [
      ...prev,
      v,
    ])
    .option(
      '--pr <pr>',
      'work on an existing pull request (N from the origin remote, OWNER/REPO#N or its URL): PR mode, verified like fix-pr',
    )
    .option('--no-new-branch', 'work on an existing branch (--branch, else the current one); never create one')
    .option('--title <text>', "the pull request's title (with --open-pr; default: the objective's first line)")
    .option('--issue <n>', 'the issue the pull request closes ("Closes #N"; with --open-pr)')
    .option(
      '--budget-tokens <n>',
      'stop the agent and end the task (escalated, with the figures) once it used this many tokens (claude)',
    )
    .option('--budget-seconds <n>', 'stop the agent and end the task (escalated) this long after it started')
    .option('--wait', 'follow progress until the task ends')
    .option('--json', 'print the start (and with --wait, the result) as JSON');
  addPrOptions(addSetupOptions(addCommandRuleOptions(cmd))).action(
    async (opts: TaskOptions & { wait?: boolean; json?: boolean }) => {
      const input = await buildTaskInput(opts, loadConfig());
      const ctx = await openContext();
      try {
        if (!(await hasWorkers(ctx)))
          console.error(
            `warning: no worker polls task queue "${ctx.config.taskQueue}"; run \`drover dev\` or \`drover worker\` or the task will wait`,
          );
        const { workflowId, attached } = await startTask(ctx, input);
        await reportStart(
          ctx,
          {
            workflowId,
            attached,
            headline: `\n  branch ${input.branch}${prHeadline(input)}`,
            json: { taskId: input.taskId, branch: input.branch },
          },
          opts,
        );
      } finally {
        await ctx.close();
      }
    },
  );
}
