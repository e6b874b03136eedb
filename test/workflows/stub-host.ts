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
  /** Agents stopped in place (the task ended aborted or escalated). */
  halted: string[];
}

export const GOOD_FACTS: BranchFacts = {
  head: 'c0ffee0000000000000000000000000000000000',
  baseCommit: 'base000000000000000000000000000000000000',
  commitsAhead: 1,
  dirtyFiles: [],
  remoteHead: 'c0ffee0000000000000000000000000000000000',
};
export const NO_COMMIT_FACTS: BranchFacts = { ...GOOD_FACTS, commitsAhead: 0 };

interface StubTask {
  script: WatchScript;
  facts: (call: number) => BranchFacts;
  calls: StubCalls;
  evidence: number;
}

/**
 * STUB host and shared activities for the task-logic tests: no tmux, git or agent. One worker
 * serves every test; each task (by its workflow id) has its own script for what the watch returns
 * and `facts(n)` for the evidence, and every call is recorded in its `calls`. The workflow under
 * test is the real agentTaskWorkflow; only these activities are stand-ins.
 */
export class StubHost {
  private readonly tasks = new Map<string, StubTask>();

  constructor(private readonly taskQueue: string) {}

  /** The script for the task with this workflow id; returns the record of its calls. */
  register(
    workflowId: string,
    script: WatchScript,
    facts: (call: number) => BranchFacts = () => GOOD_FACTS,
  ): StubCalls {
    const calls: StubCalls = {
      spawned: [],
      delivered: [],
      keys: [],
      notified: [],
      watches: [],
      cancelledWatches: 0,
      stopped: [],
      halted: [],
    };
    this.tasks.set(workflowId, { script, facts, calls, evidence: 0 });
    return calls;
  }

  private get task(): StubTask {
    const workflowId = Context.current().info.workflowExecution?.workflowId ?? '(no workflow)';
    const task = this.tasks.get(workflowId);
    if (!task) throw new Error(`stub host: no script registered for ${workflowId}`);
    return task;
  }

  get activities(): Partial<HostCalls & SharedCalls> {
    const host: Partial<HostCalls> = {
      prepareWorktree: async (input) => ({
        worktree: `/stub/worktrees/${input.taskId}`,
        branch: input.branch,
        baseCommit: GOOD_FACTS.baseCommit,
        reused: false,
      }),
      ensureAgentRunning: async (input) => {
        const { spawned } = this.task.calls;
        spawned.push({ agent: input.agent, sessionId: input.sessionId });
        return {
          paneId: `%${spawned.length}`,
          windowId: '@1',
          outcome: spawned.length === 1 ? 'launched' : 'relaunched',
          resumed: false,
          tmuxTarget: `stub:${input.taskId}`,
        };
      },
      deliverText: async (input) => {
        this.task.calls.delivered.push(input.text);
        return { submitted: true, doneCount: 0, attempts: 1, detail: 'stub: submitted' };
      },
      sendKeys: async (input) => {
        this.task.calls.keys.push(input.keys);
      },
      watchAgent: async (input) => this.watch(input),
      pushAndCollectEvidence: async () => {
        const task = this.task;
        return task.facts(task.evidence++);
      },
      pushBranch: async () => ({ pushed: true, remoteHead: GOOD_FACTS.head }),
      stopAgent: async (input) => {
        this.task.calls.stopped.push(input.taskId);
        return { stopped: true };
      },
      haltAgent: async (input) => {
        this.task.calls.halted.push(input.taskId);
        return { nothingRunning: false, pids: [1], afterGrace: 0, survivors: [] };
      },
      describeProgress: async () => ({
        commits: [{ sha: GOOD_FACTS.head, subject: 'stub work' }],
        diffStat: '1 file changed',
        changedFiles: ['a.txt'],
        dirtyFiles: [],
      }),
    };
    const shared: Partial<SharedCalls> = {
      placeTask: async () => ({ hostId: 'stub-host', taskQueue: this.taskQueue, workspace: '/stub' }),
      hostLiveness: async () => ({ live: true, lastSeenSecondsAgo: 0 }),
      notify: async (note) => {
        this.task.calls.notified.push({ level: note.level, message: note.message });
        // an escalation's notification takes a while (a slow webhook): a human may answer meanwhile
        if (note.level === 'escalated') await Context.current().sleep(1500);
      },
    };
    return { ...host, ...shared };
  }

  private async watch(input: WatchInput): Promise<WatchEvent> {
    const { calls, script } = this.task;
    const n = calls.watches.push(input) - 1;
    const next = script(input, n, calls);
    if (next !== 'block') return { ...next, tail: [`stub watch ${n}`] } as WatchEvent;
    try {
      // a quiet pane: as the real watch, a refresh at maxWaitSeconds
      for (const until = Date.now() + input.maxWaitSeconds * 1000; Date.now() < until;) {
        Context.current().heartbeat();
        await Context.current().sleep(100);
      }
      return { kind: 'refresh', state: 'idle', tail: [`stub watch ${n}`] };
    } catch (error) {
      calls.cancelledWatches += 1;
      throw error;
    }
  }
}
