import { Context } from '@temporalio/activity';
import type { BranchFacts } from '../../src/domain/verification.js';
import type { WatchEvent, WatchInput } from '../../src/domain/watch.js';
import type { hostActivities, sharedActivities } from '../../src/workflows/activity-proxies.js';

/** The activities as plain functions (the workflow's proxies also carry `executeWithOptions`). */
type Plain<T> = { [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (...args: A) => R : never };
type HostCalls = Plain<ReturnType<typeof hostActivities>>;
type SharedCalls = Plain<typeof sharedActivities>;

/** A watch event without its screen tail (the stub adds one). */
export type ScriptedEvent = WatchEvent extends infer E ? (E extends unknown ? Omit<E, 'tail'> : never) : never;
/** What the stubbed watch returns on its n-th call (0-based), given the calls so far: an event, or `block` (a quiet pane until cancelled). */
export type WatchScript = (input: WatchInput, call: number, calls: StubCalls) => ScriptedEvent | 'block';

export interface StubCalls {
  spawned: Array<{ agent: string; sessionId: string }>;
  delivered: string[];
  keys: string[][];
  notified: Array<{ level: string; message: string }>;
  watches: WatchInput[];
  /** Watches that ended by cancellation (the workflow stopped waiting for them). */
  cancelledWatches: number;
  stopped: string[];
}

export const GOOD_FACTS: BranchFacts = { head: 'c0ffee0000000000000000000000000000000000', baseCommit: 'base000000000000000000000000000000000000', commitsAhead: 1, dirtyFiles: [], remoteHead: 'c0ffee0000000000000000000000000000000000' };
export const NO_COMMIT_FACTS: BranchFacts = { ...GOOD_FACTS, commitsAhead: 0 };

/**
 * STUB host and shared activities for the task-logic tests: no tmux, git or agent; the watch
 * returns what `script` says, evidence is `facts(n)`. Every call is recorded in `calls`. The
 * workflow under test is the real agentTaskWorkflow; only these activities are stand-ins.
 */
export function stubActivities(taskQueue: string, script: WatchScript, facts: (call: number) => BranchFacts = () => GOOD_FACTS) {
  const calls: StubCalls = { spawned: [], delivered: [], keys: [], notified: [], watches: [], cancelledWatches: 0, stopped: [] };
  let evidence = 0;
  const host: Partial<HostCalls> = {
    prepareWorktree: async (input) => ({ worktree: `/stub/worktrees/${input.taskId}`, branch: input.branch, baseCommit: GOOD_FACTS.baseCommit, reused: false }),
    ensureAgentRunning: async (input) => {
      calls.spawned.push({ agent: input.agent, sessionId: input.sessionId });
      return { paneId: `%${calls.spawned.length}`, windowId: '@1', outcome: calls.spawned.length === 1 ? 'launched' : 'relaunched', resumed: false };
    },
    deliverText: async (input) => {
      calls.delivered.push(input.text);
      return { submitted: true, doneCount: 0, attempts: 1, detail: 'stub: submitted' };
    },
    sendKeys: async (input) => {
      calls.keys.push(input.keys);
    },
    watchAgent: async (input) => {
      const n = calls.watches.push(input) - 1;
      const next = script(input, n, calls);
      if (next !== 'block') return { ...next, tail: [`stub watch ${n}`] } as WatchEvent;
      try {
        for (;;) {
          Context.current().heartbeat();
          await Context.current().sleep(100);
        }
      } catch (error) {
        calls.cancelledWatches += 1;
        throw error;
      }
    },
    pushAndCollectEvidence: async () => facts(evidence++),
    pushBranch: async () => ({ pushed: true, remoteHead: GOOD_FACTS.head }),
    stopAgent: async (input) => {
      calls.stopped.push(input.taskId);
      return { stopped: true };
    },
    describeProgress: async () => ({ commits: [{ sha: GOOD_FACTS.head, subject: 'stub work' }], diffStat: '1 file changed', changedFiles: ['a.txt'], dirtyFiles: [] }),
  };
  const shared: Partial<SharedCalls> = {
    placeTask: async () => ({ hostId: 'stub-host', taskQueue, workspace: '/stub' }),
    hostLiveness: async () => ({ live: true, lastSeenSecondsAgo: 0 }),
    notify: async (note) => {
      calls.notified.push({ level: note.level, message: note.message });
    },
  };
  return { activities: { ...host, ...shared }, calls };
}
