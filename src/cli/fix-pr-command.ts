import type { Command } from 'commander';
import { knownAgents } from '../domain/agent-profile.js';
import { parseAgentChain } from '../domain/handoff.js';
import { validateStepName } from '../domain/identifiers.js';
import { prTaskInput } from '../domain/pr-task.js';
import { formatPrRef, parsePrRef } from '../domain/pull-request.js';
import { TaskInputSchema } from '../domain/task.js';
import { CliError, openContext } from './context.js';
import { addMergeOptions, fixPrMerge, type PrCliOptions } from './pr-options.js';
import { hasWorkers, reportStart, scenarioOption, startTask } from './task-start.js';

interface FixPrOptions extends PrCliOptions {
  steps?: string;
  agent?: string;
  model?: string;
  objective?: string;
  scenario?: string;
  ciWait?: string;
  wait?: boolean;
  json?: boolean;
}

function positiveSeconds(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new CliError(`${flag} must be a positive number of seconds, not "${text}"`);
  return n;
}

/** `drover fix-pr OWNER/REPO#N` (or the PR URL): an agent task in PR mode, started or attached by its PR. */
export function registerFixPrCommand(program: Command): void {
  const cmd = program
    .command('fix-pr <pr>')
    .description(
      'fix a pull request (OWNER/REPO#N or its URL): failing checks, review threads, conflicts; done only when verified on GitHub',
    )
    .option('--steps <a,b>', 'required checkpoints, comma-separated', 'pr-address,pr-test')
    .option('--agent <cli>', 'agent CLI profile, or a fallback chain: gemini,claude', 'claude')
    .option('--model <model>', 'model override passed to the agent CLI')
    .option('--objective <text>', 'extra instructions appended to the brief')
    .option('--scenario <file>', 'rehearsal: serve this scripted-model scenario instead of a real model')
    .option('--ci-wait <seconds>', 'how long to wait for CI on the pushed commit before re-briefing', '900')
    .option('--wait', 'follow progress until the task ends')
    .option('--json', 'print the start (and with --wait, the result) as JSON');
  addMergeOptions(cmd).action(async (prText: string, opts: FixPrOptions) => {
    const ref = parsePrRef(prText);
    if (!ref.ok) throw new CliError(ref.error);
    const chain = parseAgentChain(opts.agent ?? 'claude', knownAgents());
    if (!chain.ok) throw new CliError(chain.error);
    const steps = (opts.steps ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    for (const step of steps) {
      const checked = validateStepName(step);
      if (!checked.ok) throw new CliError(`--steps: ${checked.error}`);
    }
    const scenario = await scenarioOption(opts.scenario);
    const ciWaitSeconds = positiveSeconds('--ci-wait', opts.ciWait);
    const merge = fixPrMerge(opts);
    const { workflowId, input: base } = prTaskInput(ref.value, {
      steps,
      agent: chain.value.join(','),
      ...(opts.model ? { model: opts.model } : {}),
      ...(opts.objective ? { objective: opts.objective } : {}),
      ...(scenario !== undefined ? { scenario } : {}),
      ...(ciWaitSeconds ? { policy: { ciWaitSeconds } } : {}),
    });
    const input = merge ? { ...base, merge } : base;
    const parsed = TaskInputSchema.safeParse(input);
    if (!parsed.success)
      throw new CliError(
        `invalid task: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      );
    const ctx = await openContext();
    try {
      if (!(await hasWorkers(ctx)))
        console.error(
          `warning: no worker polls task queue "${ctx.config.taskQueue}"; run \`drover dev\` or \`drover worker\` or the fix will wait`,
        );
      const { attached } = await startTask(ctx, input);
      await reportStart(
        ctx,
        {
          workflowId,
          attached,
          headline: ` for ${formatPrRef(ref.value)}${merge ? `\n  then merged (${merge.method}) through the merge queue once it passes` : ''}`,
          json: { taskId: input.taskId, pr: ref.value },
        },
        opts,
      );
    } finally {
      await ctx.close();
    }
  });
}
