import { ActivityCancellationType, proxyActivities } from '@temporalio/workflow';
import type { HostActivities, SharedActivities } from '../activities/index.js';

const shared = proxyActivities<SharedActivities>({
  startToCloseTimeout: '30s',
  retry: { maximumAttempts: 5, maximumInterval: '10s' },
});

/**
 * Notifications have their own short budget: the activity swallows webhook failures itself, so a
 * retry only follows a lost worker or a hung attempt, and a slow notifier never holds a task long.
 */
const notifying = proxyActivities<SharedActivities>({
  startToCloseTimeout: '20s',
  retry: { maximumAttempts: 2 },
});

/**
 * GitHub calls: Octokit already retries 5xx and waits out rate limits inside one attempt; an
 * attempt that still fails is retried here with backoff, and final errors (404, 422, bad
 * credentials) are non-retryable failures with an actionable message.
 */
const github = proxyActivities<SharedActivities>({
  startToCloseTimeout: '3m',
  // the activities heartbeat every 2 s: a killed worker's call is retried on another in seconds
  heartbeatTimeout: '15s',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '60s', maximumAttempts: 10 },
});

/** The slot's watch on its holder: one long heartbeating activity per grant, cancelled on release. */
const watchingHolder = proxyActivities<SharedActivities>({
  startToCloseTimeout: '24h',
  heartbeatTimeout: '10s',
  retry: { initialInterval: '1s', maximumInterval: '10s' },
});

/** Activities any worker can run (shared queue `drover`). */
export const sharedActivities: SharedActivities = {
  placeTask: shared.placeTask,
  hostLiveness: shared.hostLiveness,
  endedWorkflows: shared.endedWorkflows,
  notify: notifying.notify,
  loadRepository: github.loadRepository,
  openTaskPr: github.openTaskPr,
  loadPullRequest: github.loadPullRequest,
  readPrFacts: github.readPrFacts,
  answerReviewThreads: github.answerReviewThreads,
  postPrSummary: github.postPrSummary,
  readMergeFacts: github.readMergeFacts,
  bringPrUpToDate: github.bringPrUpToDate,
  retargetPr: github.retargetPr,
  mergePr: github.mergePr,
  deleteHeadBranch: github.deleteHeadBranch,
  requestMerge: shared.requestMerge,
  fixRuns: shared.fixRuns,
  scanPullRequests: github.scanPullRequests,
  requestTestSlot: shared.requestTestSlot,
  waitForWorkflowEnd: watchingHolder.waitForWorkflowEnd,
};

/**
 * How long a host activity may wait in its host's queue: longer than a worker restart, so a
 * SIGKILLed and restarted worker is not taken for gone. Not retried by Temporal: the task
 * workflow then asks the host registry whether the host still heartbeats (task-placement.ts).
 */
export const HOST_SCHEDULE_TO_START = '40s';

/**
 * The validation command on the task's host: heartbeats every 2 s, so a dead worker is noticed in
 * 10 s and the retry (which stops the old process first) runs there again; a cancellation waits
 * until the process is really gone, so the slot is released only after that.
 */
export function validationActivities(taskQueue: string, timeoutSeconds: number) {
  const validating = proxyActivities<HostActivities>({
    taskQueue,
    scheduleToStartTimeout: HOST_SCHEDULE_TO_START,
    startToCloseTimeout: `${Math.ceil(timeoutSeconds) + 60}s`,
    heartbeatTimeout: '10s',
    retry: { initialInterval: '1s', maximumInterval: '10s', maximumAttempts: 3 },
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  });
  return { runValidation: validating.runValidation };
}

/** Stops a holder's validation process on its host; gives up quickly when that host is gone. */
export function reaperActivities(taskQueue: string) {
  // a host without a worker cannot run it, and its watchdog ends the process anyway: do not hold the slot for long
  const reaping = proxyActivities<HostActivities>({
    taskQueue,
    scheduleToStartTimeout: '3s',
    startToCloseTimeout: '15s',
    retry: { maximumAttempts: 2 },
  });
  return { stopValidation: reaping.stopValidation };
}

/**
 * Activities bound to the host that owns the task's worktree and tmux window (`drover@<host>`).
 * They heartbeat every 2 s (activities/heartbeating.ts): a worker killed mid-activity costs 10 s, not the whole timeout.
 */
export function hostActivities(taskQueue: string) {
  const scheduleToStartTimeout = HOST_SCHEDULE_TO_START;
  const quick = proxyActivities<HostActivities>({
    taskQueue,
    scheduleToStartTimeout,
    startToCloseTimeout: '2m',
    heartbeatTimeout: '10s',
    retry: { maximumInterval: '15s', maximumAttempts: 10 },
  });
  const once = proxyActivities<HostActivities>({
    taskQueue,
    scheduleToStartTimeout,
    startToCloseTimeout: '90s',
    heartbeatTimeout: '10s',
    retry: { maximumAttempts: 1 },
  });
  // setup commands (npm ci …) run up to their own timeout each; retried once
  const setup = proxyActivities<HostActivities>({
    taskQueue,
    scheduleToStartTimeout,
    startToCloseTimeout: '2h',
    heartbeatTimeout: '10s',
    retry: { maximumAttempts: 2 },
  });
  const watching = proxyActivities<HostActivities>({
    taskQueue,
    scheduleToStartTimeout,
    startToCloseTimeout: '15m',
    heartbeatTimeout: '10s',
    retry: { initialInterval: '1s', maximumInterval: '10s' },
  });
  return {
    prepareWorktree: quick.prepareWorktree,
    ensureAgentRunning: quick.ensureAgentRunning,
    sendKeys: quick.sendKeys,
    pushAndCollectEvidence: quick.pushAndCollectEvidence,
    pushBranch: quick.pushBranch,
    stopAgent: quick.stopAgent,
    haltAgent: quick.haltAgent,
    runSetup: setup.runSetup,
    describeProgress: quick.describeProgress,
    mergeInBranches: quick.mergeInBranches,
    syncWorktree: quick.syncWorktree,
    // pasting twice would brief the agent twice: never retried blindly, the workflow decides
    deliverText: once.deliverText,
    watchAgent: watching.watchAgent,
  };
}
