import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ParentClosePolicy, startChild, workflowInfo } from '@temporalio/workflow';
import { pickPullRequests, MonitorInputSchema, type MonitorInput } from '../domain/pr-monitor.js';
import { prTaskInput } from '../domain/pr-task.js';
import { ledgerFromRuns, mayStartFix } from '../domain/pr-attempts.js';
import { prWorkflowId } from '../domain/identifiers.js';
import { sharedActivities } from './activity-proxies.js';
import { agentTaskWorkflow } from './agent-task.js';

export interface MonitorCycle {
  scanned: number;
  needingWork: number;
  started: string[];
  attached: string[];
  /** Needing work but over the cap this cycle. */
  deferred: number;
  /** Needing work but held by the attempt ledger (escalated on this head, or the cap reached), with why. */
  held: { workflowId: string; why: string }[];
  missingRepos: string[];
  /** GitHub API requests this cycle sent. */
  apiRequests: number;
}

/**
 * PrMonitorWorkflow (docs/design.md §2): one cycle, run by a Temporal Schedule. Scans the repositories
 * with one batched GraphQL request, then starts a fix workflow for each pull request needing
 * work, or attaches to the one already running: the workflow id `pr/<owner>/<repo>/<n>` is the
 * dedupe key, so a PR never gets two agents. Fixes outlive the cycle (ABANDON).
 */
export async function prMonitorWorkflow(rawInput: MonitorInput): Promise<MonitorCycle> {
  const input = MonitorInputSchema.parse(rawInput);
  const scan = await sharedActivities.scanPullRequests({ repos: input.repos, pageSize: input.pageSize });
  const { picked, skipped } = pickPullRequests(scan.prs, input);
  const cycle: MonitorCycle = {
    scanned: scan.prs.length,
    needingWork: picked.length + skipped,
    started: [],
    attached: [],
    deferred: skipped,
    held: [],
    missingRepos: scan.missing,
    apiRequests: scan.requests,
  };
  // the attempt ledger, from the fix workflows' own runs: an escalated fix is not restarted on the same head
  const ledger = ledgerFromRuns(
    await sharedActivities.fixRuns({
      prs: picked.map(({ pr }) => ({ owner: pr.owner, repo: pr.repo, number: pr.number })),
    }),
  );
  for (const { pr, why } of picked) {
    const key = { owner: pr.owner, repo: pr.repo, number: pr.number };
    const may = pr.headSha ? mayStartFix(ledger, { pr: key, headSha: pr.headSha }) : undefined;
    if (may && !may.start) {
      cycle.held.push({ workflowId: prWorkflowId(pr.owner, pr.repo, pr.number), why: may.why });
      continue;
    }
    const { workflowId, input: taskInput } = prTaskInput(
      { owner: pr.owner, repo: pr.repo, number: pr.number },
      {
        steps: input.steps,
        agent: input.agent,
        ...(input.policy ? { policy: input.policy } : {}),
        objective: `Needs work: ${why.join(', ')}.`,
      },
    );
    try {
      await startChild(agentTaskWorkflow, {
        workflowId,
        args: [taskInput],
        ...(pr.headSha ? { memo: { startHead: pr.headSha } } : {}),
        taskQueue: input.fixTaskQueue ?? workflowInfo().taskQueue,
        parentClosePolicy: ParentClosePolicy.ABANDON,
      });
      cycle.started.push(workflowId);
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      cycle.attached.push(workflowId);
    }
  }
  return cycle;
}
