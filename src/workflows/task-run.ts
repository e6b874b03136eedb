import type { MergeOutcome } from '../domain/pr-pipeline.js';
import type { DependencyMoved } from './task-messages.js';
import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  patched,
  upsertMemo,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import { tmuxWindowName } from '../domain/identifiers.js';
import {
  TaskInputSchema,
  type ResolvedTaskInput,
  type SupervisionPolicy,
  type TaskInput,
  type TaskResult,
} from '../domain/task.js';
import { hostActivities, sharedActivities } from './activity-proxies.js';
import { TestSlotClient } from './slot-client.js';
import { handOverToNext } from './task-handoff.js';
import { TaskInbox } from './task-inbox.js';
import { tellManifestStarted } from './task-parent.js';
import { HostLost, TaskPlacement } from './task-placement.js';
import { prBriefFor, prepareTaskWorktree, type WorktreeSource } from './task-prepare.js';
import { initialState, TaskRecord } from './task-record.js';
import { TaskSession, type Carried, type Outbound } from './task-session.js';
import { registerMail } from './task-mail.js';

/**
 * One run of the task workflow: its parts (record, session, inbox, placement, host calls) and the
 * steps the phases and the event actions share (spawn, hand off, move, deliver, escalate, finish).
 */
/** patched(): a task that ends aborted or escalated stops its agent (histories from before did not). */
export const STOP_AGENT_AT_END = 'stop-agent-at-end';
/** Seconds between the agent's Ctrl-C and the end of its process tree. */
const HALT_GRACE_SECONDS = 5;

export class TaskRun {
  readonly input: ResolvedTaskInput;
  readonly policy: SupervisionPolicy;
  readonly record: TaskRecord;
  readonly session: TaskSession;
  readonly inbox: TaskInbox;
  readonly placement: TaskPlacement;
  readonly host: ReturnType<typeof hostActivities>;
  /** Validation only: the handlers for the test slot's grant/revoke signals. */
  readonly slots: TestSlotClient | undefined;
  /** Checkpoints already pushed to the task branch's remote. */
  checkpointsPushed: number;
  /** The merge queue's answers to this task (task-merge.ts), once it first waited for one. */
  mergeOutcomes: MergeOutcome[] | undefined;
  /** Dependencies whose PR moved and that this task has not restacked on yet (task-restack.ts). */
  restacks: DependencyMoved[] | undefined;
  /** The task ends at the next turn of supervision (its budget reached), the agent stopped first. */
  ending: { state: TaskResult['state']; reason: string } | undefined;
  /** Where a worktree deleted under the task is prepared again (PR mode only before a continue-as-new). */
  private restore: WorktreeSource | undefined;

  constructor(rawInput: TaskInput, carried: Carried | undefined) {
    this.input = TaskInputSchema.parse(rawInput);
    this.policy = this.input.policy;
    this.record = new TaskRecord(carried?.state ?? initialState(this.input));
    this.session = new TaskSession(carried);
    this.slots = this.input.validate ? new TestSlotClient() : undefined;
    this.inbox = new TaskInbox(this.record, this.input, this.session);
    registerMail(this);
    this.placement = new TaskPlacement(this.record);
    this.host = this.placement.hostCalls();
    this.checkpointsPushed = carried ? this.record.state.checkpoints.length : 0;
  }

  get aborted(): boolean {
    return this.inbox.aborted !== undefined;
  }

  get worktree(): string {
    return this.record.state.worktree!;
  }

  /** place: a host with a free slot; false when aborted while waiting for one. */
  async place(): Promise<boolean> {
    if (this.record.state.host) return true;
    this.record.phase('placing', 'choosing a host');
    const placed = await this.placement.claim(() => this.aborted);
    if (!placed) return false;
    this.record.placedOn(placed.hostId, placed.taskQueue);
    this.record.decide(`placed on host ${placed.hostId}`);
    return true;
  }

  /** prepare: the worktree (unless the task has one), and in PR mode the brief from the pull request. `closed`: nothing to fix. */
  async prepare(): Promise<{ closed: string } | undefined> {
    const { input, record, session } = this;
    let prepared: WorktreeSource | undefined;
    if (!record.state.worktree || !session.baseCommit) {
      const made = await prepareTaskWorktree({ input, record, host: this.host });
      if ('closed' in made) return made;
      session.baseCommit = made.baseCommit;
      // the dependencies' branches conflicted: resolving that comes first in the brief
      if (made.conflictBrief && !session.briefSubmitted) session.handoffNote = `${made.conflictBrief}\n\n`;
      prepared = made.source;
      const failed = await this.setUp();
      if (failed) return { closed: failed };
    }
    this.restore = input.pr ? prepared : { repo: input.repo, branch: record.state.branch, baseRef: input.baseRef };
    if (input.pr && !session.briefSubmitted && session.prBrief === undefined)
      session.prBrief = await prBriefFor({ input, record, worktree: this.worktree });
    return undefined;
  }

  /** Worktree setup in a new worktree before the agent starts (domain/setup.ts); the failure's reason, if any. */
  private async setUp(): Promise<string | undefined> {
    const { input, record } = this;
    const spec = input.setup;
    if (!spec || (spec.commands.length === 0 && spec.copy.length === 0)) return undefined;
    record.decide(
      `setting up the worktree: ${spec.commands.map((c) => `\`${c.join(' ')}\``).join(', ') || 'copies only'}`,
    );
    const result = await this.host.runSetup({
      taskId: record.state.taskId,
      repo: input.repo,
      worktree: this.worktree,
      spec,
    });
    record.setupRan(result);
    if (result.failure) return `setup failed: ${result.failure}`;
    record.decide(
      `worktree set up: ${[...result.copied.map((c) => `copied ${c}`), ...result.steps.map((s) => `\`${s.argv.join(' ')}\` ${s.seconds}s`)].join(', ')}`,
    );
    return undefined;
  }

  /** spawn: the agent running in its pane (started, resumed or found alive). */
  async spawn(why: string): Promise<void> {
    const { record } = this;
    const sessionId = record.sessionId(uuid4);
    record.phase('spawning', why);
    const task = record.state;
    const spawned = await this.host.ensureAgentRunning({
      taskId: task.taskId,
      workflowId: workflowInfo().workflowId,
      worktree: this.worktree,
      agent: task.agent,
      sessionId,
      model: this.input.model,
      scenario: this.input.scenario,
      restore: this.restore,
    });
    // older workers answer without tmuxTarget
    record.inPane(spawned.paneId, spawned.tmuxTarget as string | undefined);
    if (spawned.ports) record.portsGiven(spawned.ports);
    await tellManifestStarted(this);
    record.agentState('starting');
    record.decide(
      `agent ${spawned.outcome}${spawned.resumed ? ` (resumed session ${sessionId})` : ''} in pane ${spawned.paneId}${spawned.restoredWorktree ? `; worktree restored from ${task.branch}` : ''}`,
    );
  }

  /** Fallback chain: the next agent takes over the same worktree and branch, told what was done. */
  async handOff(why: string): Promise<void> {
    const from = this.record.state.agent;
    const note = await handOverToNext(
      {
        host: this.host,
        input: this.input,
        record: this.record,
        worktree: this.worktree,
        baseCommit: this.session.baseCommit!,
      },
      why,
    );
    this.session.startOver(note, true);
    await this.spawn(`handing over from ${from} to ${this.record.state.agent}: ${why}`);
    this.record.phase('supervising');
  }

  /** The host is gone: a slot elsewhere; the caller prepares and spawns again. False when aborted while waiting. */
  async move(lost: HostLost): Promise<boolean> {
    const note = await this.placement.move(lost, () => this.aborted);
    if (note === undefined) return false;
    this.session.startOver(note, false);
    return true;
  }

  /** Pastes a text into the agent; never retried blindly (a second paste), the next look at the screen decides. */
  async deliver(out: Outbound): Promise<boolean> {
    const { record, session } = this;
    const task = record.state;
    let result: Awaited<ReturnType<typeof this.host.deliverText>>;
    // the agent may act on the text before its submission is confirmed (a fast agent reports done
    // within the second the confirmation takes): a done from now on answers this text
    session.doneSpent = false;
    try {
      result = await this.host.deliverText({
        paneId: task.paneId!,
        agent: task.agent,
        text: out.text,
        bufferName: `drover-${task.taskId}`,
        windowName: tmuxWindowName(task.taskId),
      });
    } catch (error) {
      // e.g. the worker died mid-delivery
      if (!(error instanceof ActivityFailure)) throw error;
      record.decide(`${out.kind} not delivered: the delivery failed (${error.cause?.message ?? error.message})`);
      return false;
    }
    if (!result.submitted) {
      record.decide(`${out.kind} not delivered: ${result.detail}`);
      return false;
    }
    if (session.submitted(out.kind, result.doneCount)) record.briefSubmitted();
    record.agentState('working');
    record.decide(`${out.kind} submitted (${result.detail}, ${result.attempts} Enter)`);
    return true;
  }

  /** A human is asked to steer, nudge or abort; true when one answered in time (the caps start over). */
  async escalate(why: string): Promise<boolean> {
    const { record, inbox } = this;
    const taskId = record.state.taskId;
    record.phase('escalated', why);
    // a steer, nudge or abort that arrives while the notification goes out answers it too
    const seenBeforeNotify = patched('escalation-answer-during-notify') ? inbox.wake : undefined;
    await sharedActivities.notify({
      taskId,
      level: 'escalated',
      message: `${why}. Steer it (drover steer ${taskId} TEXT), nudge it, or abort it.`,
    });
    const seen = seenBeforeNotify ?? inbox.wake;
    const answered = await condition(
      () => inbox.wake > seen && (this.session.outbox.length > 0 || this.aborted),
      `${this.policy.humanWaitSeconds}s`,
    );
    if (!answered) return false;
    record.resetCaps();
    record.phase('supervising', 'a human answered the escalation');
    return true;
  }

  /** Keys to the agent's pane; a pane that died meanwhile (tmux restarted, agent gone) is left to the watch, which relaunches it. */
  async pressKeys(keys: string[], what: string): Promise<boolean> {
    try {
      await this.host.sendKeys({ paneId: this.record.state.paneId!, keys });
      return true;
    } catch (error) {
      if (!(
        error instanceof ActivityFailure &&
        error.cause instanceof ApplicationFailure &&
        error.cause.type === 'PaneDead'
      ))
        throw error;
      this.record.decide(`${what}: keys not sent, the agent's pane is dead (the watch will relaunch it)`);
      return false;
    }
  }

  /**
   * The task ends with its agent still there (aborted, escalated without an answer, at its budget):
   * the agent is stopped first (Ctrl-C, a grace period, then its process tree ended; the window and
   * worktree stay for inspection). Histories from before this did not stop it.
   */
  async stopAndFinish(state: TaskResult['state'], reason: string): Promise<TaskResult> {
    if (this.record.state.paneId !== undefined && patched(STOP_AGENT_AT_END)) {
      try {
        const halted = await this.host.haltAgent({
          taskId: this.record.state.taskId,
          graceSeconds: HALT_GRACE_SECONDS,
        });
        this.record.decide(
          halted.nothingRunning
            ? 'the agent had already exited; its window and worktree stay'
            : `agent stopped: Ctrl-C; ${halted.pids.length - halted.afterGrace} of its ${halted.pids.length} processes exited within ${HALT_GRACE_SECONDS}s, ${halted.afterGrace} ended by SIGTERM/SIGKILL${halted.survivors.length > 0 ? `; still running: ${halted.survivors.join(', ')}` : ''}; its window and worktree stay (drover cleanup removes them)`,
        );
      } catch (error) {
        this.record.decide(`the agent could not be stopped: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return this.finish(state, reason);
  }

  /** The task's result; the final state stays readable (drover status) after the workflow closed, without a worker. */
  finish(state: TaskResult['state'], reason: string): TaskResult {
    const { record } = this;
    record.finished();
    record.phase(state, reason);
    const task = record.state;
    upsertMemo({ droverState: task });
    return {
      taskId: task.taskId,
      state,
      branch: task.branch,
      commit: task.commit,
      worktree: task.worktree,
      ...(task.tmuxSession ? { tmuxSession: task.tmuxSession } : {}),
      checkpoints: task.checkpoints,
      dialogs: task.dialogs.map((d) => ({ kind: d.kind, decision: d.decision })),
      revisions: task.revisions,
      reason,
      ...(task.pullRequest ? { pullRequest: task.pullRequest } : {}),
    };
  }
}

export { HostLost };
