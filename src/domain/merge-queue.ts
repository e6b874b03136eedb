import { z } from 'zod';
import type { MergeVerdict } from './merge-guard.js';
import { MergeSettingsSchema } from './pr-pipeline.js';

/**
 * The state of one merge queue (one per repository and base branch, workflow id
 * `merge-queue/<owner>/<repo>/<base>`), as pure transitions on plain data like the test slot:
 * the workflow only sequences them and runs the activities. One PR in progress at a time; FIFO
 * among the PRs whose dependencies are merged; a refusal is final for that head (no blind retry).
 * Transitions that do not apply (a retried activity reporting twice) change nothing.
 */

export const QUEUE_STEPS = ['updating-branch', 'waiting-ci', 'checking', 'merging'] as const;
export type QueueStep = (typeof QUEUE_STEPS)[number];

export const EnqueueRequestSchema = z.object({
  number: z.number().int().positive(),
  headSha: z.string().min(7),
  /** PR numbers that must merge first (the task's dependencies' PRs). */
  dependsOn: z.array(z.number().int().positive()).default([]),
  taskId: z.string().optional(),
  /** The workflow told the outcome (`mergeOutcome`); absent for `drover merge`. */
  replyTo: z.string().optional(),
  /** How to merge this PR; absent: the defaults (squash, delete the head). */
  settings: MergeSettingsSchema.optional(),
});
export type EnqueueRequest = z.input<typeof EnqueueRequestSchema>;

export const QueueEntrySchema = EnqueueRequestSchema.extend({ enqueuedAt: z.string() });
export type QueueEntry = z.infer<typeof QueueEntrySchema>;

export const InProgressSchema = QueueEntrySchema.extend({
  step: z.enum(QUEUE_STEPS),
  startedAt: z.string(),
  /** The head CI is awaited on: the PR's head after the queue brought it up to date. */
  currentHead: z.string(),
  /** Times the branch was brought up to date (the base can move while CI runs). */
  updates: z.number().int().nonnegative(),
});
export type InProgress = z.infer<typeof InProgressSchema>;

export const OutcomeSchema = z.object({
  number: z.number().int().positive(),
  headSha: z.string(),
  outcome: z.enum(['merged', 'refused', 'withdrawn']),
  at: z.string(),
  mergeCommit: z.string().optional(),
  reasons: z.array(z.string()).default([]),
  /** The guard's problem codes behind a refusal (merge-guard.ts GUARD_CODES): what a task can act on. */
  codes: z.array(z.string()).default([]),
  taskId: z.string().optional(),
});
export type Outcome = z.infer<typeof OutcomeSchema>;

/** A refusal remembers the entry's dependencies, so an explicit retry queues the same request. */
export const RefusalSchema = OutcomeSchema.extend({
  dependsOn: z.array(z.number().int().positive()).default([]),
  replyTo: z.string().optional(),
  settings: MergeSettingsSchema.optional(),
});
export type Refusal = z.infer<typeof RefusalSchema>;

export const MergeQueueStateSchema = z.object({
  owner: z.string().min(1),
  repo: z.string().min(1),
  base: z.string().min(1),
  waiting: z.array(QueueEntrySchema),
  current: InProgressSchema.optional(),
  /** The last refusal per PR: the same head is not queued again without an explicit retry. */
  refused: z.array(RefusalSchema),
  /** PRs known merged (by this queue or reported merged elsewhere): dependencies look here. */
  merged: z.array(z.number().int().positive()),
  /** The most recent outcomes, newest last. */
  recent: z.array(OutcomeSchema),
  mergedCount: z.number().int().nonnegative(),
});
export type MergeQueueState = z.infer<typeof MergeQueueStateSchema>;

export const RECENT_OUTCOMES = 50;
/** Merged and refused PRs remembered; older ones are far behind any dependency still waiting. */
export const REMEMBERED_PRS = 1000;
/** Times the queue brings one PR up to date before it refuses it (a base that never stops moving). */
export const MAX_UPDATES = 3;

export function mergeQueueWorkflowId(owner: string, repo: string, base: string): string {
  return `merge-queue/${owner}/${repo}/${base}`;
}

export function emptyQueue(owner: string, repo: string, base: string): MergeQueueState {
  return { owner, repo, base, waiting: [], refused: [], merged: [], recent: [], mergedCount: 0 };
}

function bounded<T>(list: T[], limit: number): void {
  if (list.length > limit) list.splice(0, list.length - limit);
}

function record(state: MergeQueueState, outcome: Outcome): void {
  state.recent.push(outcome);
  bounded(state.recent, RECENT_OUTCOMES);
}

export type EnqueueResult = 'queued' | 'requeued' | 'duplicate' | 'already-merged' | 'refused-before';

/**
 * Queues a PR at its head. The same PR at the same head is a duplicate (a retried signal); at a
 * new head it replaces its waiting entry at the back (new CI is needed). A head refused before
 * stays out (see retry). A PR in progress at another head waits as a new entry: if the current
 * attempt merges, the entry is dropped; if it is refused, the new head gets its turn.
 */
export function enqueue(
  state: MergeQueueState,
  raw: EnqueueRequest,
  now: Date,
): { state: MergeQueueState; result: EnqueueResult; reasons?: string[] } {
  const req = EnqueueRequestSchema.parse(raw);
  if (state.merged.includes(req.number)) return { state, result: 'already-merged' };
  const cur = state.current;
  if (cur && cur.number === req.number && (cur.headSha === req.headSha || cur.currentHead === req.headSha))
    return { state, result: 'duplicate' };
  const refusal = state.refused.find((r) => r.number === req.number);
  if (refusal && refusal.headSha === req.headSha) return { state, result: 'refused-before', reasons: refusal.reasons };
  const index = state.waiting.findIndex((e) => e.number === req.number);
  if (index >= 0 && state.waiting[index]!.headSha === req.headSha) return { state, result: 'duplicate' };
  if (index >= 0) state.waiting.splice(index, 1);
  if (refusal) state.refused = state.refused.filter((r) => r.number !== req.number);
  state.waiting.push({ ...req, enqueuedAt: now.toISOString() });
  return { state, result: index >= 0 || refusal ? 'requeued' : 'queued' };
}

/** An explicit retry of a refused PR at the head it was refused at. */
export function retry(state: MergeQueueState, number: number, now: Date): { state: MergeQueueState; retried: boolean } {
  const refusal = state.refused.find((r) => r.number === number);
  if (!refusal || state.waiting.some((e) => e.number === number) || state.current?.number === number)
    return { state, retried: false };
  state.refused = state.refused.filter((r) => r.number !== number);
  state.waiting.push({
    number,
    headSha: refusal.headSha,
    dependsOn: refusal.dependsOn,
    ...(refusal.taskId ? { taskId: refusal.taskId } : {}),
    ...(refusal.replyTo ? { replyTo: refusal.replyTo } : {}),
    ...(refusal.settings ? { settings: refusal.settings } : {}),
    enqueuedAt: now.toISOString(),
  });
  return { state, retried: true };
}

/** Why a waiting PR cannot start yet: its dependencies not merged, each with where it is. */
export function blockedBy(state: MergeQueueState, entry: QueueEntry): string[] {
  return entry.dependsOn
    .filter((d) => !state.merged.includes(d))
    .map((d) => {
      if (state.current?.number === d) return `#${d} (merging now)`;
      if (state.waiting.some((e) => e.number === d)) return `#${d} (queued)`;
      if (state.refused.some((r) => r.number === d)) return `#${d} (refused)`;
      return `#${d} (not in the queue)`;
    });
}

/** When nothing is in progress: the oldest waiting PR whose dependencies are all merged starts. */
export function startNext(state: MergeQueueState, now: Date): { state: MergeQueueState; started?: InProgress } {
  if (state.current) return { state };
  const index = state.waiting.findIndex((e) => blockedBy(state, e).length === 0);
  if (index < 0) return { state };
  const [entry] = state.waiting.splice(index, 1);
  const started: InProgress = {
    ...entry!,
    step: 'updating-branch',
    startedAt: now.toISOString(),
    currentHead: entry!.headSha,
    updates: 0,
  };
  state.current = started;
  return { state, started };
}

function currentAt(state: MergeQueueState, number: number, step: QueueStep): InProgress | undefined {
  const cur = state.current;
  return cur && cur.number === number && cur.step === step ? cur : undefined;
}

/** The branch is up to date with the base (`newHead`: the head after GitHub's update-branch, or the same head). */
export function branchUpdated(
  state: MergeQueueState,
  number: number,
  newHead: string,
): { state: MergeQueueState; changed: boolean } {
  const cur = currentAt(state, number, 'updating-branch');
  if (!cur) return { state, changed: false };
  cur.currentHead = newHead;
  cur.updates += 1;
  cur.step = 'waiting-ci';
  return { state, changed: true };
}

/** CI finished (green or not) on the current head: the guard looks next. */
export function ciSettled(
  state: MergeQueueState,
  number: number,
  head: string,
): { state: MergeQueueState; changed: boolean } {
  const cur = currentAt(state, number, 'waiting-ci');
  if (!cur || cur.currentHead !== head) return { state, changed: false };
  cur.step = 'checking';
  return { state, changed: true };
}

/**
 * The guard's verdict. ok → merging. Only waitable problems (CI still running) → back to
 * waiting-ci (the workflow bounds that wait and refuses when it ends). Only "behind" (the base
 * moved during CI) → brought up to date again, at most MAX_UPDATES times. Anything else →
 * refused with every reason.
 */
export function checked(
  state: MergeQueueState,
  number: number,
  verdict: MergeVerdict,
  now: Date,
): { state: MergeQueueState; next: QueueStep | 'refused' | 'unchanged' } {
  const cur = currentAt(state, number, 'checking');
  if (!cur) return { state, next: 'unchanged' };
  if (verdict.ok) {
    cur.step = 'merging';
    return { state, next: 'merging' };
  }
  if (verdict.waiting) {
    cur.step = 'waiting-ci';
    return { state, next: 'waiting-ci' };
  }
  const onlyBehind = verdict.problems.every((p) => p.code === 'behind');
  if (onlyBehind && cur.updates < MAX_UPDATES) {
    cur.step = 'updating-branch';
    return { state, next: 'updating-branch' };
  }
  refuse(
    state,
    number,
    onlyBehind ? [...verdict.reasons, `the base moved ${cur.updates} times while CI ran`] : verdict.reasons,
    now,
    verdict.problems.map((p) => p.code),
  );
  return { state, next: 'refused' };
}

/** Ends the PR in progress as refused (from any step: a conflicting update, CI that never ended, the guard). */
export function refuse(
  state: MergeQueueState,
  number: number,
  reasons: readonly string[],
  now: Date,
  codes: readonly string[] = [],
): { state: MergeQueueState; changed: boolean } {
  const cur = state.current;
  if (!cur || cur.number !== number) return { state, changed: false };
  const outcome: Outcome = {
    number,
    headSha: cur.headSha,
    outcome: 'refused',
    at: now.toISOString(),
    reasons: [...reasons],
    codes: [...new Set(codes)],
    ...(cur.taskId ? { taskId: cur.taskId } : {}),
  };
  const again = {
    dependsOn: cur.dependsOn,
    ...(cur.replyTo ? { replyTo: cur.replyTo } : {}),
    ...(cur.settings ? { settings: cur.settings } : {}),
  };
  state.refused = [...state.refused.filter((r) => r.number !== number), { ...outcome, ...again }];
  bounded(state.refused, REMEMBERED_PRS);
  record(state, outcome);
  state.current = undefined;
  return { state, changed: true };
}

function markMergedNumber(state: MergeQueueState, number: number): void {
  if (!state.merged.includes(number)) state.merged.push(number);
  bounded(state.merged, REMEMBERED_PRS);
  state.waiting = state.waiting.filter((e) => e.number !== number);
  state.refused = state.refused.filter((r) => r.number !== number);
}

/** The PR in progress merged with `mergeCommit`. */
export function merged(
  state: MergeQueueState,
  number: number,
  mergeCommit: string,
  now: Date,
): { state: MergeQueueState; changed: boolean } {
  const cur = currentAt(state, number, 'merging');
  if (!cur) return { state, changed: false };
  record(state, {
    number,
    headSha: cur.currentHead,
    outcome: 'merged',
    at: now.toISOString(),
    mergeCommit,
    reasons: [],
    codes: [],
    ...(cur.taskId ? { taskId: cur.taskId } : {}),
  });
  state.current = undefined;
  state.mergedCount += 1;
  markMergedNumber(state, number);
  return { state, changed: true };
}

/** A PR merged outside the queue (by a human, or found merged after a worker restart): dependents may go; recorded in `recent` if it was queued here. */
export function mergedElsewhere(
  state: MergeQueueState,
  number: number,
  now: Date,
): { state: MergeQueueState; changed: boolean } {
  if (state.merged.includes(number)) return { state, changed: false };
  const known = state.current?.number === number ? state.current : state.waiting.find((e) => e.number === number);
  if (known)
    record(state, {
      number,
      headSha: known.headSha,
      outcome: 'merged',
      at: now.toISOString(),
      reasons: ['merged outside the queue'],
      codes: [],
      ...(known.taskId ? { taskId: known.taskId } : {}),
    });
  if (state.current?.number === number) state.current = undefined;
  markMergedNumber(state, number);
  return { state, changed: true };
}

/** The PR left (closed, its task cancelled): out of the waiting list and, if in progress, stopped. */
export function withdraw(
  state: MergeQueueState,
  number: number,
  reason: string,
  now: Date,
): { state: MergeQueueState; withdrawn: boolean } {
  const waiting = state.waiting.find((e) => e.number === number);
  const cur = state.current?.number === number ? state.current : undefined;
  if (!waiting && !cur) return { state, withdrawn: false };
  state.waiting = state.waiting.filter((e) => e.number !== number);
  if (cur) state.current = undefined;
  const head = cur?.headSha ?? waiting!.headSha;
  record(state, { number, headSha: head, outcome: 'withdrawn', at: now.toISOString(), reasons: [reason], codes: [] });
  return { state, withdrawn: true };
}

/** What continue-as-new carries: the whole state, validated, with its histories bounded. */
export function carryOver(state: MergeQueueState): MergeQueueState {
  const copy = MergeQueueStateSchema.parse(JSON.parse(JSON.stringify(state)));
  bounded(copy.recent, RECENT_OUTCOMES);
  bounded(copy.merged, REMEMBERED_PRS);
  bounded(copy.refused, REMEMBERED_PRS);
  return copy;
}

/** The merge-queue workflow's input: which repository and base branch it serves. */
export const MergeQueueInputSchema = z.object({
  owner: z.string().min(1),
  repo: z.string().min(1),
  base: z.string().min(1),
});
export type MergeQueueInput = z.infer<typeof MergeQueueInputSchema>;
