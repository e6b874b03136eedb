import type { HostHeartbeat, PlacementRequest } from '../domain/hosts.js';
import type { WatchInput } from '../domain/watch.js';
import { deliverText, ensureAgentRunning, sendKeys, type DeliverInput, type SpawnInput } from './agent.js';
import type { ActivityDeps } from './deps.js';
import { createGithubActivities } from './github.js';
import { heartbeating, heartbeatingAll } from './heartbeating.js';
import { describeProgress, haltAgent, stopAgent } from './agent-handoff.js';
import { runSetup, type SetupInput } from './setup.js';
import { mergeInBranches } from '../host/git/merge-in.js';
import { syncWorktree } from '../host/git/sync.js';
import { notify, type Notification } from './notify.js';
import { requestTestSlot, waitForWorkflowEnd } from './test-slot.js';
import { requestMerge } from './merge-queue.js';
import { fixRuns } from './fix-history.js';
import { runValidation, stopValidation, type ValidationInput } from './validate.js';
import { pushAndCollectEvidence } from './verify.js';
import { watchAgent } from './watch.js';
import { endedWorkflows, hostLiveness, placeTask } from './placement.js';
import { prepareWorktree, pushBranch } from '../host/worktree/worktree.js';

/** What this host tells the registry about itself. */
export function hostHeartbeat(
  deps: Pick<ActivityDeps, 'hostId' | 'hostQueue' | 'slots' | 'workspace'>,
  startedAt?: string,
): HostHeartbeat {
  return {
    hostId: deps.hostId,
    taskQueue: deps.hostQueue,
    slots: deps.slots,
    workspace: deps.workspace,
    ...(startedAt ? { startedAt } : {}),
  };
}

/** Activities that must run on the host that owns the task's worktree and tmux window. */
export function createHostActivities(deps: ActivityDeps) {
  return {
    prepareWorktree: heartbeating((input: { repo: string; taskId: string; branch: string; baseRef: string }) =>
      prepareWorktree({ ...input, workspace: deps.workspace, droverHome: deps.droverHome }),
    ),
    ensureAgentRunning: heartbeating((input: SpawnInput) => ensureAgentRunning(deps, input)),
    deliverText: heartbeating((input: DeliverInput) => deliverText(deps, input)),
    sendKeys: heartbeating((input: { paneId: string; keys: string[] }) => sendKeys(deps, input)),
    watchAgent: (input: WatchInput) => watchAgent(deps, input),
    pushAndCollectEvidence: heartbeating(pushAndCollectEvidence),
    pushBranch: heartbeating(pushBranch),
    stopAgent: heartbeating((input: { taskId: string }) => stopAgent(deps, input)),
    runSetup: heartbeating((input: SetupInput) => runSetup(deps, input)),
    haltAgent: heartbeating((input: { taskId: string; graceSeconds: number }) => haltAgent(deps, input)),
    describeProgress: heartbeating(describeProgress),
    mergeInBranches: heartbeating(mergeInBranches),
    syncWorktree: heartbeating(syncWorktree),
    runValidation: (input: ValidationInput) => runValidation(deps, input),
    stopValidation: (input: { taskId: string }) => stopValidation(deps, input),
  };
}

/** Activities any worker can run, on the shared queue. */
export function createSharedActivities(deps: ActivityDeps) {
  return {
    placeTask: (req: PlacementRequest) => placeTask(() => hostHeartbeat(deps), req),
    hostLiveness,
    endedWorkflows,
    notify: (note: Notification) => notify(deps, note),
    // heartbeating: a worker killed in the middle of a GitHub call is noticed in seconds, not at the 3 min timeout
    ...heartbeatingAll(createGithubActivities(deps.github, deps.notifyLine)),
    requestTestSlot,
    requestMerge,
    fixRuns,
    waitForWorkflowEnd,
  };
}

export type HostActivities = ReturnType<typeof createHostActivities>;
export type SharedActivities = ReturnType<typeof createSharedActivities>;
