import { z } from 'zod';
import { CheckRollupStateSchema, isFailingRollup } from './check-conclusion.js';
import { SupervisionPolicySchema } from './task.js';

const REPO = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/;

export const MonitorInputSchema = z.object({
  /** `OWNER/REPO` each; scanned together in one batched GraphQL request per cycle. */
  repos: z
    .array(z.string().regex(REPO, { error: 'a repository is OWNER/REPO' }))
    .min(1, { error: 'name at least one OWNER/REPO' })
    .max(50, { error: 'at most 50 repositories per monitor' }),
  label: z.string().min(1).optional(),
  author: z.string().min(1).optional(),
  /** Fix workflows started or attached per cycle, at most (the concurrency cap). */
  max: z.number().int().positive().max(100).default(5),
  /** Open pull requests read per repository per cycle (1-100). */
  pageSize: z.number().int().min(1).max(100).default(50),
  steps: z.array(z.string()).default(['pr-address', 'pr-test']),
  agent: z.string().default('claude'),
  policy: SupervisionPolicySchema.partial().optional(),
  /** Where fix workflows run (default: the monitor's own task queue). */
  fixTaskQueue: z.string().optional(),
});
export type MonitorInput = z.input<typeof MonitorInputSchema>;
export type ResolvedMonitorInput = z.output<typeof MonitorInputSchema>;

/** What one scan knows about an open pull request. */
export const MonitoredPrSchema = z.object({
  owner: z.string(),
  repo: z.string(),
  number: z.number().int(),
  title: z.string(),
  isDraft: z.boolean(),
  author: z.string(),
  labels: z.array(z.string()),
  mergeable: z.enum(['MERGEABLE', 'CONFLICTING', 'UNKNOWN']),
  reviewDecision: z.enum(['APPROVED', 'CHANGES_REQUESTED', 'REVIEW_REQUIRED']).nullable(),
  /** statusCheckRollup.state of the head commit (null: no checks). */
  checks: CheckRollupStateSchema.nullable(),
  unresolvedThreads: z.number().int(),
  /** The head commit now: the attempt ledger is kept per head. */
  headSha: z.string().optional(),
});
export type MonitoredPr = z.infer<typeof MonitoredPrSchema>;

/** Why a pull request needs an agent; empty = healthy (or still running CI, which is not work yet). */
export function workNeeded(pr: MonitoredPr): string[] {
  const why: string[] = [];
  if (isFailingRollup(pr.checks)) why.push('failing checks');
  if (pr.mergeable === 'CONFLICTING') why.push('conflicts');
  if (pr.unresolvedThreads > 0)
    why.push(`${pr.unresolvedThreads} unresolved thread${pr.unresolvedThreads > 1 ? 's' : ''}`);
  if (pr.reviewDecision === 'CHANGES_REQUESTED') why.push('changes requested');
  return why;
}

export interface MonitorPick {
  pr: MonitoredPr;
  why: string[];
}

/** The pull requests to fix this cycle: not drafts, matching the filters, needing work, at most `max`. */
export function pickPullRequests(
  prs: readonly MonitoredPr[],
  input: Pick<ResolvedMonitorInput, 'label' | 'author' | 'max'>,
): { picked: MonitorPick[]; skipped: number } {
  const candidates: MonitorPick[] = [];
  for (const pr of prs) {
    if (pr.isDraft) continue;
    if (input.label && !pr.labels.includes(input.label)) continue;
    if (input.author && pr.author.toLowerCase() !== input.author.toLowerCase()) continue;
    const why = workNeeded(pr);
    if (why.length > 0) candidates.push({ pr, why });
  }
  return { picked: candidates.slice(0, input.max), skipped: Math.max(0, candidates.length - input.max) };
}
