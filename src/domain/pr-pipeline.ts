import { z } from 'zod';

/**
 * The pull-request pipeline's shared data (docs/pull-requests-pipeline.md): what a task is asked
 * to do with a PR (open one, merge it), what it records about the PR it opened, and the merge
 * request a task (or `drover merge`) sends to the merge queue. One place, so the task workflow,
 * the merge queue, the manifest run and the CLI read the same shapes.
 */

export const MergeMethodSchema = z.enum(['merge', 'squash', 'rebase']);
export type MergeMethod = z.infer<typeof MergeMethodSchema>;

/** How a guarded merge happens; `--merge` (or config) must ask for it, never a default. */
export const MergeSettingsSchema = z.object({
  method: MergeMethodSchema.default('squash'),
  /** Delete the head branch after the merge (GitHub's `delete_branch_on_merge` may do it too). */
  deleteBranch: z.boolean().default(true),
  /** Bases a PR may merge into; absent: the repository's default branch only. */
  allowedBases: z.array(z.string().min(1)).min(1).optional(),
  /** At least one approving review even when branch protection asks for none. */
  requireApproval: z.boolean().default(false),
  /** False lets a repository without any CI merge (no check on the head is then not a refusal). */
  ciRequired: z.boolean().default(true),
});
export type MergeSettings = z.output<typeof MergeSettingsSchema>;
export type MergeSettingsInput = z.input<typeof MergeSettingsSchema>;

/** A dependency whose work a task starts from (its branch), with its PR once it has one. */
export const StackedOnSchema = z.object({
  taskId: z.string().min(1),
  branch: z.string().min(1),
  prNumber: z.number().int().positive().optional(),
});
export type StackedOn = z.infer<typeof StackedOnSchema>;

/** `TaskInput.openPr`: once verified, Drover opens (or updates) a PR for the task branch on this repository. */
export const OpenPrSchema = z.object({
  owner: z.string().min(1),
  repo: z.string().min(1),
  /** The branch the PR merges into in the end; absent: the repository's default branch. */
  base: z.string().min(1).optional(),
  /** The manifest `title`; absent: the objective's first line. */
  title: z.string().optional(),
  /** The issue the PR closes ("Closes #N"). */
  issue: z.number().int().positive().optional(),
  /** Dependencies: one → the task branches from it and its PR is based on it; several → merged in first. */
  stackedOn: z.array(StackedOnSchema).default([]),
  /** The Web UI's workflows page (`…/namespaces/<ns>/workflows`); the task links its own page from the PR body. */
  webUiUrl: z.string().optional(),
});
export type OpenPr = z.output<typeof OpenPrSchema>;

export const PullRequestStateSchema = z.enum(['open', 'merged', 'closed']);

/** The PR a task opened, as its state, result, manifest row and `drover status` show it. */
export const TaskPullRequestSchema = z.object({
  owner: z.string(),
  repo: z.string(),
  number: z.number().int().positive(),
  url: z.string(),
  /** The PR's base now (after a retarget, the default branch). */
  base: z.string(),
  /** The base it was opened on (a dependency's branch for a stacked PR). */
  baseAtOpen: z.string(),
  /** The head Drover last pushed and verified. */
  head: z.string(),
  openedAt: z.string(),
  state: PullRequestStateSchema,
  mergeCommit: z.string().optional(),
  mergedAt: z.string().optional(),
  /** The merge queue's last refusal, every reason. */
  refused: z.array(z.string()).optional(),
});
export type TaskPullRequest = z.infer<typeof TaskPullRequestSchema>;

/**
 * What a task (or `drover merge`) sends to the merge queue `merge-queue/<owner>/<repo>/<base>`:
 * the PR at a head, the PRs that must merge first, how to merge, and where to report the outcome.
 */
export const MergeRequestSchema = z.object({
  number: z.number().int().positive(),
  headSha: z.string().min(7),
  dependsOn: z.array(z.number().int().positive()).default([]),
  taskId: z.string().optional(),
  /** The workflow that receives `mergeOutcome` (a task); absent for `drover merge`. */
  replyTo: z.string().optional(),
  settings: MergeSettingsSchema.default(MergeSettingsSchema.parse({})),
});
export type MergeRequest = z.input<typeof MergeRequestSchema>;

/** The queue's answer to the requester (signal `mergeOutcome`). */
export const MergeOutcomeSchema = z.object({
  number: z.number().int().positive(),
  headSha: z.string(),
  outcome: z.enum(['merged', 'refused', 'withdrawn']),
  at: z.string(),
  mergeCommit: z.string().optional(),
  reasons: z.array(z.string()).default([]),
  /** The merge guard's problem codes behind a refusal. */
  codes: z.array(z.string()).default([]),
});
export type MergeOutcome = z.infer<typeof MergeOutcomeSchema>;

/**
 * Refusals the task's agent can fix in its worktree (red CI, a change request, an open thread, a
 * conflict): the task re-briefs it and queues the new head. Anything else (draft, hold word, base,
 * approvals, a branch rule) needs a human: the task ends with the reasons.
 */
const AGENT_FIXABLE = new Set(['ci-failed', 'changes-requested', 'unresolved-thread', 'conflict']);
export function refusalNeedsAgent(outcome: Pick<MergeOutcome, 'outcome' | 'codes'>): boolean {
  return outcome.outcome === 'refused' && outcome.codes.some((c) => AGENT_FIXABLE.has(c));
}
