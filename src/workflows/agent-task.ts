import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  CancellationScope as Scope,
  TemporalFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  isCancellation,
  patched,
  upsertMemo,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import { buildBrief, buildNudge, buildRebrief } from '../domain/brief.js';
import { tmuxWindowName } from '../domain/identifiers.js';
import { decideDialog, denyKeys, keysToChoose } from '../domain/dialog-policy.js';
import { TaskInputSchema, type ResolvedTaskInput, type TaskInput, type TaskResult, type TaskState } from '../domain/task.js';
import type { WatchEvent } from '../domain/watch.js';
import { sharedActivities } from './activity-proxies.js';
import { TaskInbox, type Outbound } from './task-inbox.js';
import { TestSlotClient } from './slot-client.js';
import { initialState, TaskRecord } from './task-record.js';
import { handOverToNext, nextAgent } from './task-handoff.js';
import { collectVerdict, doneReason } from './task-verify.js';
import { HostLost, TaskPlacement } from './task-placement.js';
import { prBriefFor, prepareTaskWorktree, type WorktreeSource } from './task-prepare.js';
import { NUDGE_TEXT, recordPolicyApproval, recordWatchAction, watchPermissions } from './watch-acts.js';

interface Carried {
  state: TaskState;
  baseCommit?: string;
  doneBaseline: number;
  briefSubmitted: boolean;
  lastNudgeAt: number;
  /** PR mode: the brief built from the pull request's facts (until it is submitted). */
  prBrief?: string;
  /** Fallback chain: what the previous agent did, put in front of the next agent's brief. */
  handoffNote?: string;
}

/**
 * One agent task (docs/design.md §2): place → prepare → spawn → supervise → verify → done.
 * Signals interrupt the watch at once; every decision is recorded in the state and history.
 * However it ends (not at a continue-as-new), its host slot goes back to the registry.
 */
export async function agentTaskWorkflow(rawInput: TaskInput, carried?: Carried): Promise<TaskResult> {
  const held: { placement?: TaskPlacement } = {};
  try {
    const result = await superviseTask(rawInput, carried, held);
    await held.placement?.release();
    return result;
  } catch (error) {
    if (error instanceof TemporalFailure) await Scope.nonCancellable(async () => held.placement?.release());
    throw error;
  }
}

async function superviseTask(rawInput: TaskInput, carried: Carried | undefined, held: { placement?: TaskPlacement }): Promise<TaskResult> {
  const input: ResolvedTaskInput = TaskInputSchema.parse(rawInput);
  const policy = input.policy;
  const rec = new TaskRecord(carried?.state ?? initialState(input));
  const s = rec.s;
  let baseCommit = carried?.baseCommit;
  let doneBaseline = carried?.doneBaseline ?? 0;
  let briefSubmitted = carried?.briefSubmitted ?? false;
  let lastNudgeAt = carried?.lastNudgeAt ?? 0; // epoch ms; 0 = never (survives JSON, unlike -Infinity)
  let prBrief = carried?.prBrief;
  let handoffNote = carried?.handoffNote;
  let readyForInput = false;
  /** The last watch event handled: the next watch may count earlier quiet time unless that event was about quiet. */
  let lastEventKind: WatchEvent['kind'] | undefined;
  // ── test slot (validation): handlers for the slot's grant/revoke signals ──
  const slots = input.validate ? new TestSlotClient() : undefined;

  const inbox = new TaskInbox(rec, input);
  const outbox = inbox.outbox;

  const finish = (state: TaskResult['state'], reason: string): TaskResult => {
    s.finishedAt = new Date().toISOString();
    rec.phase(state === 'done' ? 'done' : state, reason);
    // The final state stays readable (drover status) after the workflow closed, without a worker.
    upsertMemo({ droverState: s });
    return {
      taskId: s.taskId,
      state,
      branch: s.branch,
      commit: s.commit,
      worktree: s.worktree,
      checkpoints: s.checkpoints,
      dialogs: s.dialogs.map((d) => ({ kind: d.kind, decision: d.decision })),
      revisions: s.revisions,
      reason,
    };
  };

  // place: a host with a free slot (task-placement.ts); its host activities follow the task when it moves
  const placement = new TaskPlacement(s, rec);
  held.placement = placement;
  if (!s.host) {
    rec.phase('placing', 'choosing a host');
    const placed = await placement.claim(() => inbox.aborted !== undefined);
    if (!placed) return finish('aborted', inbox.aborted ?? 'aborted while waiting for a host');
    s.host = placed.hostId;
    s.hostQueue = placed.taskQueue;
    rec.decide(`placed on host ${s.host}`);
  }
  const host = placement.hostCalls();
  let checkpointsPushed = carried ? s.checkpoints.length : 0;
  /** The host is gone: a slot elsewhere, and everything tied to the old host forgotten; the loop below prepares and spawns again. */
  const moveTask = async (lost: HostLost): Promise<boolean> => {
    const note = await placement.move(lost, () => inbox.aborted !== undefined);
    if (note === undefined) return false;
    [baseCommit, briefSubmitted, doneBaseline, readyForInput, handoffNote] = [undefined, false, 0, false, note];
    outbox.length = 0;
    return true;
  };

  // prepare → spawn → supervise, again on another host when the task's host is lost
  for (;;) {
    try {
      let prepared: WorktreeSource | undefined;
      if (!s.worktree || !baseCommit) {
        const made = await prepareTaskWorktree({ input, rec, host });
        if ('closed' in made) return finish('failed', made.closed);
        ({ baseCommit, source: prepared } = made);
      }
      const worktree = s.worktree!;
      // a worktree deleted under the task is prepared again the same way (PR mode only before a continue-as-new)
      const restore = input.pr ? prepared : { repo: input.repo, branch: s.branch, baseRef: input.baseRef };
      if (input.pr && !briefSubmitted && prBrief === undefined) prBrief = await prBriefFor({ input, rec, worktree });

      const spawn = async (why: string) => {
        s.sessionId ??= uuid4();
        rec.phase('spawning', why);
        const spawned = await host.ensureAgentRunning({ taskId: s.taskId, workflowId: workflowInfo().workflowId, worktree, agent: s.agent, sessionId: s.sessionId, model: input.model, scenario: input.scenario, restore });
        s.paneId = spawned.paneId;
        rec.agentState('starting');
        rec.decide(`agent ${spawned.outcome}${spawned.resumed ? ` (resumed session ${s.sessionId})` : ''} in pane ${spawned.paneId}${spawned.restoredWorktree ? `; worktree restored from ${s.branch}` : ''}`);
      };
      // fallback chain: the next agent takes over the same worktree and branch, told what was done
      const handOff = async (why: string): Promise<void> => {
        const from = s.agent;
        handoffNote = await handOverToNext({ host, input, s, worktree, baseCommit: baseCommit! }, why);
        briefSubmitted = false;
        doneBaseline = 0;
        readyForInput = false;
        outbox.length = 0; // the old agent's pending texts are not the new one's
        await spawn(`handing over from ${from} to ${s.agent}: ${why}`);
        rec.phase('supervising');
      };
      await spawn(carried ? 'checking the agent after continue-as-new' : 'launching the agent');
      rec.phase('supervising');

      const deliver = async (out: Outbound): Promise<boolean> => {
        let result: Awaited<ReturnType<typeof host.deliverText>>;
        try {
          result = await host.deliverText({ paneId: s.paneId!, agent: s.agent, text: out.text, bufferName: `drover-${s.taskId}`, windowName: tmuxWindowName(s.taskId) });
        } catch (error) {
          // never retried blindly (a second paste): e.g. the worker died mid-delivery; the next look at the screen decides
          if (!(error instanceof ActivityFailure)) throw error;
          rec.decide(`${out.kind} not delivered: the delivery failed (${error.cause?.message ?? error.message})`);
          return false;
        }
        if (result.submitted) {
          if (out.kind === 'brief' && !briefSubmitted) {
            briefSubmitted = true;
            s.briefSubmittedAt = new Date().toISOString();
          }
          doneBaseline = Math.max(doneBaseline, result.doneCount);
          rec.agentState('working');
          rec.decide(`${out.kind} submitted (${result.detail}, ${result.attempts} Enter)`);
        } else {
          rec.decide(`${out.kind} not delivered: ${result.detail}`);
        }
        return result.submitted;
      };

      const escalate = async (why: string): Promise<boolean> => {
        rec.phase('escalated', why);
        await sharedActivities.notify({ taskId: s.taskId, level: 'escalated', message: `${why}. Steer it (drover steer ${s.taskId} TEXT), nudge it, or abort it.` });
        const seen = inbox.wake;
        const answered = await condition(() => inbox.wake > seen && (outbox.length > 0 || inbox.aborted !== undefined), `${policy.humanWaitSeconds}s`);
        if (!answered) return false;
        s.nudges = 0;
        s.crashes = 0;
        rec.phase('supervising', 'a human answered the escalation');
        return true;
      };

      /** Keys to the agent's pane; a pane that died meanwhile (tmux restarted, agent gone) is left to the watch, which relaunches it. */
      const pressKeys = async (keys: string[], what: string): Promise<boolean> => {
        try {
          await host.sendKeys({ paneId: s.paneId!, keys });
          return true;
        } catch (error) {
          if (!(error instanceof ActivityFailure && error.cause instanceof ApplicationFailure && error.cause.type === 'PaneDead')) throw error;
          rec.decide(`${what}: keys not sent, the agent's pane is dead (the watch will relaunch it)`);
          return false;
        }
      };

      const askHuman = async (ev: Extract<WatchEvent, { kind: 'dialog' }>, reason: string) => {
        const command = ev.dialog.command;
        s.pendingDialog = { kind: ev.dialog.kind, command, text: ev.dialog.text };
        inbox.humanAnswer = undefined;
        rec.phase('waiting-human', `dialog needs a human: ${reason}`);
        s.dialogs.push({ kind: ev.dialog.kind, decision: 'ask-human', decidedBy: 'policy', command, reason, at: new Date().toISOString() });
        await sharedActivities.notify({
          taskId: s.taskId,
          level: 'action-needed',
          message: `${ev.dialog.kind} dialog${command ? ` for \`${command}\`` : ''} needs a human: ${reason}. Run: drover approve ${s.taskId}  |  drover deny ${s.taskId}`,
        });
        const got = await condition(() => inbox.humanAnswer !== undefined || inbox.aborted !== undefined, `${policy.humanWaitSeconds}s`);
        s.pendingDialog = undefined;
        if (inbox.aborted !== undefined) return;
        if (!got || inbox.humanAnswer === undefined) {
          inbox.aborted = 'no human answered the dialog in time';
          return;
        }
        const decision = inbox.humanAnswer;
        const keys = decision === 'approve' ? keysToChoose(ev.dialog, 1) : denyKeys(ev.dialog);
        if (!(await pressKeys(keys, `the human's ${decision}`)) && decision === 'approve') return;
        s.dialogs.push({ kind: ev.dialog.kind, decision: decision === 'approve' ? 'approve' : 'deny', decidedBy: 'human', command, reason: `${decision} by a human`, at: new Date().toISOString() });
        if (decision === 'deny') {
          inbox.aborted = `denied by a human: ${command ?? ev.dialog.kind}`;
          return;
        }
        rec.phase('supervising', `approved by a human: ${command ?? ev.dialog.kind}`);
      };

      const onEvent = async (ev: WatchEvent): Promise<void> => {
        rec.tail(ev.tail);
        const acted = recordWatchAction(ev, { rec, outbox, lastNudgeAt, doneBaseline }); // what the watch did itself: recorded, not decided again
        ({ lastNudgeAt, doneBaseline } = acted);
        if (acted.handled) return;
        switch (ev.kind) {
          case 'dialog': {
            rec.agentState('dialog');
            const decision = decideDialog(ev.dialog, { worktree });
            if (decision.decision === 'approve') {
              if (!(await pressKeys(decision.keys, `approving ${ev.dialog.kind}`))) return;
              recordPolicyApproval(rec, ev.dialog, decision.reason);
            } else {
              await askHuman(ev, decision.reason);
            }
            return;
          }
          case 'checkpoints':
            for (const step of ev.steps) if (!s.checkpoints.includes(step)) s.checkpoints.push(step);
            rec.decide(`checkpoint ${ev.steps.join(', ')} seen on screen`);
            return;
          case 'done':
            doneBaseline = ev.doneCount;
            s.doneReported = true;
            rec.agentState('done');
            rec.decide('done marker seen on screen');
            return;
          case 'typed':
            rec.agentState('typed');
            if (await pressKeys(['Enter'], 'Enter for the text left in the input box')) rec.decide('text left in the input box: pressed Enter');
            return;
          case 'crashed': {
            rec.agentState('crashed');
            s.crashes += 1;
            if (s.crashes > policy.crashCap && nextAgent(s)) return handOff(`it crashed ${s.crashes} times (cap ${policy.crashCap}; last: ${ev.reason})`);
            if (s.crashes > policy.crashCap && !(await escalate(`the agent crashed ${s.crashes} times (cap ${policy.crashCap})`))) {
              inbox.aborted ??= 'escalated: crash cap reached and no human answered';
              return;
            }
            await spawn(`agent crashed (${ev.reason}); relaunch ${s.crashes}/${policy.crashCap}`);
            rec.phase('supervising');
            if (briefSubmitted) outbox.push({ kind: 'continue', text: buildNudge('You were restarted after a crash. Continue the task where you left off.') });
            return;
          }
          case 'idle':
          case 'stalled': {
            rec.agentState(ev.kind === 'idle' ? 'idle' : 'stalled');
            readyForInput = true;
            if (!briefSubmitted) {
              if (!outbox.some((o) => o.kind === 'brief')) outbox.unshift({ kind: 'brief', text: (handoffNote ?? '') + (prBrief ?? buildBrief({ objective: input.objective, steps: input.steps, taskId: s.taskId, branch: s.branch, worktree, context: input.context, images: input.images })) });
              return;
            }
            if (outbox.length > 0 || s.doneReported) return;
            const now = new Date().getTime();
            const cooldownLeft = policy.nudgeCooldownSeconds * 1000 - (now - lastNudgeAt);
            if (cooldownLeft > 0) {
              const seen = inbox.wake;
              await condition(() => inbox.wake > seen, cooldownLeft);
              return;
            }
            if (s.nudges >= policy.nudgeCap) {
              if (!(await escalate(`the agent is ${ev.kind} after ${s.nudges} nudges`))) inbox.aborted ??= 'escalated: nudge cap reached and no human answered';
              return;
            }
            s.nudges += 1;
            lastNudgeAt = now;
            outbox.push({ kind: 'nudge', text: NUDGE_TEXT[ev.kind] });
            return;
          }
          case 'refresh':
            return;
        }
      };

      const watchOrWake = async (): Promise<WatchEvent | undefined> => {
        const seen = inbox.wake;
        const scope = new CancellationScope();
        const watch = scope.run(() =>
          host.watchAgent({
            paneId: s.paneId!,
            agent: s.agent,
            knownCheckpoints: s.checkpoints,
            doneBaseline,
            pendingDialogText: s.pendingDialog?.text,
            idleSeconds: briefSubmitted ? policy.idleSeconds : 0.5,
            stallSeconds: policy.stallSeconds,
            maxWaitSeconds: 600,
            quietCredit: lastEventKind !== undefined && !['idle', 'stalled', 'typed'].includes(lastEventKind),
            worktree,
            windowName: tmuxWindowName(s.taskId),
            act: watchPermissions({ s, worktree, nudgeDue: briefSubmitted && outbox.length === 0 && !s.doneReported && s.nudges < policy.nudgeCap, lastNudgeAt, cooldownSeconds: policy.nudgeCooldownSeconds }),
          }),
        );
        const woken = scope.run(() => condition(() => inbox.wake > seen));
        watch.catch(() => undefined);
        woken.catch(() => undefined);
        try {
          const winner = await Promise.race([watch, woken.then(() => undefined)]);
          return winner;
        } catch (error) {
          if (isCancellation(error)) return undefined;
          throw error;
        } finally {
          scope.cancel();
        }
      };

      // supervise
      for (;;) {
        if (inbox.aborted !== undefined) return finish('aborted', inbox.aborted);
        if (s.paused) {
          rec.phase('paused', 'paused by a human');
          await condition(() => !s.paused || inbox.aborted !== undefined);
          if (inbox.aborted === undefined) rec.phase('supervising', 'resumed by a human');
          continue;
        }
        const next = outbox[0];
        const urgent = next !== undefined && (next.kind === 'nudge' || next.kind === 'steer') && !next.tried;
        if (next && (readyForInput || urgent)) {
          outbox.shift();
          readyForInput = false;
          lastEventKind = undefined;
          if (!(await deliver(next))) outbox.unshift({ ...next, tried: true });
          continue;
        }
        if (s.doneReported) {
          rec.phase('verifying', 'checking the evidence');
          const { head, reasons } = await collectVerdict({ input, rec, host, worktree, baseCommit: baseCommit!, slots, interrupted: () => inbox.aborted !== undefined });
          if (inbox.aborted !== undefined) continue;
          s.lastVerification = reasons;
          if (reasons.length === 0) {
            s.commit = head;
            await sharedActivities.notify({ taskId: s.taskId, level: 'done', message: `verified: ${s.branch} at ${head.slice(0, 10)} pushed, checkpoints ${s.checkpoints.join(', ') || 'none required'}` });
            return finish('done', doneReason(input, s.branch, head));
          }
          s.doneReported = false;
          s.revisions += 1;
          rec.decide(`verification failed (revision ${s.revisions}): ${reasons.join('; ')}`);
          if (s.revisions > policy.revisionCap && nextAgent(s)) {
            await handOff(`its work failed verification ${s.revisions} times (cap ${policy.revisionCap})`);
            continue;
          }
          if (s.revisions > policy.revisionCap && !(await escalate(`verification failed ${s.revisions} times (cap ${policy.revisionCap})`))) {
            return finish('escalated', `verification failed: ${reasons.join('; ')}`);
          }
          outbox.push({ kind: 'rebrief', text: buildRebrief(reasons) });
          rec.phase('supervising');
          continue;
        }
        if (workflowInfo().continueAsNewSuggested && allHandlersFinished()) {
          await continueAsNew<typeof agentTaskWorkflow>(rawInput, { state: s, baseCommit, doneBaseline, briefSubmitted, lastNudgeAt, ...(prBrief !== undefined && !briefSubmitted ? { prBrief } : {}), ...(handoffNote !== undefined && !briefSubmitted ? { handoffNote } : {}) });
        }
        // a new checkpoint is pushed (own branches only, not a PR's): a host lost later loses little (docs/hosts.md)
        if (!input.pr && s.checkpoints.length > checkpointsPushed && patched('push-at-checkpoint')) {
          checkpointsPushed = s.checkpoints.length;
          // alongside the watch, not before it: an agent that goes idle right after its checkpoint is seen at once
          void placement.pushCheckpoint(host, worktree).catch((error: unknown) => rec.decide(`checkpoint push not completed: ${error instanceof Error ? error.message : String(error)}`));
        }
        const ev = await watchOrWake();
        lastEventKind = ev?.kind;
        if (ev) await onEvent(ev);
      }
    } catch (error) {
      if (!(error instanceof HostLost)) throw error;
      if (!(await moveTask(error))) return finish('aborted', inbox.aborted ?? 'aborted while waiting for another host');
    }
  }
}
