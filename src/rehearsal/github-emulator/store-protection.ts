/**
 * Classic branch protection: the PUT body (validated), GitHub's GET/PUT shape, and what it
 * demands of a PR — required checks (and, when `strict`, a head that contains its base) and
 * required approving reviews. `mergeState` turns that into GitHub's `mergeable_state` and the
 * 405 message a refused merge answers with.
 */
import { z } from 'zod';
import type { PullView } from './pull-view.js';
import type { StoredCheckRun, StoredProtection, StoredRepo, StoredReview, StoredStatus } from './store.js';
import { checkRunsFor, statusesFor } from './store-checks.js';
import { reviewsOf } from './store-pulls.js';

const enabled = z.boolean().nullable().optional();
/** The PUT body: the four required keys may be null (off), as GitHub's schema says. */
export const protectionBody = z
  .object({
    required_status_checks: z
      .object({
        strict: z.boolean(),
        contexts: z.array(z.string()).optional(),
        checks: z.array(z.object({ context: z.string().min(1), app_id: z.number().int().optional() })).optional(),
      })
      .nullable(),
    enforce_admins: z.boolean().nullable(),
    required_pull_request_reviews: z
      .object({
        dismiss_stale_reviews: z.boolean().optional(),
        require_code_owner_reviews: z.boolean().optional(),
        required_approving_review_count: z.number().int().min(0).max(6).optional(),
      })
      .passthrough()
      .nullable(),
    restrictions: z.unknown().nullable(),
    required_linear_history: enabled,
    allow_force_pushes: enabled,
    allow_deletions: enabled,
    required_conversation_resolution: enabled,
  })
  .passthrough();

export function toProtection(body: z.infer<typeof protectionBody>): StoredProtection {
  const checks = body.required_status_checks;
  const reviews = body.required_pull_request_reviews;
  return {
    requiredStatusChecks: checks
      ? {
          strict: checks.strict,
          contexts: [...new Set([...(checks.contexts ?? []), ...(checks.checks ?? []).map((c) => c.context)])],
        }
      : null,
    requiredApprovingReviewCount: reviews ? (reviews.required_approving_review_count ?? 1) : null,
    dismissStaleReviews: reviews?.dismiss_stale_reviews ?? false,
    requireCodeOwnerReviews: reviews?.require_code_owner_reviews ?? false,
    enforceAdmins: body.enforce_admins ?? false,
    requiredLinearHistory: body.required_linear_history ?? false,
    allowForcePushes: body.allow_force_pushes ?? false,
    allowDeletions: body.allow_deletions ?? false,
    requiredConversationResolution: body.required_conversation_resolution ?? false,
  };
}

/** `GET`/`PUT /repos/{o}/{r}/branches/{branch}/protection` as GitHub answers them. */
export function renderProtection(p: StoredProtection, url: string): Record<string, unknown> {
  const checks = p.requiredStatusChecks;
  return {
    url,
    ...(checks
      ? {
          required_status_checks: {
            url: `${url}/required_status_checks`,
            strict: checks.strict,
            contexts: checks.contexts,
            checks: checks.contexts.map((context) => ({ context, app_id: null })),
            contexts_url: `${url}/required_status_checks/contexts`,
          },
        }
      : {}),
    ...(p.requiredApprovingReviewCount !== null
      ? {
          required_pull_request_reviews: {
            url: `${url}/required_pull_request_reviews`,
            dismiss_stale_reviews: p.dismissStaleReviews,
            require_code_owner_reviews: p.requireCodeOwnerReviews,
            required_approving_review_count: p.requiredApprovingReviewCount,
            require_last_push_approval: false,
          },
        }
      : {}),
    required_signatures: { url: `${url}/required_signatures`, enabled: false },
    enforce_admins: { url: `${url}/enforce_admins`, enabled: p.enforceAdmins },
    required_linear_history: { enabled: p.requiredLinearHistory },
    allow_force_pushes: { enabled: p.allowForcePushes },
    allow_deletions: { enabled: p.allowDeletions },
    block_creations: { enabled: false },
    required_conversation_resolution: { enabled: p.requiredConversationResolution },
    lock_branch: { enabled: false },
    allow_fork_syncing: { enabled: false },
  };
}

type CheckOutcome = 'passing' | 'failing' | 'expected';
const PASSING = new Set(['success', 'neutral', 'skipped']);

/** The latest check run or status named `name` on the commit, as one verdict (missing or pending: expected). */
function outcome(name: string, runs: StoredCheckRun[], statuses: StoredStatus[]): CheckOutcome {
  const run = runs.find((r) => r.name === name);
  const status = statuses.find((s) => s.context === name);
  const verdicts: CheckOutcome[] = [];
  if (run)
    verdicts.push(run.status !== 'completed' ? 'expected' : PASSING.has(run.conclusion ?? '') ? 'passing' : 'failing');
  if (status)
    verdicts.push(status.state === 'success' ? 'passing' : status.state === 'pending' ? 'expected' : 'failing');
  if (verdicts.includes('failing')) return 'failing';
  return verdicts.includes('passing') && !verdicts.includes('expected') ? 'passing' : 'expected';
}

/** GitHub's 405 wording for required checks that have not passed. */
function checksMessage(required: string[], verdicts: CheckOutcome[]): string | undefined {
  const expected = verdicts.filter((v) => v === 'expected').length;
  const failing = verdicts.filter((v) => v === 'failing').length;
  if (expected + failing === 0) return undefined;
  if (required.length === 1)
    return `Required status check "${required[0] ?? ''}" is ${failing ? 'failing' : 'expected'}.`;
  if (failing === 0) return `${expected} of ${required.length} required status checks are expected.`;
  const parts = [expected ? `${expected} expected` : '', `${failing} failing`].filter((s) => s !== '');
  return `${expected + failing} of ${required.length} required status checks have not succeeded: ${parts.join(' and ')}.`;
}

/** Approvals that count: each reviewer's latest decisive review, not the PR's author. */
function reviewVerdict(reviews: StoredReview[], prAuthor: string): { approvals: number; changesRequested: boolean } {
  const latest = new Map<string, StoredReview['state']>();
  for (const r of reviews) if (r.author !== prAuthor && r.state !== 'COMMENTED') latest.set(r.author, r.state);
  const states = [...latest.values()];
  return {
    approvals: states.filter((s) => s === 'APPROVED').length,
    changesRequested: states.includes('CHANGES_REQUESTED'),
  };
}

export type MergeableState = 'behind' | 'blocked' | 'clean' | 'dirty' | 'draft' | 'unknown' | 'unstable';

export interface MergeState {
  state: MergeableState;
  /** Why a merge is refused by protection (GitHub's 405 message), when it is. */
  refusal?: string;
  /** `REVIEW_REQUIRED` when protection asks for approvals that are not there. */
  reviewRequired: boolean;
}

/** `mergeable_state` of a PR as GitHub computes it, and the protection refusal if any. */
export function mergeState(view: PullView): MergeState {
  const { repo, pull } = view;
  if (pull.merged || pull.issue.state !== 'open') return { state: 'unknown', reviewRequired: false };
  const protection = repo.protections.get(pull.base);
  const refusal = protection && view.headSha ? protectionRefusal(repo, view, protection) : undefined;
  const reviewRequired = refusal?.kind === 'reviews' && !refusal.changesRequested;
  if (view.mergeable === false) return { state: 'dirty', refusal: refusal?.message, reviewRequired };
  if (pull.draft) return { state: 'draft', refusal: refusal?.message, reviewRequired };
  if (view.mergeable === null) return { state: 'unknown', refusal: refusal?.message, reviewRequired };
  if (refusal)
    return { state: refusal.kind === 'behind' ? 'behind' : 'blocked', refusal: refusal.message, reviewRequired };
  const required = new Set(protection?.requiredStatusChecks?.contexts ?? []);
  const runs = checkRunsFor(repo, view.headSha ?? '').filter((r) => !required.has(r.name));
  const statuses = statusesFor(repo, view.headSha ?? '').filter((s) => !required.has(s.context));
  const names = [...new Set([...runs.map((r) => r.name), ...statuses.map((s) => s.context)])];
  const unstable = names.some((n) => outcome(n, runs, statuses) !== 'passing');
  return { state: unstable ? 'unstable' : 'clean', reviewRequired: false };
}

function protectionRefusal(
  repo: StoredRepo,
  view: PullView,
  p: StoredProtection,
): { kind: 'behind' | 'checks' | 'reviews'; message: string; changesRequested?: boolean } | undefined {
  const checks = p.requiredStatusChecks;
  if (checks && checks.contexts.length > 0) {
    // Strict: checks on a head that lacks the base's tip do not count; GitHub reports them as expected.
    const behind = checks.strict && view.behind === true;
    const runs = checkRunsFor(repo, view.headSha ?? '');
    const statuses = statusesFor(repo, view.headSha ?? '');
    const verdicts = checks.contexts.map((c) => (behind ? 'expected' : outcome(c, runs, statuses)));
    const message = checksMessage(checks.contexts, verdicts);
    if (message) return { kind: behind ? 'behind' : 'checks', message };
  } else if (checks?.strict && view.behind === true) {
    return { kind: 'behind', message: 'Head branch is out of date. Review and try the merge again.' };
  }
  const count = p.requiredApprovingReviewCount;
  if (count !== null) {
    const { approvals, changesRequested } = reviewVerdict(
      reviewsOf(repo, view.pull.issue.number),
      view.pull.issue.author,
    );
    if (changesRequested)
      return {
        kind: 'reviews',
        changesRequested,
        message: 'Changes have been requested by reviewers with write access.',
      };
    if (approvals < count) {
      return {
        kind: 'reviews',
        message: `At least ${count} approving review${count === 1 ? ' is' : 's are'} required by reviewers with write access.`,
      };
    }
  }
  return undefined;
}
