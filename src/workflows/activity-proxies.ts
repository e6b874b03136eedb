import { proxyActivities } from '@temporalio/workflow';
import type { HostActivities, SharedActivities } from '../activities/index.js';

/** Activities any worker can run (shared queue `drover`). */
export const sharedActivities = proxyActivities<SharedActivities>({
  startToCloseTimeout: '30s',
  retry: { maximumAttempts: 5, maximumInterval: '10s' },
});

/** Activities bound to the host that owns the task's worktree and tmux window (`drover@<host>`). */
export function hostActivities(taskQueue: string) {
  const quick = proxyActivities<HostActivities>({ taskQueue, startToCloseTimeout: '2m', retry: { maximumInterval: '15s', maximumAttempts: 10 } });
  const once = proxyActivities<HostActivities>({ taskQueue, startToCloseTimeout: '90s', retry: { maximumAttempts: 1 } });
  const watching = proxyActivities<HostActivities>({
    taskQueue,
    startToCloseTimeout: '15m',
    heartbeatTimeout: '10s',
    retry: { initialInterval: '1s', maximumInterval: '10s' },
  });
  return {
    prepareWorktree: quick.prepareWorktree,
    ensureAgentRunning: quick.ensureAgentRunning,
    sendKeys: quick.sendKeys,
    pushAndCollectEvidence: quick.pushAndCollectEvidence,
    // pasting twice would brief the agent twice: never retried blindly, the workflow decides
    deliverText: once.deliverText,
    watchAgent: watching.watchAgent,
  };
}
