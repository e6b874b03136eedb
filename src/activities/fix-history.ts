import { Context } from '@temporalio/activity';
import { prWorkflowId } from '../domain/identifiers.js';
import type { FixRun, PrKey } from '../domain/pr-attempts.js';
import type { TaskResult } from '../domain/task.js';

const OUTCOME: Record<TaskResult['state'], FixRun['outcome']> = {
  done: 'fixed',
  escalated: 'escalated',
  failed: 'failed',
  aborted: 'failed',
};

/**
 * Every run of each PR's fix workflow (`pr/<owner>/<repo>/<n>`) from visibility, with the head it
 * started on (memo `startHead`, set by the monitor) and how it ended: the attempt ledger's facts.
 * Runs started without that memo (by `drover fix-pr`) count only from their end head.
 */
export async function fixRuns(input: { prs: PrKey[] }): Promise<FixRun[]> {
  const { client } = Context.current();
  const runs: FixRun[] = [];
  for (const pr of input.prs) {
    const id = prWorkflowId(pr.owner, pr.repo, pr.number);
    for await (const run of client.workflow.list({ query: `WorkflowId = "${id}"` })) {
      const startHead = typeof run.memo?.startHead === 'string' ? run.memo.startHead : undefined;
      const startedAt = run.startTime.toISOString();
      if (run.status.name === 'RUNNING') {
        if (startHead) runs.push({ pr, startHead, startedAt });
        continue;
      }
      let result: TaskResult | undefined;
      if (run.status.name === 'COMPLETED')
        result = (await client.workflow.getHandle(id, run.runId).result()) as TaskResult;
      const endHead = result?.commit;
      const head = startHead ?? endHead;
      if (!head) continue;
      runs.push({
        pr,
        startHead: head,
        startedAt,
        outcome: result ? OUTCOME[result.state] : 'failed',
        ...(endHead ? { endHead } : {}),
      });
    }
  }
  return runs;
}
