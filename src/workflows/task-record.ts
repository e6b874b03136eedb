import { setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import type {
  AgentState,
  DialogRecord,
  Phase,
  ResolvedTaskInput,
  TaskState,
  ValidationRecord,
} from '../domain/task.js';
import type { Usage } from '../domain/usage.js';
import type { SetupResult } from '../domain/setup.js';
import type { MessageRecord } from '../domain/task-mail.js';
import type { TaskPullRequest } from '../domain/pr-pipeline.js';
import {
  DroverAgentStateKey,
  DroverCliKey,
  DroverPhaseKey,
  DroverRepoKey,
  DroverTaskIdKey,
} from '../domain/search-attribute-keys.js';
import { describeDialog, visible } from '../domain/visible-text.js';

const MAX_EVENTS = 60;
const KEEP_VALIDATIONS = 20;

export function initialState(input: ResolvedTaskInput): TaskState {
  return {
    taskId: input.taskId,
    phase: 'placing',
    agentState: 'none',
    agent: input.agent.split(',')[0]!.trim(),
    agentChain: input.agent.split(',').map((a) => a.trim()),
    handoffs: [],
    repo: input.repo,
    branch: input.branch,
    steps: input.steps,
    checkpoints: [],
    doneReported: false,
    revisions: 0,
    nudges: 0,
    crashes: 0,
    dialogs: [],
    paused: false,
    lastDecision: 'task accepted',
    lastVerification: [],
    ...(input.pr ? { pr: input.pr } : {}),
    ...(input.budget ? { budget: input.budget } : {}),
    threadReports: [],
    answeredThreads: [],
    summaries: [],
    screenTail: [],
    startedAt: new Date().toISOString(),
    events: [],
  };
}

const now = (): string => new Date().toISOString();

/**
 * The workflow's view of its task: every change goes through here (`state` is read-only to
 * everyone else) so the `state` query, the search attributes and the Web UI's current details
 * never disagree. Only phase and agent-state changes upsert search attributes: each upsert is a
 * command in the history, so no other method may add one (the replay test holds them to it).
 */
export class TaskRecord {
  private readonly data: TaskState;

  constructor(state: TaskState) {
    this.data = state;
    this.publish(true);
  }

  get state(): Readonly<TaskState> {
    return this.data;
  }

  decide(what: string): void {
    this.data.lastDecision = what;
    this.data.events.push({ at: now(), what });
    if (this.data.events.length > MAX_EVENTS) this.data.events.splice(0, this.data.events.length - MAX_EVENTS);
    this.publish(false);
  }

  phase(phase: Phase, why?: string): void {
    const changed = this.data.phase !== phase;
    this.data.phase = phase;
    if (why) this.decide(why);
    if (changed) this.publish(true);
  }

  agentState(state: AgentState): void {
    if (this.data.agentState === state) return;
    this.data.agentState = state;
    this.publish(true);
  }

  tail(lines: string[]): void {
    this.data.screenTail = lines;
    this.publish(false);
  }

  // ── place, prepare, spawn ──
  placedOn(host: string, taskQueue: string): void {
    Object.assign(this.data, { host, hostQueue: taskQueue });
  }

  /** PR mode: the task works on the pull request's head branch. */
  onBranch(branch: string): void {
    this.data.branch = branch;
  }

  worktreeAt(worktree: string): void {
    this.data.worktree = worktree;
  }

  /** The agent's session id, made once per agent session (`make` is the workflow's uuid4). */
  sessionId(make: () => string): string {
    this.data.sessionId ??= make();
    return this.data.sessionId;
  }

  inPane(paneId: string, tmuxSession?: string): void {
    this.data.paneId = paneId;
    if (tmuxSession) this.data.tmuxSession = tmuxSession;
  }

  briefSubmitted(): void {
    this.data.briefSubmittedAt = now();
  }

  // ── what the agent did ──
  addCheckpoints(steps: readonly string[]): void {
    for (const step of steps) if (!this.data.checkpoints.includes(step)) this.data.checkpoints.push(step);
  }

  doneReported(reported = true): void {
    this.data.doneReported = reported;
  }

  threadReported(threadId: string, note: string): void {
    this.data.threadReports = [...this.data.threadReports.filter((t) => t.threadId !== threadId), { threadId, note }];
  }

  paused(paused: boolean): void {
    this.data.paused = paused;
  }

  // ── supervision counters ──
  countCrash(): void {
    this.data.crashes += 1;
  }

  countNudge(): void {
    this.data.nudges += 1;
  }

  /** A human answered an escalation: fresh caps. */
  resetCaps(): void {
    Object.assign(this.data, { nudges: 0, crashes: 0 });
  }

  /** The watch's own actions recorded up to `seq`. */
  watcherActed(seq: number): void {
    this.data.watcherActions = Math.max(this.data.watcherActions ?? 0, seq);
  }

  // ── dialogs ──
  /** The worktree setup as it ran. */
  setupRan(result: SetupResult): void {
    this.data.setup = result;
  }

  /** The agent's port block on its host. */
  portsGiven(ports: { start: number; count: number }): void {
    this.data.ports = ports;
  }

  /** A message sent to or received from another task (`drover send`); the last 50 are kept. */
  message(entry: Omit<MessageRecord, 'at'>): void {
    this.data.messages = [...(this.data.messages ?? []), { ...entry, at: now() }].slice(-50);
  }

  /** The agent's token usage as its CLI recorded it (state only; shown by drover status). */
  usage(usage: Usage): void {
    this.data.usage = usage;
  }

  dialogDecided(entry: Omit<DialogRecord, 'at'>): void {
    this.data.dialogs.push({ ...entry, at: now() });
  }

  pendingDialog(dialog: TaskState['pendingDialog']): void {
    this.data.pendingDialog = dialog;
    this.publish(false);
  }

  // ── verify ──
  validated(record: ValidationRecord): void {
    this.data.validations = [...(this.data.validations ?? []), record].slice(-KEEP_VALIDATIONS);
  }

  threadsAnswered(threadIds: readonly string[], answers: readonly { threadId: string; note: string }[]): void {
    for (const id of threadIds) if (!this.data.answeredThreads.includes(id)) this.data.answeredThreads.push(id);
    this.data.threadReports = this.data.threadReports.filter(
      (t) => !answers.some((a) => a.threadId === t.threadId && a.note === t.note),
    );
  }

  summaryPosted(summary: TaskState['summaries'][number]): void {
    this.data.summaries.push(summary);
  }

  /** A verification's outcome: the reasons it failed (none: `commit` is the verified head). */
  verified(reasons: string[], commit?: string): void {
    this.data.lastVerification = reasons;
    if (commit !== undefined) this.data.commit = commit;
  }

  /** A failed verification: the done report is spent and the revision counted; returns the count. */
  countRevision(): number {
    this.data.doneReported = false;
    this.data.revisions += 1;
    return this.data.revisions;
  }

  /** The task's PR as it stands now: opened, a new verified head, merged, refused by the queue. */
  pullRequest(pr: TaskPullRequest): void {
    this.data.pullRequest = pr;
    this.publish(false);
  }

  finished(): void {
    this.data.finishedAt = now();
  }

  // ── a new agent session: the one place its per-agent fields are reset ──
  /** Fallback chain: the next agent takes over with a fresh session and fresh caps. */
  handedOver(to: string, reason: string): void {
    this.data.handoffs.push({ from: this.data.agent, to, reason, at: now() });
    this.newAgentSession({ agent: to, revisions: 0 });
  }

  /** The host was lost: everything tied to it (worktree, pane, session, a pending dialog) is forgotten. */
  movedTo(move: { from: string; to: string; taskQueue: string; reason: string }): void {
    const { from, to: host, taskQueue, reason } = move;
    this.data.moves = [...(this.data.moves ?? []), { from, to: host, reason, at: now() }];
    this.newAgentSession({
      host,
      hostQueue: taskQueue,
      worktree: undefined,
      paneId: undefined,
      pendingDialog: undefined,
    });
  }

  private newAgentSession(also: Partial<TaskState>): void {
    Object.assign(this.data, { sessionId: undefined, crashes: 0, nudges: 0, doneReported: false }, also);
  }

  private publish(searchAttributes: boolean): void {
    const s = this.data;
    if (searchAttributes) {
      upsertSearchAttributes([
        { key: DroverTaskIdKey, value: s.taskId },
        { key: DroverRepoKey, value: s.repo },
        { key: DroverPhaseKey, value: s.phase },
        { key: DroverAgentStateKey, value: s.agentState },
        { key: DroverCliKey, value: s.agent },
      ]);
    }
    const tail = s.screenTail.slice(-8).join('\n');
    const waiting = s.pendingDialog ? `WAITING for a human: ${describeDialog(s.pendingDialog)}\n\n` : '';
    setCurrentDetails(
      `**${s.phase}** · agent ${s.agentState} · checkpoints ${s.checkpoints.join(', ') || '—'} / ${s.steps.join(', ') || '—'}\n\n` +
        waiting +
        `last decision: ${visible(s.lastDecision)}\n\n\`\`\`\n${tail}\n\`\`\``,
    );
  }
}
