import { z } from 'zod';

/**
 * The attempt ledger of `drover monitor`: how often Drover tried to fix each PR since a human
 * last pushed to it. An escalated fix is not restarted for the same head, and attempts stop at a
 * cap; Drover's own pushes do not reset the count (else fix → push → fail → fix would loop), a
 * human's push does (they changed the PR: a fresh start is fair).
 */

export const PrKeySchema = z.object({
  owner: z.string().min(1),
  repo: z.string().min(1),
  number: z.number().int().positive(),
});
export type PrKey = z.infer<typeof PrKeySchema>;

export const LedgerEntrySchema = PrKeySchema.extend({
  /** The head the last attempt started on. */
  headSha: z.string().min(7),
  attempts: z.number().int().nonnegative(),
  /** The last attempt escalated on `headSha`. */
  escalated: z.boolean(),
  /** Heads Drover itself pushed to this PR (newest last, bounded). */
  droverHeads: z.array(z.string()).default([]),
  lastAt: z.string(),
  lastOutcome: z.enum(['started', 'fixed', 'escalated', 'failed']),
});
export type LedgerEntry = z.infer<typeof LedgerEntrySchema>;

export const AttemptLedgerSchema = z.object({ entries: z.array(LedgerEntrySchema) });
export type AttemptLedger = z.infer<typeof AttemptLedgerSchema>;

export const DEFAULT_ATTEMPT_CAP = 3;
/** PRs remembered; the least recently touched are forgotten first. */
export const LEDGER_LIMIT = 500;
const DROVER_HEADS_KEPT = 20;

export const emptyLedger = (): AttemptLedger => ({ entries: [] });

const same = (e: PrKey, k: PrKey): boolean => e.owner === k.owner && e.repo === k.repo && e.number === k.number;
const find = (ledger: AttemptLedger, pr: PrKey): LedgerEntry | undefined => ledger.entries.find((e) => same(e, pr));

export interface FixQuery {
  pr: PrKey;
  headSha: string;
  /** The head commit's pusher is Drover (e.g. its bot login); heads Drover recorded count as its own too. */
  pushedByDrover?: boolean;
}

export type FixDecision = { start: true; attempt: number; reset: boolean } | { start: false; why: string };

/** True when the PR's head changed since the last attempt and Drover did not push it. */
function humanPushed(entry: LedgerEntry, q: FixQuery): boolean {
  return entry.headSha !== q.headSha && !q.pushedByDrover && !entry.droverHeads.includes(q.headSha);
}

/** Whether the monitor may start (or restart) a fix of this PR at this head. */
export function mayStartFix(ledger: AttemptLedger, q: FixQuery, cap = DEFAULT_ATTEMPT_CAP): FixDecision {
  const entry = find(ledger, q.pr);
  if (!entry || humanPushed(entry, q)) return { start: true, attempt: 1, reset: Boolean(entry) };
  const short = q.headSha.slice(0, 10);
  if (entry.escalated && entry.headSha === q.headSha)
    return { start: false, why: `the last fix escalated on ${short}; it starts again after a new push by a human` };
  if (entry.attempts >= cap)
    return {
      start: false,
      why: `${entry.attempts} fix attempts since the last push by a human (cap ${cap}); it starts again after a new push by a human`,
    };
  return { start: true, attempt: entry.attempts + 1, reset: false };
}

/** Records that a fix started at `headSha` (a human push since the last attempt resets the count first). */
export function recordStart(ledger: AttemptLedger, q: FixQuery, now: Date): LedgerEntry {
  const key = PrKeySchema.parse(q.pr);
  let entry = find(ledger, key);
  if (entry && humanPushed(entry, q)) {
    ledger.entries = ledger.entries.filter((e) => e !== entry);
    entry = undefined;
  }
  if (!entry) {
    entry = {
      ...key,
      headSha: q.headSha,
      attempts: 0,
      escalated: false,
      droverHeads: [],
      lastAt: now.toISOString(),
      lastOutcome: 'started',
    };
    ledger.entries.push(entry);
  }
  entry.attempts += 1;
  entry.headSha = q.headSha;
  entry.escalated = false;
  entry.lastAt = now.toISOString();
  entry.lastOutcome = 'started';
  if (ledger.entries.length > LEDGER_LIMIT) {
    ledger.entries.sort((a, b) => a.lastAt.localeCompare(b.lastAt));
    ledger.entries.splice(0, ledger.entries.length - LEDGER_LIMIT);
  }
  return entry;
}

/** A head Drover pushed while fixing: a later attempt on it is not a human's fresh start. */
export function recordDroverPush(ledger: AttemptLedger, pr: PrKey, headSha: string): void {
  const entry = find(ledger, pr);
  if (!entry || entry.droverHeads.includes(headSha)) return;
  entry.droverHeads.push(headSha);
  if (entry.droverHeads.length > DROVER_HEADS_KEPT)
    entry.droverHeads.splice(0, entry.droverHeads.length - DROVER_HEADS_KEPT);
}

/** How the attempt ended; `headSha`: the head it ended on (Drover's last push, else the start head), where an escalation is pinned. */
export function recordOutcome(
  ledger: AttemptLedger,
  pr: PrKey,
  outcome: 'fixed' | 'escalated' | 'failed',
  headSha: string,
  now: Date,
): boolean {
  const entry = find(ledger, pr);
  if (!entry) return false;
  entry.lastOutcome = outcome;
  entry.escalated = outcome === 'escalated';
  if (entry.headSha !== headSha) {
    // Drover's own fix moved the head: the attempt stays pinned to where it ended.
    if (!entry.droverHeads.includes(headSha)) recordDroverPush(ledger, pr, headSha);
    entry.headSha = headSha;
  }
  entry.lastAt = now.toISOString();
  return true;
}

/** One past or running fix workflow of a PR, as the monitor reads it from Temporal. */
export const FixRunSchema = z.object({
  pr: PrKeySchema,
  /** The PR's head when the monitor started the fix (its memo). */
  startHead: z.string().min(7),
  startedAt: z.string(),
  /** Absent while it runs. */
  outcome: z.enum(['fixed', 'escalated', 'failed']).optional(),
  /** The head it ended on (its last verified push), when it ended. */
  endHead: z.string().optional(),
});
export type FixRun = z.infer<typeof FixRunSchema>;

/**
 * The ledger as the fix workflows' own records tell it (each run of `pr/<owner>/<repo>/<n>` with
 * its start head and how it ended), oldest first: the monitor keeps no state of its own between
 * cycles, so a restarted monitor still knows what it tried.
 */
export function ledgerFromRuns(runs: readonly FixRun[]): AttemptLedger {
  const ledger = emptyLedger();
  const ordered = [...runs].sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  for (const run of ordered) {
    const at = new Date(run.startedAt);
    recordStart(ledger, { pr: run.pr, headSha: run.startHead }, at);
    if (run.outcome) recordOutcome(ledger, run.pr, run.outcome, run.endHead ?? run.startHead, at);
  }
  return ledger;
}
