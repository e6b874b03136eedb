import {
  CancellationScope,
  TemporalFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  patched,
  workflowInfo,
} from '@temporalio/workflow';
import { decideOnFailedVerification } from '../domain/task-decisions.js';
import type { TaskInput, TaskResult } from '../domain/task.js';
import { wallTimeOver } from '../domain/usage.js';
import { sharedActivities } from './activity-proxies.js';
import { actOnEvent } from './task-events.js';
import { nextAgent } from './task-handoff.js';
import { HostLost, TaskRun } from './task-run.js';
import type { Carried } from './task-session.js';
import { awaitMerge } from './task-merge.js';
import { openAndGatePr } from './task-pull-request.js';
import { collectVerdict, doneReason } from './task-verify.js';
import { watchOrWake } from './task-watch.js';

/**
 * One agent task (docs/design.md §2): place → (prepare → spawn → supervise) → verify → finish; the
 * bracket runs again on another host when the task's host is lost. Signals interrupt the watch at
 * once; every decision is recorded in the state and history. However it ends (not at a
 * continue-as-new), its host slot goes back to the registry.
 */
export async function agentTaskWorkflow(rawInput: TaskInput, carried?: Carried): Promise<TaskResult> {
  const held: { run?: TaskRun } = {};
  try {
    const result = await runTask(rawInput, carried, held);
    await held.run?.placement.release();
    return result;
  } catch (error) {
    if (error instanceof TemporalFailure)
      await CancellationScope.nonCancellable(async () => held.run?.placement.release());
    throw error;
  }
}

async function runTask(
  rawInput: TaskInput,
  carried: Carried | undefined,
  held: { run?: TaskRun },
): Promise<TaskResult> {
  const run = new TaskRun(rawInput, carried);
  held.run = run;
  if (!(await run.place())) return run.finish('aborted', run.inbox.aborted ?? 'aborted while waiting for a host');
  for (;;) {
    try {
      const closed = await run.prepare();
      if (closed) return run.finish('failed', closed.closed);
      await run.spawn(carried ? 'checking the agent after continue-as-new' : 'launching the agent');
      run.record.phase('supervising');
      return await supervise(run, rawInput);
    } catch (error) {
      if (!(error instanceof HostLost)) throw error;
      if (!(await run.move(error)))
        return run.finish('aborted', run.inbox.aborted ?? 'aborted while waiting for another host');
    }
  }
}

/** supervise until the agent's work is verified or the task ends: deliver texts, watch, act on what the watch saw. */
async function supervise(run: TaskRun, rawInput: TaskInput): Promise<TaskResult> {
  const { record, session, inbox } = run;
  for (;;) {
    if (inbox.aborted !== undefined) return run.stopAndFinish('aborted', inbox.aborted);
    run.ending ??= endOfWallTime(run);
    if (run.ending) return run.stopAndFinish(run.ending.state, run.ending.reason);
    if (record.state.paused) {
      await waitWhilePaused(run);
      continue;
    }
    const next = session.takeNext();
    if (next) {
      if (!(await run.deliver(next))) session.putBack(next);
      continue;
    }
    if (record.state.doneReported) {
      const ended = await verify(run);
      if (ended) return ended;
      continue;
    }
    if (workflowInfo().continueAsNewSuggested && allHandlersFinished()) {
      await continueAsNew<typeof agentTaskWorkflow>(rawInput, session.carried(record));
    }
    pushNewCheckpoint(run);
    const ev = await watchOrWake(run, run.worktree);
    session.lastEventKind = ev?.kind;
    if (ev) await actOnEvent(run, ev);
  }
}

/** The wall-time budget spent: the task ends escalated with the figures (its agent stopped). */
function endOfWallTime(run: TaskRun): TaskRun['ending'] {
  const why = wallTimeOver(Date.parse(run.record.state.startedAt), new Date().getTime(), run.input.budget);
  return why === undefined ? undefined : { state: 'escalated', reason: why };
}

async function waitWhilePaused(run: TaskRun): Promise<void> {
  run.record.phase('paused', 'paused by a human');
  await condition(() => !run.record.state.paused || run.aborted);
  if (!run.aborted) run.record.phase('supervising', 'resumed by a human');
}

/** A new checkpoint is pushed (own branches only, not a PR's): a host lost later loses little (docs/hosts.md). */
function pushNewCheckpoint(run: TaskRun): void {
  const { checkpoints } = run.record.state;
  if (run.input.pr || checkpoints.length <= run.checkpointsPushed || !patched('push-at-checkpoint')) return;
  run.checkpointsPushed = checkpoints.length;
  // alongside the watch, not before it: an agent that goes idle right after its checkpoint is seen at once
  void run.placement
    .pushCheckpoint(run.host, run.worktree)
    .catch((error: unknown) =>
      run.record.decide(`checkpoint push not completed: ${error instanceof Error ? error.message : String(error)}`),
    );
}

/**
 * verify the reported done on evidence: the result when verified (or when it failed past every
 * cap and no human answered); undefined when supervision goes on (a re-brief, a handoff, an abort).
 */
async function verify(run: TaskRun): Promise<TaskResult | undefined> {
  const { record, input } = run;
  record.phase('verifying', 'checking the evidence');
  const { head, reasons } = await collectVerdict({
    input,
    rec: record,
    host: run.host,
    worktree: run.worktree,
    baseCommit: run.session.baseCommit!,
    slots: run.slots,
    interrupted: () => run.aborted,
  });
  // a task that opens a PR: Drover opens or updates it for the verified head, then the PR gate
  if (reasons.length === 0 && input.openPr && !input.pr && !run.aborted)
    reasons.push(...(await openAndGatePr(run, head)));
  // --merge: the verified PR goes through the merge queue; what the agent can fix comes back as reasons
  if (reasons.length === 0 && input.merge && (input.pr || input.openPr) && !run.aborted) {
    const end = await awaitMerge(run, head);
    if (end.kind === 'refused') return run.finish('failed', `merge refused: ${end.reasons.join('; ')}`);
    if (end.kind === 'fix') reasons.push(...end.reasons);
  }
  if (run.aborted) return undefined;
  const task = record.state;
  if (reasons.length === 0) {
    record.verified(reasons, head);
    await sharedActivities.notify({
      taskId: task.taskId,
      level: 'done',
      message: `verified: ${task.branch} at ${head.slice(0, 10)} pushed, checkpoints ${task.checkpoints.join(', ') || 'none required'}`,
    });
    return run.finish('done', doneReason(input, task.branch, head, task.pullRequest));
  }
  record.verified(reasons);
  const revisions = record.countRevision();
  record.decide(`verification failed (revision ${revisions}): ${reasons.join('; ')}`);
  const decision = decideOnFailedVerification(
    reasons,
    { revisions, ...(nextAgent(task) !== undefined ? { nextAgent: nextAgent(task) } : {}) },
    run.policy,
  );
  if (decision.kind === 'hand-off') {
    await run.handOff(decision.why);
    return undefined;
  }
  if (decision.kind === 'escalate' && !(await run.escalate(decision.why)))
    return run.stopAndFinish('escalated', decision.unanswered);
  run.session.queue({ kind: 'rebrief', text: decision.text });
  record.phase('supervising');
  return undefined;
}
