import { condition, patched } from '@temporalio/workflow';
import { buildBrief } from '../domain/brief.js';
import { denyKeys, keysToChoose } from '../domain/dialog-policy.js';
import { humanDecisionText, humanDialogReason } from '../domain/human-answer.js';
import { dialogNeedsHumanMessage } from '../domain/notification.js';
import { decideOnEvent, type TaskAction } from '../domain/task-decisions.js';
import { DONE_ONCE_PER_TEXT } from './task-inbox.js';
import type { WatchEvent } from '../domain/watch.js';
import { sharedActivities } from './activity-proxies.js';
import { nextAgent } from './task-handoff.js';
import type { TaskRun } from './task-run.js';
import { recordPolicyApproval, recordWatchAnswer, recordWatchNudge } from './task-watch.js';

type DialogEvent = Extract<WatchEvent, { kind: 'dialog' }>;

/** A watch event: recorded, decided on data (domain/task-decisions.ts), and the decided actions carried out in order. */
export async function actOnEvent(run: TaskRun, ev: WatchEvent): Promise<void> {
  run.record.tail(ev.tail);
  if (ev.usage) run.record.usage(ev.usage);
  const now = new Date().getTime();
  const view = run.session.view(run.record.state, run.worktree, nextAgent(run.record.state));
  const rules = run.input.commands;
  const actions = decideOnEvent(ev, rules ? { ...view, commandRules: rules } : view, run.policy, now);
  for (const action of actions) if (!(await carryOut(run, action, ev, now))) return;
}

/** One action; false when the rest of the list no longer applies (a key not sent, an escalation nobody answered). */
async function carryOut(run: TaskRun, action: TaskAction, ev: WatchEvent, now: number): Promise<boolean> {
  const { record, session, inbox } = run;
  switch (action.kind) {
    case 'watch-answered':
      recordWatchAnswer(run, ev as DialogEvent);
      return true;
    case 'watch-nudged':
      recordWatchNudge(run, ev as Extract<WatchEvent, { kind: 'idle' | 'stalled' }>, now);
      return true;
    case 'agent-state':
      record.agentState(action.state);
      return true;
    case 'approve-dialog': {
      const dialog = (ev as DialogEvent).dialog;
      if (!(await run.pressKeys(action.keys, `approving ${dialog.kind}`))) return false;
      recordPolicyApproval(record, dialog, action.reason, '', action.rule);
      return true;
    }
    case 'deny-dialog':
      return denyByRule(run, (ev as DialogEvent).dialog, action);
    case 'ask-human':
      await askHuman(run, ev as DialogEvent, action.reason);
      return true;
    case 'add-checkpoints':
      record.addCheckpoints(action.steps);
      record.decide(`checkpoint ${action.steps.join(', ')} seen on screen`);
      return true;
    case 'mark-done':
      markDone(run, action.doneCount);
      return true;
    case 'stale-done':
      // histories from before the patch counted every new marker
      if (!patched(DONE_ONCE_PER_TEXT)) markDone(run, action.doneCount);
      else {
        session.doneBaseline = action.doneCount;
        record.decide('done marker seen again before the agent received a new text: not counted');
      }
      return true;
    case 'press-enter':
      if (await run.pressKeys(['Enter'], 'Enter for the text left in the input box'))
        record.decide('text left in the input box: pressed Enter');
      return true;
    case 'count-crash':
      record.countCrash();
      return true;
    case 'hand-off':
      await run.handOff(action.why);
      return true;
    case 'escalate':
      if (await run.escalate(action.why)) return true;
      inbox.aborted ??= action.unanswered;
      return false;
    case 'relaunch':
      await run.spawn(action.why);
      record.phase('supervising');
      if (action.continueText !== undefined) session.queue({ kind: 'continue', text: action.continueText });
      return true;
    case 'ready-for-input':
      session.readyForInput = true;
      return true;
    case 'queue-brief':
      queueBrief(run);
      return true;
    case 'wait': {
      const seen = inbox.wake;
      await condition(() => inbox.wake > seen, action.ms);
      return true;
    }
    case 'end-task':
      return endTask(run, action);
    case 'nudge':
      record.countNudge();
      session.nudged(action.at);
      session.queue({ kind: 'nudge', text: action.text });
      return true;
  }
}

/** The task ends at the next turn of supervision (its budget reached): the agent is stopped there. */
async function endTask(run: TaskRun, action: Extract<TaskAction, { kind: 'end-task' }>): Promise<boolean> {
  run.ending = { state: action.state, reason: action.why };
  await sharedActivities.notify({
    taskId: run.record.state.taskId,
    level: 'escalated',
    message: `${action.why}; the agent is stopped (its window and worktree stay)`,
  });
  return false;
}

/** A command the user's deny rule refuses: "No" pressed, recorded with the rule, and the agent told to do without it. */
async function denyByRule(
  run: TaskRun,
  dialog: DialogEvent['dialog'],
  action: Extract<TaskAction, { kind: 'deny-dialog' }>,
): Promise<boolean> {
  if (!(await run.pressKeys(action.keys, `denying ${dialog.kind}`))) return false;
  const { command } = dialog;
  run.record.dialogDecided({
    kind: dialog.kind,
    decision: 'deny',
    decidedBy: 'policy',
    command,
    reason: action.reason,
    ...(action.rule !== undefined ? { rule: action.rule } : {}),
  });
  run.record.decide(`denied ${dialog.kind}${command ? ` \`${command}\`` : ''}: ${action.reason}`);
  run.session.queue({
    kind: 'steer',
    text: `Drover refused \`${command ?? dialog.kind}\`: it ${action.reason}. Continue without running it.`,
  });
  return true;
}

function markDone(run: TaskRun, doneCount: number): void {
  run.session.doneBaseline = doneCount;
  run.session.doneSpent = true;
  run.record.doneReported();
  run.record.agentState('done');
  run.record.decide('done marker seen on screen');
}

/** The task's brief, built from its input, queued for the agent (the session puts a PR brief or handoff note in front). */
function queueBrief(run: TaskRun): void {
  const { input, record } = run;
  const task = record.state;
  run.session.queueBrief(
    buildBrief({
      objective: input.objective,
      steps: input.steps,
      taskId: task.taskId,
      branch: task.branch,
      worktree: run.worktree,
      context: input.context,
      images: input.images,
    }),
  );
}

/** A dialog the policy will not answer: a human approves or denies it (drover approve/deny), else the task ends. */
async function askHuman(run: TaskRun, ev: DialogEvent, reason: string): Promise<void> {
  const { record, inbox } = run;
  const { dialog } = ev;
  const { command } = dialog;
  const taskId = record.state.taskId;
  const ask = { kind: dialog.kind, command, ...(dialog.file !== undefined ? { file: dialog.file } : {}), reason };
  record.pendingDialog({ ...ask, text: dialog.text });
  inbox.humanAnswer = undefined;
  inbox.answerSource = undefined;
  // decisions stay raw (the command as the agent asked); whoever shows them escapes them (domain/visible-text.ts)
  record.phase(
    'waiting-human',
    `dialog needs a human: ${dialog.kind}${command !== undefined ? ` \`${command}\`` : ''}: ${reason}`,
  );
  record.dialogDecided({ kind: dialog.kind, decision: 'ask-human', decidedBy: 'policy', command, reason });
  await sharedActivities.notify({ taskId, level: 'action-needed', message: dialogNeedsHumanMessage(taskId, ask) });
  const got = await condition(() => inbox.humanAnswer !== undefined || run.aborted, `${run.policy.humanWaitSeconds}s`);
  record.pendingDialog(undefined);
  if (run.aborted) return;
  const decision = inbox.humanAnswer;
  if (!got || decision === undefined) {
    inbox.aborted = 'no human answered the dialog in time';
    return;
  }
  const keys = decision === 'approve' ? keysToChoose(dialog, 1) : denyKeys(dialog);
  if (!(await run.pressKeys(keys, `the human's ${decision}`)) && decision === 'approve') return;
  const source = inbox.answerSource;
  record.dialogDecided({
    kind: dialog.kind,
    decision,
    decidedBy: 'human',
    command,
    reason: humanDialogReason(decision, source),
  });
  if (decision === 'deny') {
    inbox.aborted = humanDecisionText('deny', source, command ?? dialog.kind);
    return;
  }
  record.phase('supervising', humanDecisionText('approve', source, command ?? dialog.kind));
}
