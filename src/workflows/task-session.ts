import type { TaskView } from '../domain/task-decisions.js';
import type { TaskState } from '../domain/task.js';
import type { WatchEvent } from '../domain/watch.js';
import type { TaskRecord } from './task-record.js';

/** A text waiting to be pasted into the agent; `tried`: one delivery already failed. */
export type Outbound = {
  kind: 'nudge' | 'steer' | 'brief' | 'rebrief' | 'continue' | 'message';
  text: string;
  tried?: boolean;
};

/** What a continue-as-new carries to the next run of the task workflow. */
export interface Carried {
  state: TaskState;
  baseCommit?: string;
  doneBaseline: number;
  /** A done was counted since the last text the agent received (absent in runs before it was kept). */
  doneSpent?: boolean;
  briefSubmitted: boolean;
  lastNudgeAt: number;
  /** PR mode: the brief built from the pull request's facts (until it is submitted). */
  prBrief?: string;
  /** Fallback chain: what the previous agent did, put in front of the next agent's brief. */
  handoffNote?: string;
}

/**
 * The task workflow's state about its current agent that is not the task's record: where its
 * work started, what it was told and when, what waits to be delivered. A new agent (fallback
 * chain) or a new host starts it over in one place (`startOver`); `carried` is what a
 * continue-as-new takes along.
 */
export class TaskSession {
  baseCommit: string | undefined;
  /** Done markers already on screen when the last input was sent; only more than this counts. */
  doneBaseline: number;
  /**
   * A done signal was counted since the agent was last sent a text: the next one waits for a new
   * text (domain `doneCounts`). Cleared when a delivery starts (TaskRun.deliver) and when the watch
   * delivered a nudge.
   */
  doneSpent: boolean;
  briefSubmitted: boolean;
  /** Epoch ms; 0 = never (survives JSON, unlike -Infinity). */
  lastNudgeAt: number;
  prBrief: string | undefined;
  handoffNote: string | undefined;
  /** The agent was last seen idle or stalled: a text may be pasted now. */
  readyForInput = false;
  /** The last watch event handled: the next watch may count earlier quiet time unless that event was about quiet. */
  lastEventKind: WatchEvent['kind'] | undefined;
  /** Texts waiting for the agent (the inbox's signals add to it). */
  readonly outbox: Outbound[] = [];

  constructor(carried?: Carried) {
    this.baseCommit = carried?.baseCommit;
    this.doneBaseline = carried?.doneBaseline ?? 0;
    this.doneSpent = carried?.doneSpent ?? false;
    this.briefSubmitted = carried?.briefSubmitted ?? false;
    this.lastNudgeAt = carried?.lastNudgeAt ?? 0;
    this.prBrief = carried?.prBrief;
    this.handoffNote = carried?.handoffNote;
  }

  /** A new agent, or the same one on a new host: nothing of the old session counts; `note` goes in front of its brief. */
  startOver(note: string, keepBase: boolean): void {
    if (!keepBase) this.baseCommit = undefined;
    this.briefSubmitted = false;
    this.doneBaseline = 0;
    this.doneSpent = false;
    this.readyForInput = false;
    this.handoffNote = note;
    this.outbox.length = 0; // the old agent's pending texts are not the new one's
  }

  /** The next text to paste: when the agent is ready for input, or at once for a nudge or steer not tried yet. */
  takeNext(): Outbound | undefined {
    const next = this.outbox[0];
    const urgent =
      next !== undefined && (next.kind === 'nudge' || next.kind === 'steer' || next.kind === 'message') && !next.tried;
    if (!next || !(this.readyForInput || urgent)) return undefined;
    this.outbox.shift();
    this.readyForInput = false;
    this.lastEventKind = undefined;
    return next;
  }

  /** A delivery that failed goes back to the front, marked tried (never pasted twice blindly). */
  putBack(out: Outbound): void {
    this.outbox.unshift({ ...out, tried: true });
  }

  /** A text the agent received; returns true when it was its first brief. */
  submitted(kind: Outbound['kind'], doneCount: number): boolean {
    this.doneBaseline = Math.max(this.doneBaseline, doneCount);
    this.doneSpent = false;
    if (kind !== 'brief' || this.briefSubmitted) return false;
    this.briefSubmitted = true;
    return true;
  }

  queueBrief(text: string): void {
    this.outbox.unshift({ kind: 'brief', text: (this.handoffNote ?? '') + (this.prBrief ?? text) });
  }

  queue(out: Outbound): void {
    this.outbox.push(out);
  }

  nudged(at: number): void {
    this.lastNudgeAt = at;
  }

  /** What the task decisions read (domain/task-decisions.ts). */
  view(state: Readonly<TaskState>, worktree: string, nextAgent: string | undefined): TaskView {
    return {
      worktree,
      briefSubmitted: this.briefSubmitted,
      briefQueued: this.outbox.some((o) => o.kind === 'brief'),
      pendingTexts: this.outbox.length,
      doneReported: state.doneReported,
      doneSpent: this.doneSpent,
      nudges: state.nudges,
      crashes: state.crashes,
      revisions: state.revisions,
      lastNudgeAt: this.lastNudgeAt,
      ...(nextAgent !== undefined ? { nextAgent } : {}),
    };
  }

  carried(record: TaskRecord): Carried {
    const unsent = !this.briefSubmitted;
    return {
      state: record.state,
      baseCommit: this.baseCommit,
      doneBaseline: this.doneBaseline,
      doneSpent: this.doneSpent,
      briefSubmitted: this.briefSubmitted,
      lastNudgeAt: this.lastNudgeAt,
      ...(this.prBrief !== undefined && unsent ? { prBrief: this.prBrief } : {}),
      ...(this.handoffNote !== undefined && unsent ? { handoffNote: this.handoffNote } : {}),
    };
  }
}
