import { z } from 'zod';
import { checkReasons, decisiveReviews } from './pr-gate.js';
import { PrFactsSchema } from './pull-request.js';

/**
 * The merge guard: the last look at a pull request, at its current head, before the merge queue
 * merges it. CI and reviews are judged with the PR gate's own rules (checkReasons,
 * decisiveReviews); the guard adds what only matters for merging (draft, WIP words, approvals,
 * allowed bases, dependencies). It names every reason at once, never only the first.
 */

export const MERGE_STATE_STATUSES = [
  'BEHIND',
  'BLOCKED',
  'CLEAN',
  'DIRTY',
  'DRAFT',
  'HAS_HOOKS',
  'UNKNOWN',
  'UNSTABLE',
] as const;

/** The gate's facts plus the ones only a merge needs. */
export const MergeFactsSchema = PrFactsSchema.extend({
  isDraft: z.boolean(),
  labels: z.array(z.string()).default([]),
  mergeStateStatus: z.enum(MERGE_STATE_STATUSES).default('UNKNOWN'),
});
export type MergeFacts = z.infer<typeof MergeFactsSchema>;
export type MergeFactsInput = z.input<typeof MergeFactsSchema>;

export const DependencyFactSchema = z.object({
  /** How the reason names it, e.g. `#12 (task t1)`. */
  label: z.string().min(1),
  merged: z.boolean(),
});

export const MergeGuardInputSchema = z.object({
  facts: MergeFactsSchema,
  /** The head the queue brought up to date and waited CI on; default: the facts' head. */
  expectedHeadSha: z.string().min(1).optional(),
  defaultBranch: z.string().min(1),
  /** Bases Drover may merge into; default: only the repository's default branch. */
  allowedBases: z.array(z.string().min(1)).optional(),
  /** Approving reviews branch protection requires (required_approving_review_count). */
  requiredApprovals: z.number().int().nonnegative().default(0),
  /** The `requireApproval` setting: at least one approval even without branch protection. */
  requireApproval: z.boolean().default(false),
  /** Status checks branch protection requires by name: each must have reported on the head. */
  requiredChecks: z.array(z.string().min(1)).default([]),
  /** false: a repository without CI merges when no check reported at all (the default waits for one). */
  ciRequired: z.boolean().default(true),
  dependencies: z.array(DependencyFactSchema).default([]),
});
export type MergeGuardInput = z.input<typeof MergeGuardInputSchema>;

export const GUARD_CODES = [
  'not-open',
  'head-moved',
  'draft',
  'wip',
  'base-not-allowed',
  'conflict',
  'behind',
  'mergeability-unknown',
  'ci-failed',
  'ci-pending',
  'required-check-missing',
  'unresolved-thread',
  'changes-requested',
  'approval-missing',
  'dependency-unmerged',
  'blocked',
] as const;
export type GuardCode = (typeof GUARD_CODES)[number];

export interface GuardProblem {
  code: GuardCode;
  reason: string;
}

/**
 * `waiting` is true when every problem is one that time alone may clear (CI still running,
 * GitHub still computing mergeability): the queue looks again instead of refusing.
 */
export type MergeVerdict = { ok: true } | { ok: false; reasons: string[]; problems: GuardProblem[]; waiting: boolean };

const WAITABLE = new Set<GuardCode>(['ci-pending', 'mergeability-unknown']);

/** "WIP", "[WIP]", "wip:", "work in progress", "do not merge", "don't merge", "do-not-merge" — any case. */
const HOLD_WORDS: readonly RegExp[] = [
  /\bwip\b/i,
  /\bwork[\s_-]*in[\s_-]*progress\b/i,
  /\bdo[\s_-]*not[\s_-]*merge\b/i,
  /\bdon['’]?t[\s_-]*merge\b/i,
];

/** The hold word in a title or label, or undefined. */
export function holdWord(text: string): string | undefined {
  for (const re of HOLD_WORDS) {
    const m = re.exec(text);
    if (m) return m[0];
  }
  return undefined;
}

const short = (sha: string): string => sha.slice(0, 10);

function stateProblems(input: z.output<typeof MergeGuardInputSchema>): GuardProblem[] {
  const { facts } = input;
  const out: GuardProblem[] = [];
  if (facts.state !== 'OPEN')
    out.push({ code: 'not-open', reason: `the pull request is ${facts.state.toLowerCase()}` });
  const expected = input.expectedHeadSha ?? facts.headSha;
  if (facts.headSha !== expected)
    out.push({
      code: 'head-moved',
      reason: `the head moved to ${short(facts.headSha)} after the queue checked ${short(expected)}; it is checked again from the start`,
    });
  if (facts.isDraft || facts.mergeStateStatus === 'DRAFT')
    out.push({ code: 'draft', reason: 'the pull request is a draft' });
  const titleWord = holdWord(facts.title);
  if (titleWord) out.push({ code: 'wip', reason: `the title says "${titleWord}": "${facts.title}"` });
  for (const label of facts.labels) {
    const word = holdWord(label);
    if (word) out.push({ code: 'wip', reason: `the label "${label}" says "${word}"` });
  }
  const allowed = input.allowedBases ?? [input.defaultBranch];
  if (!allowed.includes(facts.baseRefName))
    out.push({
      code: 'base-not-allowed',
      reason: `the base ${facts.baseRefName} is not one Drover may merge into (allowed: ${allowed.join(', ')})`,
    });
  return out;
}

function mergeabilityProblems(facts: MergeFacts): GuardProblem[] {
  if (facts.mergeable === 'CONFLICTING' || facts.mergeStateStatus === 'DIRTY')
    return [{ code: 'conflict', reason: `the branch ${facts.headRefName} conflicts with ${facts.baseRefName}` }];
  if (facts.mergeStateStatus === 'BEHIND')
    return [{ code: 'behind', reason: `the branch ${facts.headRefName} is behind ${facts.baseRefName}` }];
  if (facts.mergeable === 'UNKNOWN')
    return [{ code: 'mergeability-unknown', reason: 'GitHub has not computed whether the branch merges cleanly yet' }];
  return [];
}

function ciProblems(input: z.output<typeof MergeGuardInputSchema>): GuardProblem[] {
  const { facts } = input;
  const onHead = facts.checks.filter((c) => c.headSha === facts.headSha);
  const out: GuardProblem[] = [];
  for (const name of input.requiredChecks) {
    if (!onHead.some((c) => c.name === name))
      out.push({
        code: 'required-check-missing',
        reason: `the required check "${name}" has not reported on ${short(facts.headSha)}`,
      });
  }
  if (onHead.length === 0 && !input.ciRequired) return out;
  const ci = checkReasons(facts.checks, facts.headSha, facts.olderGreenSha);
  out.push(...ci.fail.map((reason): GuardProblem => ({ code: 'ci-failed', reason })));
  if (ci.pending) out.push({ code: 'ci-pending', reason: ci.pending });
  return out;
}

function reviewProblems(input: z.output<typeof MergeGuardInputSchema>): GuardProblem[] {
  const { facts } = input;
  const out: GuardProblem[] = [];
  for (const t of facts.threads) {
    if (!t.isResolved)
      out.push({
        code: 'unresolved-thread',
        reason: `review thread ${t.id} on ${t.path ?? '(no file)'}${t.line ? `:${t.line}` : ''} by ${t.first?.author ?? 'a reviewer'} is unresolved`,
      });
  }
  // A request for changes stands until its author approves or it is dismissed, even after new commits.
  const latest = decisiveReviews(facts);
  for (const r of latest.filter((x) => x.state === 'CHANGES_REQUESTED')) {
    out.push({
      code: 'changes-requested',
      reason: `${r.author} requested changes (${r.submittedAt ?? 'time unknown'}) and has not approved since`,
    });
  }
  const needed = Math.max(input.requiredApprovals, input.requireApproval ? 1 : 0);
  const approvals = latest.filter((x) => x.state === 'APPROVED').length;
  if (approvals < needed)
    out.push({
      code: 'approval-missing',
      reason: `${needed} approving review${needed > 1 ? 's are' : ' is'} required, ${approvals} given`,
    });
  return out;
}

/** Judges whether the merge queue may merge the pull request now. */
export function judgeMerge(raw: MergeGuardInput): MergeVerdict {
  const input = MergeGuardInputSchema.parse(raw);
  const problems = [
    ...stateProblems(input),
    ...mergeabilityProblems(input.facts),
    ...ciProblems(input),
    ...reviewProblems(input),
    ...input.dependencies
      .filter((d) => !d.merged)
      .map((d): GuardProblem => ({
        code: 'dependency-unmerged',
        reason: `the dependency ${d.label} is not merged yet`,
      })),
  ];
  // BLOCKED with no reason of ours: a protection rule Drover does not read (signed commits, …).
  if (input.facts.mergeStateStatus === 'BLOCKED' && problems.length === 0) {
    problems.push({
      code: 'blocked',
      reason: 'GitHub reports the merge as blocked by a branch protection rule Drover does not read',
    });
  }
  if (problems.length === 0) return { ok: true };
  return {
    ok: false,
    reasons: problems.map((p) => p.reason),
    problems,
    waiting: problems.every((p) => WAITABLE.has(p.code)),
  };
}
