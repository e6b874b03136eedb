import type { Command } from 'commander';
import { WorkflowNotFoundError } from '@temporalio/client';
import { mergeQueueWorkflowId } from '../domain/merge-queue.js';
import { lastOutcomeAt, mergeWait, type MergeWait } from '../domain/merge-wait.js';
import { mergeSettingsOf } from '../domain/pr-flags.js';
import { formatPrRef, parsePrRef, type PrRef } from '../domain/pull-request.js';
import { sendMergeRequest } from '../activities/merge-queue.js';
import { mergeRetrySignal } from '../workflows/merge-queue-messages.js';
import { CliError, openContext, webUiLink, type CliContext } from './context.js';
import { cliGithubClient } from './github-repo.js';
import { listMergeQueues, queryMergeQueue, readMergeQueue } from './merge-queues.js';
import { parseQueueFilter, renderQueues } from './merge-queue-view.js';
import { addMergeSettingOptions, type PrCliOptions } from './pr-options.js';

interface MergeOptions extends Omit<PrCliOptions, 'mergeMethod'> {
  method?: string;
  retry?: boolean;
  wait?: boolean;
  json?: boolean;
}

/** The PR's head and base as GitHub has them now. */
async function readPr(ref: PrRef): Promise<{ headSha: string; base: string }> {
  const { client, apiUrl } = cliGithubClient();
  let data;
  try {
    ({ data } = await client.rest.pulls.get({ owner: ref.owner, repo: ref.repo, pull_number: ref.number }));
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status === 404)
      throw new CliError(`${formatPrRef(ref)}: no such pull request on ${apiUrl} (or the token cannot see it)`);
    if (status === 401) throw new CliError(`${formatPrRef(ref)}: GitHub refused the token (GITHUB_TOKEN)`);
    throw new CliError(`${formatPrRef(ref)}: cannot read it from ${apiUrl}: ${(error as Error).message}`);
  }
  if (data.merged) throw new CliError(`${formatPrRef(ref)} is merged already; nothing to do`);
  if (data.state !== 'open')
    throw new CliError(`${formatPrRef(ref)} is ${data.state}; only an open pull request merges`);
  return { headSha: data.head.sha, base: data.base.ref };
}

const queryQueue = queryMergeQueue;

/** Polls the queue every second until the PR has an outcome; prints where it is when that changes. */
async function waitForOutcome(
  ctx: CliContext,
  workflowId: string,
  pr: { number: number; headSha: string; before?: string | undefined },
  say: (line: string) => void,
): Promise<Extract<MergeWait, { done: true }>> {
  let polls = 0;
  let lastWhere = '';
  for (;;) {
    await new Promise((r) => setTimeout(r, 1000));
    polls += 1;
    const state = await queryQueue(ctx, workflowId);
    if (!state) {
      if (lastWhere !== 'unreadable') say('  the queue does not answer yet (is a worker running?)');
      lastWhere = 'unreadable';
      continue;
    }
    const w = mergeWait(state, { ...pr, polls });
    if (w.done) return w;
    if (w.where !== lastWhere) say(`  ${w.where}`);
    lastWhere = w.where;
  }
}

async function mergeAction(prText: string, opts: MergeOptions): Promise<void> {
  const ref = parsePrRef(prText);
  if (!ref.ok) throw new CliError(ref.error);
  const settings = mergeSettingsOf(
    {
      merge: true,
      ...(opts.method !== undefined ? { mergeMethod: opts.method } : {}),
      allowBase: opts.allowBase ?? [],
      requireApproval: opts.requireApproval ?? false,
      keepBranch: opts.keepBranch ?? false,
    },
    '--method',
  );
  if (!settings.ok) throw new CliError(settings.error);
  const { headSha, base } = await readPr(ref.value);
  const { owner, repo, number } = ref.value;
  const say = opts.json ? () => undefined : (l: string) => console.log(l);
  const ctx = await openContext();
  try {
    const workflowId = mergeQueueWorkflowId(owner, repo, base);
    const before = lastOutcomeAt(await queryQueue(ctx, workflowId), number);
    if (opts.retry) {
      try {
        await ctx.client.workflow.getHandle(workflowId).signal(mergeRetrySignal, number);
      } catch (error) {
        if (error instanceof WorkflowNotFoundError)
          throw new CliError(`no merge queue runs for ${owner}/${repo} → ${base}; queue the PR without --retry`);
        throw error;
      }
      say(`asked ${workflowId} to try ${formatPrRef(ref.value)} again at ${headSha.slice(0, 10)}`);
    } else {
      await sendMergeRequest(
        ctx.client,
        ctx.config.taskQueue,
        { owner, repo, base },
        { number, headSha, settings: settings.value },
      );
      say(`queued ${formatPrRef(ref.value)} at ${headSha.slice(0, 10)} on ${workflowId} (${settings.value.method})`);
    }
    say(`  web ui ${webUiLink(ctx.config, workflowId)}`);
    if (!opts.wait) {
      if (opts.json) console.log(JSON.stringify({ workflowId, number, headSha, base, retried: opts.retry ?? false }));
      return;
    }
    const outcome = await waitForOutcome(ctx, workflowId, { number, headSha, before }, say);
    if (opts.json) console.log(JSON.stringify({ workflowId, number, headSha, base, ...outcome }));
    else {
      const head = `${formatPrRef(ref.value)} ${outcome.outcome}${outcome.mergeCommit ? ` as ${outcome.mergeCommit.slice(0, 10)}` : ''}`;
      console.log(
        [`\n${head}${outcome.note ? ` (${outcome.note})` : ''}`, ...outcome.reasons.map((r) => `  - ${r}`)].join('\n'),
      );
    }
    if (outcome.outcome !== 'merged') throw new CliError('', 1);
  } finally {
    await ctx.close();
  }
}

async function statusAction(filterText: string | undefined, opts: { json?: boolean }): Promise<void> {
  const filter = filterText === undefined ? undefined : parseQueueFilter(filterText);
  if (filter && !filter.ok) throw new CliError(filter.error);
  const ctx = await openContext();
  try {
    const views =
      filter?.base !== undefined
        ? [await readMergeQueue(ctx, filter.owner, filter.repo, filter.base)]
        : await listMergeQueues(ctx, filter);
    if (opts.json) {
      console.log(JSON.stringify(views, null, 2));
      return;
    }
    if (views.length === 0 || (views.length === 1 && views[0]!.error === 'no such merge queue')) {
      console.log(
        `no merge queue runs${filterText ? ` for ${filterText}` : ''} — \`drover merge OWNER/REPO#N\` queues a PR`,
      );
      return;
    }
    console.log(renderQueues(views));
  } finally {
    await ctx.close();
  }
}

/** `drover merge OWNER/REPO#N` and `drover merge status [OWNER/REPO[/BASE]]`. */
export function registerMergeCommand(program: Command): void {
  const cmd = program
    .command('merge <pr> [queue]')
    .description(
      "merge a pull request through its repository's guarded merge queue (OWNER/REPO#N or its URL); `drover merge status [OWNER/REPO[/BASE]]` shows the queues",
    )
    .option('--retry', 'try a PR the queue refused again at the same head (after fixing what it named)')
    .option('--wait', 'follow the queue until the PR is merged, refused or withdrawn (exit 0 only when merged)')
    .option('--json', 'machine-readable output');
  addMergeSettingOptions(cmd, '--method <method>').action(
    async (target: string, queue: string | undefined, opts: MergeOptions) => {
      if (target === 'status') return statusAction(queue, opts);
      if (queue !== undefined) throw new CliError(`drover merge takes one pull request; "${queue}" is extra`);
      return mergeAction(target, opts);
    },
  );
}
