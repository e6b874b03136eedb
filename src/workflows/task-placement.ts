import {
  ActivityFailure,
  TimeoutFailure,
  condition,
  getExternalWorkflowHandle,
  patched,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { hostRegistryWorkflowId } from '../domain/identifiers.js';
import { HOST_SCHEDULE_TO_START, hostActivities, sharedActivities } from './activity-proxies.js';
import { hostReadySignal, hostReleaseSignal } from './host-registry-messages.js';
import type { TaskRecord } from './task-record.js';

type HostProxies = ReturnType<typeof hostActivities>;

/** A host activity found no worker on the task's host, and the host registry says the host is gone. */
export class HostLost extends Error {
  constructor(
    readonly hostId: string,
    readonly why: string,
  ) {
    super(`host ${hostId} is gone: ${why}`);
    this.name = 'HostLost';
  }
}

const isScheduleToStartTimeout = (error: unknown): boolean =>
  error instanceof ActivityFailure &&
  error.cause instanceof TimeoutFailure &&
  error.cause.timeoutType === 'SCHEDULE_TO_START';

/** How long a waiting task sleeps between asks when no "slot ready" signal comes (a lost signal costs this much). */
const WAIT_ASK_SECONDS = 60;

/** The task workflow's side of placement (docs/design.md §2 place, §3): claim a slot, guard host calls, give the slot back. */
export class TaskPlacement {
  private ready = 0;
  private waitingShown?: string;
  /** This run asked the registry for a slot: it may hold one, or a place in the queue. */
  private asked = false;

  constructor(private readonly record: TaskRecord) {
    setHandler(hostReadySignal, () => {
      this.ready += 1;
    });
  }

  /**
   * A host with a free slot (the one with most free slots), excluding `exclude`; waits in the
   * registry's queue while every live host is full. Undefined when `interrupted` (an abort) first.
   */
  async claim(
    interrupted: () => boolean,
    exclude: string[] = [],
  ): Promise<{ hostId: string; taskQueue: string } | undefined> {
    for (;;) {
      const seen = this.ready;
      this.asked = true;
      const got = await sharedActivities.placeTask({
        workflowId: workflowInfo().workflowId,
        taskId: this.record.state.taskId,
        exclude,
      });
      if ('hostId' in got) {
        this.waitingShown = undefined;
        return { hostId: got.hostId, taskQueue: got.taskQueue };
      }
      const line = `waiting for a free slot: ${got.waiting.reason} (position ${got.waiting.position} in the queue)`;
      if (line !== this.waitingShown) this.record.phase('placing', line);
      this.waitingShown = line;
      await condition(() => this.ready > seen || interrupted(), `${WAIT_ASK_SECONDS}s`);
      if (interrupted()) return undefined;
    }
  }

  /**
   * The host activities of the task's current host (read at each call, so a move takes effect at
   * once). A call nobody picked up within the schedule-to-start timeout asks the registry: a host
   * that still heartbeats (a worker restarting) gets the call again, a gone one raises HostLost.
   */
  hostCalls(): HostProxies {
    const guarded = {} as Record<string, (...args: unknown[]) => Promise<unknown>>;
    for (const name of Object.keys(hostActivities('probe')) as (keyof HostProxies)[]) {
      guarded[name] = async (...args: unknown[]) => {
        for (;;) {
          const hostId = this.record.state.host!;
          const call = hostActivities(this.record.state.hostQueue ?? `drover@${hostId}`)[name] as (
            ...a: unknown[]
          ) => Promise<unknown>;
          try {
            return await call(...args);
          } catch (error) {
            if (!isScheduleToStartTimeout(error)) throw error;
            const seen = await sharedActivities.hostLiveness({ hostId });
            const when =
              seen.lastSeenSecondsAgo === undefined
                ? 'never registered'
                : `last heartbeat ${seen.lastSeenSecondsAgo} s ago`;
            if (!seen.live)
              throw new HostLost(hostId, `no worker picked up ${name} within ${HOST_SCHEDULE_TO_START} and ${when}`);
            this.record.decide(
              `host ${hostId} did not pick up ${name} within ${HOST_SCHEDULE_TO_START} but is alive (${when}): asking it again`,
            );
          }
        }
      };
    }
    return guarded as unknown as HostProxies;
  }

  /**
   * The host is gone: a slot on another host, the move recorded, everything tied to the old host
   * forgotten (pane, worktree, session, pending dialog, an unverified done). Returns the note for
   * the next agent's brief; undefined when interrupted while waiting for a host.
   */
  async move(lost: HostLost, interrupted: () => boolean): Promise<string | undefined> {
    const { record } = this;
    const from = lost.hostId;
    record.phase('placing', `${lost.message}: placing the task on another host`);
    const placed = await this.claim(interrupted, [from]);
    if (!placed) return undefined;
    record.movedTo({ from, to: placed.hostId, taskQueue: placed.taskQueue, reason: lost.why });
    const { branch } = record.state;
    record.decide(`moved from host ${from} to host ${placed.hostId}: resuming from the pushed branch ${branch}`);
    return movedNote(from, placed.hostId, branch);
  }

  /** A new checkpoint: the task branch goes to its remote, so a host lost later loses little (a failure is only recorded). */
  async pushCheckpoint(host: HostProxies, worktree: string): Promise<void> {
    const task = this.record.state;
    const pushed = await host.pushBranch({ worktree, branch: task.branch });
    this.record.decide(
      pushed.error
        ? `push of ${task.branch} at a checkpoint failed: ${pushed.error}`
        : `${task.branch} ${pushed.pushed ? 'pushed' : 'already pushed'} at ${pushed.remoteHead.slice(0, 10)} (checkpoint ${task.checkpoints.at(-1)})`,
    );
  }

  /**
   * Gives the slot back to the registry, or the place in its queue of a task that ended while it
   * waited (else a freed slot could go to it); the periodic reconcile catches a task that never gets here.
   */
  async release(): Promise<void> {
    if ((!this.record.state.host && !this.asked) || !patched('host-registry-release')) return;
    await getExternalWorkflowHandle(hostRegistryWorkflowId(workflowInfo().taskQueue))
      .signal(hostReleaseSignal, { workflowId: workflowInfo().workflowId })
      .catch(() => undefined);
  }
}

/** Put in front of the brief of an agent that takes over on another host. */
export function movedNote(from: string, to: string, branch: string): string {
  return (
    `NOTE: this task was started on host ${from}, which is gone. It now continues on host ${to}, in a worktree prepared ` +
    `from the pushed branch ${branch}: the commits already there are the work done so far ` +
    '(see `git log`); changes that were never pushed are lost. Continue the task from there.\n\n'
  );
}
