import { existsSync } from 'node:fs';
import { taskStartMetadata } from '../domain/task-metadata.js';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { isValidBranchName } from '../host/git/git.js';
import { splitCommand } from '../domain/argv.js';
import {
  branchForTask,
  prWorkflowId,
  taskWorkflowId,
  validateTaskBranch,
  validateSlotName,
  validateTaskId,
} from '../domain/identifiers.js';
import { knownAgents } from '../domain/agent-profile.js';
import { parseAgentChain } from '../domain/handoff.js';
import { TaskInputSchema, type TaskInput } from '../domain/task.js';
import { loadScenario } from '../rehearsal/scenario.js';
import { CliError, webUiLink, type CliContext } from './context.js';
import { followTask } from './follow.js';
import { adhocPrInput, type PrCliOptions } from './pr-options.js';
import { commandRules, type CommandRuleOptions } from './command-rule-options.js';
import { setupFor, type SetupOptions } from './setup-options.js';
import type { DroverConfig } from '../config/config.js';
import { checkImages, existingBranch, loadContextFile, prOption } from './task-attachments.js';

export interface TaskOptions extends PrCliOptions, CommandRuleOptions, SetupOptions {
  repo: string;
  objective: string;
  steps?: string;
  agent?: string;
  scenario?: string;
  id?: string;
  branch?: string;
  base?: string;
  model?: string;
  idleSeconds?: string;
  validate?: string;
  validateTimeout?: string;
  slot?: string;
  context?: string;
  image?: string[];
  pr?: string;
  newBranch?: boolean;
  budgetTokens?: string;
  budgetSeconds?: string;
}

/** `--validate "CMD"` as argv (no shell), `--slot`, `--validate-timeout`; undefined without --validate. */
export function validateOption(
  opts: Pick<TaskOptions, 'validate' | 'validateTimeout' | 'slot'>,
): TaskInput['validate'] {
  if (opts.validate === undefined) {
    if (opts.slot !== undefined && opts.slot !== 'default')
      throw new CliError('--slot needs --validate (the slot only serializes validation runs)');
    return undefined;
  }
  const argv = splitCommand(opts.validate);
  if (!argv.ok) throw new CliError(`--validate: ${argv.error}`);
  const slot = opts.slot ?? 'default';
  const slotCheck = validateSlotName(slot);
  if (!slotCheck.ok) throw new CliError(`--slot "${slot}" refused: ${slotCheck.error}`);
  const timeoutSeconds = Number(opts.validateTimeout ?? 600);
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0)
    throw new CliError(`--validate-timeout must be a positive number of seconds, got "${opts.validateTimeout}"`);
  return { argv: argv.value, slot, timeoutSeconds };
}

function defaultTaskId(objective: string): string {
  const slug = objective
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .split('-')
    .slice(0, 4)
    .join('-');
  return `${slug || 'task'}-${randomBytes(2).toString('hex')}`;
}

/** Validates everything a user typed before anything starts; errors say what to change. */
export async function buildTaskInput(
  opts: TaskOptions,
  config?: Pick<DroverConfig, 'commands' | 'repos' | 'projectRoot'>,
): Promise<TaskInput> {
  const repo = path.resolve(opts.repo);
  if (!existsSync(path.join(repo, '.git')))
    throw new CliError(`--repo ${opts.repo}: not a git repository (no .git in ${repo})`);
  const taskId = opts.id ?? defaultTaskId(opts.objective);
  const idCheck = validateTaskId(taskId);
  if (!idCheck.ok) throw new CliError(`task id "${taskId}" refused: ${idCheck.error}`);
  if (opts.newBranch === false && opts.pr)
    throw new CliError("--pr works on the pull request's own branch already; drop --no-new-branch");
  if (opts.newBranch === false && opts.base)
    throw new CliError('--base makes no sense with --no-new-branch: the existing branch is used as it is');
  const branch =
    opts.newBranch === false ? await existingBranch(repo, opts.branch) : (opts.branch ?? branchForTask(taskId));
  const branchCheck = validateTaskBranch(branch);
  if (!branchCheck.ok) throw new CliError(`branch "${branch}" refused: ${branchCheck.error}`);
  if (!(await isValidBranchName(branch)))
    throw new CliError(`branch "${branch}" refused: git check-ref-format --branch rejects it`);
  const chain = parseAgentChain(opts.agent ?? 'claude', knownAgents());
  if (!chain.ok) throw new CliError(chain.error);
  const steps = (opts.steps ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const scenario = await scenarioOption(opts.scenario);
  const validate = validateOption(opts);
  const context = opts.context ? await loadContextFile(opts.context) : undefined;
  if (context?.masked)
    console.error(
      `warning: --context ${opts.context}: token-shaped strings were masked before the brief ([REDACTED]); secrets never go into workflow history`,
    );
  const images = opts.image && opts.image.length > 0 ? checkImages(opts.image) : undefined;
  const pr = opts.pr ? await prOption(repo, opts.pr) : undefined;
  const prPlan = await adhocPrInput(repo, opts, pr !== undefined);
  const commands = commandRules({ config: config?.commands, flags: opts });
  const setup = setupFor(repo, { projectRoot: config?.projectRoot ?? repo, repos: config?.repos ?? {} }, opts);
  const budgetTokens = opts.budgetTokens === undefined ? undefined : Number(opts.budgetTokens);
  if (budgetTokens !== undefined && (!Number.isInteger(budgetTokens) || budgetTokens <= 0))
    throw new CliError(`--budget-tokens must be a whole number of tokens, got "${opts.budgetTokens}"`);
  const wallSeconds = opts.budgetSeconds === undefined ? undefined : Number(opts.budgetSeconds);
  if (wallSeconds !== undefined && (!Number.isFinite(wallSeconds) || wallSeconds <= 0))
    throw new CliError(`--budget-seconds must be a positive number of seconds, got "${opts.budgetSeconds}"`);
  const budget = {
    ...(budgetTokens !== undefined ? { tokens: budgetTokens } : {}),
    ...(wallSeconds !== undefined ? { wallSeconds } : {}),
  };
  const raw: TaskInput = {
    taskId,
    repo,
    branch,
    objective: opts.objective,
    steps,
    agent: chain.value.join(','),
    ...(opts.base ? { baseRef: opts.base } : {}),
    ...(opts.model ? { model: opts.model } : {}),
    ...(scenario !== undefined ? { scenario } : {}),
    ...(opts.idleSeconds ? { policy: { idleSeconds: Number(opts.idleSeconds) } } : {}),
    ...(validate ? { validate } : {}),
    ...(commands.length > 0 ? { commands } : {}),
    ...(setup ? { setup } : {}),
    ...(Object.keys(budget).length > 0 ? { budget } : {}),
    ...(context ? { context: context.text } : {}),
    ...(images ? { images } : {}),
    ...(pr ? { pr } : {}),
    ...(prPlan.openPr ? { openPr: prPlan.openPr } : {}),
    ...(prPlan.merge ? { merge: prPlan.merge } : {}),
  };
  const parsed = TaskInputSchema.safeParse(raw);
  if (!parsed.success)
    throw new CliError(
      `invalid task: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  for (const step of steps)
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(step))
      throw new CliError(`--steps: "${step}" is not a valid step name (letters, digits, . _ -)`);
  return raw;
}

/** `--scenario FILE` read and validated (undefined without the option). */
export async function scenarioOption(file: string | undefined): Promise<unknown> {
  if (!file) return undefined;
  try {
    return await loadScenario(file);
  } catch (error) {
    throw new CliError(`--scenario: ${(error as Error).message}`);
  }
}

/**
 * Prints what started (or was attached to); with `wait`, follows the task to its end and exits 3
 * unless it is done. `summary` is the start's JSON / the extra line of the text form.
 */
export async function reportStart(
  ctx: CliContext,
  start: { workflowId: string; attached: boolean; headline: string; json: Record<string, unknown> },
  opts: { wait?: boolean; json?: boolean },
): Promise<void> {
  const { workflowId, attached } = start;
  const link = webUiLink(ctx.config, workflowId);
  if (!opts.json)
    console.log(`${attached ? 'attached to running' : 'started'} ${workflowId}${start.headline}\n  web ui ${link}`);
  if (!opts.wait) {
    if (opts.json) console.log(JSON.stringify({ workflowId, attached, ...start.json, webUi: link }));
    return;
  }
  const result = await followTask(ctx.client, workflowId, opts.json ? () => undefined : (l) => console.log(l));
  console.log(
    opts.json ? JSON.stringify({ workflowId, ...result, webUi: link }) : `\n${result.state}: ${result.reason}`,
  );
  if (result.state !== 'done') throw new CliError('', 3);
}

/** Starts the task's workflow; a task with the same id that is already running is attached to. */
export async function startTask(
  ctx: Pick<CliContext, 'client' | 'config'>,
  input: TaskInput,
): Promise<{ workflowId: string; attached: boolean }> {
  const workflowId = input.pr
    ? prWorkflowId(input.pr.owner, input.pr.repo, input.pr.number)
    : taskWorkflowId(input.taskId);
  try {
    await ctx.client.workflow.start('agentTaskWorkflow', {
      taskQueue: ctx.config.taskQueue,
      workflowId,
      args: [input],
      ...taskStartMetadata(input),
    });
    return { workflowId, attached: false };
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return { workflowId, attached: true };
    throw error;
  }
}

/** Warns when nobody would run the task: no worker polls the shared queue. */
export async function hasWorkers(ctx: CliContext): Promise<boolean> {
  try {
    const res = await ctx.client.workflowService.describeTaskQueue({
      namespace: ctx.config.temporal.namespace,
      taskQueue: { name: ctx.config.taskQueue },
      taskQueueType: 1,
    });
    return (res.pollers?.length ?? 0) > 0;
  } catch {
    return true;
  }
}
