import type { MergeQueueState, Outcome } from './merge-queue.js';

/**
 * `drover merge --wait`: what the queue's state says about one PR the CLI just queued (or asked
 * to retry). The outcome is the first one in `recent` for the PR that is newer than the newest
 * one before the request; a PR the queue already refused at this head (without `--retry`) or
 * already merged gets no new outcome, so that is read from `refused` / `merged` once the request
 * had time to arrive.
 */

export type MergeWait =
  | { done: true; outcome: Outcome['outcome']; reasons: string[]; mergeCommit?: string; at?: string; note?: string }
  | { done: false; where: string };

export interface MergeWaitInput {
  number: number;
  headSha: string;
  /** The newest `recent` outcome of this PR before the request (its `at`), if any. */
  before?: string | undefined;
  /** Polls so far; the "answered from memory" cases are trusted only after a few. */
  polls: number;
}

/** The newest `at` of the PR's outcomes in `recent`, the baseline of a wait. */
export function lastOutcomeAt(state: MergeQueueState | undefined, number: number): string | undefined {
  return state?.recent
    .filter((o) => o.number === number)
    .map((o) => o.at)
    .sort()
    .pop();
}

/** Polls before a PR that is neither waiting nor in progress counts as answered from the queue's memory. */
export const SETTLE_POLLS = 3;

export function mergeWait(state: MergeQueueState, w: MergeWaitInput): MergeWait {
  const fresh = state.recent.find((o) => o.number === w.number && (w.before === undefined || o.at > w.before));
  if (fresh)
    return {
      done: true,
      outcome: fresh.outcome,
      reasons: fresh.reasons,
      at: fresh.at,
      ...(fresh.mergeCommit ? { mergeCommit: fresh.mergeCommit } : {}),
    };
  const cur = state.current;
  if (cur?.number === w.number) return { done: false, where: `in progress: ${cur.step}` };
  const position = state.waiting.findIndex((e) => e.number === w.number);
  if (position >= 0) return { done: false, where: `waiting, ${position + 1} of ${state.waiting.length}` };
  if (w.polls < SETTLE_POLLS) return { done: false, where: 'sent, not in the queue yet' };
  if (state.merged.includes(w.number))
    return { done: true, outcome: 'merged', reasons: [], note: 'merged before this request' };
  const refusal = state.refused.find((r) => r.number === w.number);
  if (refusal && refusal.headSha === w.headSha)
    return {
      done: true,
      outcome: 'refused',
      reasons: refusal.reasons,
      at: refusal.at,
      note: 'refused before at this head: push a new head, or drover merge --retry once the reasons are fixed',
    };
  return { done: false, where: 'sent, not in the queue yet' };
}
