import { patched, setHandler } from '@temporalio/workflow';
import { buildNudge } from '../domain/brief.js';
import { doneCounts } from '../domain/task-decisions.js';
import { describeDialog } from '../domain/visible-text.js';
import { HumanAnswerSchema, type AnswerSource } from '../domain/human-answer.js';
import { ReportSchema, type ResolvedTaskInput } from '../domain/task.js';
import {
  abortSignal,
  approveUpdate,
  denyUpdate,
  nudgeSignal,
  pauseSignal,
  reportUpdate,
  resumeSignal,
  stateQuery,
  steerSignal,
} from './task-messages.js';
import type { TaskRecord } from './task-record.js';
import type { Outbound, TaskSession } from './task-session.js';

/** The patch under which a done signal counts once per text the agent received (domain `doneCounts`). */
export const DONE_ONCE_PER_TEXT = 'done-once-per-delivered-text';

/**
 * What reaches a task from outside (signals, updates, the state query): texts to deliver, pause
 * and abort, a human's answer, the agent's own reports. Every message bumps `wake`, which
 * interrupts the watch at once.
 */
export class TaskInbox {
  wake = 0;
  aborted: string | undefined;
  humanAnswer: 'approve' | 'deny' | undefined;
  /** Where the human answer came from (`cli`, `board`); undefined from clients that did not say. */
  answerSource: AnswerSource | undefined;

  private readonly outbox: Outbound[];

  /** `session`: its outbox, where nudges and steers go, and whether a done was already counted for the agent's last text. */
  constructor(record: TaskRecord, input: ResolvedTaskInput, session: Pick<TaskSession, 'outbox' | 'doneSpent'>) {
    this.outbox = session.outbox;
    const task = record.state;
    setHandler(stateQuery, () => record.state);
    setHandler(nudgeSignal, (text) =>
      this.send({ kind: 'nudge', text: text ?? buildNudge('A human asked you to continue.') }),
    );
    setHandler(steerSignal, (text) => this.send({ kind: 'steer', text }));
    setHandler(pauseSignal, () => {
      record.paused(true);
      this.wake += 1;
    });
    setHandler(resumeSignal, () => {
      record.paused(false);
      this.wake += 1;
    });
    setHandler(abortSignal, (reason) => {
      this.aborted = reason ?? 'aborted by a human';
      this.wake += 1;
    });
    const answer = (decision: 'approve' | 'deny') => (given?: { source?: AnswerSource }) => {
      this.humanAnswer = decision;
      this.answerSource = given?.source;
      this.wake += 1;
      return `${decision} recorded for: ${task.pendingDialog ? describeDialog(task.pendingDialog) : 'dialog'}`;
    };
    const needsDialog = (given?: unknown) => {
      if (given !== undefined) HumanAnswerSchema.parse(given);
      if (!task.pendingDialog)
        throw new Error(`no dialog is waiting for a human on ${task.taskId} (phase ${task.phase})`);
    };
    setHandler(approveUpdate, answer('approve'), { validator: needsDialog });
    setHandler(denyUpdate, answer('deny'), { validator: needsDialog });
    setHandler(
      reportUpdate,
      (report) => {
        if (report.kind === 'checkpoint') {
          record.addCheckpoints([report.step]);
          record.decide(`checkpoint ${report.step} reported by the agent`);
        } else if (report.kind === 'thread') {
          record.threadReported(report.threadId, report.note);
          record.decide(`review thread ${report.threadId} reported addressed by the agent`);
        } else if (!doneCounts(session) && patched(DONE_ONCE_PER_TEXT)) {
          record.decide('done reported again before the agent received a new text: not counted');
        } else {
          session.doneSpent = true;
          record.doneReported();
          record.decide('done reported by the agent');
        }
        this.wake += 1;
        return `recorded ${report.kind}${report.kind === 'checkpoint' ? ` ${report.step}` : ''}`;
      },
      {
        validator: (report) => {
          const parsed = ReportSchema.parse(report);
          if (parsed.kind === 'thread' && !input.pr)
            throw new Error(`${task.taskId} is not a pull-request task: there are no review threads to report`);
        },
      },
    );
  }

  private send(out: Outbound): void {
    this.outbox.push(out);
    this.wake += 1;
  }
}
