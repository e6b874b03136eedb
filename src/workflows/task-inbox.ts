import { setHandler } from '@temporalio/workflow';
import { buildNudge } from '../domain/brief.js';
import { ReportSchema, type ResolvedTaskInput } from '../domain/task.js';
import { abortSignal, approveUpdate, denyUpdate, nudgeSignal, pauseSignal, reportUpdate, resumeSignal, stateQuery, steerSignal } from './messages.js';
import type { TaskRecord } from './task-record.js';

export type Outbound = { kind: 'nudge' | 'steer' | 'brief' | 'rebrief' | 'continue'; text: string; tried?: boolean };

/**
 * What reaches a task from outside (signals, updates, the state query): texts to deliver, pause
 * and abort, a human's answer, the agent's own reports. Every message bumps `wake`, which
 * interrupts the watch at once.
 */
export class TaskInbox {
  wake = 0;
  aborted: string | undefined;
  humanAnswer: 'approve' | 'deny' | undefined;
  readonly outbox: Outbound[] = [];

  constructor(rec: TaskRecord, input: ResolvedTaskInput) {
    const s = rec.s;
    setHandler(stateQuery, () => s);
    setHandler(nudgeSignal, (text) => this.send({ kind: 'nudge', text: text ?? buildNudge('A human asked you to continue.') }));
    setHandler(steerSignal, (text) => this.send({ kind: 'steer', text }));
    setHandler(pauseSignal, () => {
      s.paused = true;
      this.wake += 1;
    });
    setHandler(resumeSignal, () => {
      s.paused = false;
      this.wake += 1;
    });
    setHandler(abortSignal, (reason) => {
      this.aborted = reason ?? 'aborted by a human';
      this.wake += 1;
    });
    const answer = (decision: 'approve' | 'deny') => () => {
      this.humanAnswer = decision;
      this.wake += 1;
      return `${decision} recorded for: ${s.pendingDialog?.command ?? s.pendingDialog?.kind ?? 'dialog'}`;
    };
    const needsDialog = () => {
      if (!s.pendingDialog) throw new Error(`no dialog is waiting for a human on ${s.taskId} (phase ${s.phase})`);
    };
    setHandler(approveUpdate, answer('approve'), { validator: needsDialog });
    setHandler(denyUpdate, answer('deny'), { validator: needsDialog });
    setHandler(
      reportUpdate,
      (report) => {
        if (report.kind === 'checkpoint') {
          if (!s.checkpoints.includes(report.step)) s.checkpoints.push(report.step);
          rec.decide(`checkpoint ${report.step} reported by the agent`);
        } else if (report.kind === 'thread') {
          s.threadReports = [...s.threadReports.filter((t) => t.threadId !== report.threadId), { threadId: report.threadId, note: report.note }];
          rec.decide(`review thread ${report.threadId} reported addressed by the agent`);
        } else {
          s.doneReported = true;
          rec.decide('done reported by the agent');
        }
        this.wake += 1;
        return `recorded ${report.kind}${report.kind === 'checkpoint' ? ` ${report.step}` : ''}`;
      },
      {
        validator: (report) => {
          const parsed = ReportSchema.parse(report);
          if (parsed.kind === 'thread' && !input.pr) throw new Error(`${s.taskId} is not a pull-request task: there are no review threads to report`);
        },
      },
    );
  }

  private send(out: Outbound): void {
    this.outbox.push(out);
    this.wake += 1;
  }
}
