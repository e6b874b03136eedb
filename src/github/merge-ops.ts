/**
 * What the merge queue does on GitHub, each step safe to repeat after a worker kill: read the
 * facts the merge guard judges (the PR gate's facts plus draft, labels, merge state and the base
 * branch's protection), bring a PR up to date with its base (GitHub's update-branch, a merge:
 * never a force-push), retarget a stacked PR, merge at an exact head, delete the head branch.
 */
import type { MergeFactsInput } from '../domain/merge-guard.js';
import { MERGE_STATE_STATUSES } from '../domain/merge-guard.js';
import type { MergeMethod } from '../domain/pr-pipeline.js';
import type { PrRef } from '../domain/pull-request.js';
import type { GithubClient } from './client.js';
import { fetchPrFacts } from './pr-facts.js';

export interface MergeFactsRead {
  facts: MergeFactsInput;
  defaultBranch: string;
  requiredChecks: string[];
  requiredApprovals: number;
}

const statusOf = (err: unknown): number | undefined =>
  typeof (err as { status?: unknown }).status === 'number' ? (err as { status: number }).status : undefined;
const messageOf = (err: unknown): string => {
  const data = (err as { response?: { data?: { message?: unknown } } }).response?.data;
  return typeof data?.message === 'string' ? data.message : err instanceof Error ? err.message : String(err);
};

type MergeState = (typeof MERGE_STATE_STATUSES)[number];
function mergeStateOf(restState: string | undefined): MergeState {
  const upper = (restState ?? 'unknown').toUpperCase();
  return (MERGE_STATE_STATUSES as readonly string[]).includes(upper) ? (upper as MergeState) : 'UNKNOWN';
}

/** Branch protection on `base`: required check names and approving reviews; none when unprotected. */
export async function readProtection(
  gh: GithubClient,
  owner: string,
  repo: string,
  base: string,
): Promise<{ requiredChecks: string[]; requiredApprovals: number }> {
  try {
    const got = await gh.rest.repos.getBranchProtection({ owner, repo, branch: base });
    const checks = got.data.required_status_checks;
    const names = [...(checks?.contexts ?? []), ...(checks?.checks ?? []).map((c) => c.context)];
    return {
      requiredChecks: [...new Set(names)],
      requiredApprovals: got.data.required_pull_request_reviews?.required_approving_review_count ?? 0,
    };
  } catch (error) {
    if (statusOf(error) === 404) return { requiredChecks: [], requiredApprovals: 0 };
    throw error;
  }
}

/** Everything the merge guard needs about one PR, now. */
export async function readMergeFacts(
  gh: GithubClient,
  pr: PrRef,
  options: { threadPageSize?: number; apiUrl?: string; defaultBranch?: string } = {},
): Promise<MergeFactsRead> {
  const rest = (await gh.rest.pulls.get({ owner: pr.owner, repo: pr.repo, pull_number: pr.number })).data;
  const facts = await fetchPrFacts(gh, pr, options);
  // the default branch does not change while one PR waits for CI: the caller passes it after the first read
  const defaultBranch =
    options.defaultBranch ?? (await gh.rest.repos.get({ owner: pr.owner, repo: pr.repo })).data.default_branch;
  const protection = await readProtection(gh, pr.owner, pr.repo, rest.base.ref);
  return {
    facts: {
      ...facts,
      isDraft: rest.draft ?? false,
      labels: rest.labels.map((l) => l.name ?? '').filter(Boolean),
      mergeStateStatus: mergeStateOf(rest.mergeable_state),
    },
    defaultBranch,
    ...protection,
  };
}

export type UpdateOutcome =
  | { kind: 'up-to-date'; head: string }
  | { kind: 'updated'; head: string }
  | { kind: 'conflict'; reason: string }
  | { kind: 'merged'; mergeCommit: string | null }
  | { kind: 'closed' }
  | { kind: 'head-moved'; head: string };

/**
 * Brings the PR up to date with its base by GitHub's update-branch (a merge commit on the head,
 * at `expectedHead` only). GitHub makes the new head asynchronously: wait for it.
 */
export async function bringUpToDate(
  gh: GithubClient,
  pr: PrRef,
  expectedHead: string,
  sleep: (ms: number) => Promise<void>,
): Promise<UpdateOutcome> {
  const read = async () => (await gh.rest.pulls.get({ owner: pr.owner, repo: pr.repo, pull_number: pr.number })).data;
  const now = await read();
  if (now.merged) return { kind: 'merged', mergeCommit: now.merge_commit_sha ?? null };
  if (now.state === 'closed') return { kind: 'closed' };
  if (now.head.sha !== expectedHead) return { kind: 'head-moved', head: now.head.sha };
  try {
    await gh.rest.pulls.updateBranch({
      owner: pr.owner,
      repo: pr.repo,
      pull_number: pr.number,
      expected_head_sha: expectedHead,
    });
  } catch (error) {
    const message = messageOf(error);
    if (/no new commits/i.test(message)) return { kind: 'up-to-date', head: expectedHead };
    if (/conflict/i.test(message))
      return { kind: 'conflict', reason: `${now.head.ref} conflicts with ${now.base.ref} (${message})` };
    throw error;
  }
  for (let i = 0; i < 60; i += 1) {
    const after = await read();
    if (after.head.sha !== expectedHead) return { kind: 'updated', head: after.head.sha };
    await sleep(1000);
  }
  throw new Error(`GitHub accepted update-branch on #${pr.number} but the head did not move within 60 s`);
}

/** Points a stacked PR at a new base (its dependency merged); nothing when it already is. */
export async function retarget(gh: GithubClient, pr: PrRef, base: string): Promise<{ from: string; changed: boolean }> {
  const now = (await gh.rest.pulls.get({ owner: pr.owner, repo: pr.repo, pull_number: pr.number })).data;
  if (now.base.ref === base) return { from: base, changed: false };
  await gh.rest.pulls.update({ owner: pr.owner, repo: pr.repo, pull_number: pr.number, base });
  return { from: now.base.ref, changed: true };
}

export type MergeResult = { merged: true; mergeCommit: string; already: boolean } | { merged: false; reason: string };

/**
 * Merges at exactly `head` (GitHub refuses when the head moved). Looked up first, so a repeat after
 * a worker kill finds the merge already done instead of merging or failing twice.
 */
export async function mergeAt(gh: GithubClient, pr: PrRef, head: string, method: MergeMethod): Promise<MergeResult> {
  const now = (await gh.rest.pulls.get({ owner: pr.owner, repo: pr.repo, pull_number: pr.number })).data;
  if (now.merged) return { merged: true, mergeCommit: now.merge_commit_sha ?? '', already: true };
  if (now.state === 'closed') return { merged: false, reason: 'the pull request was closed' };
  try {
    const got = await gh.rest.pulls.merge({
      owner: pr.owner,
      repo: pr.repo,
      pull_number: pr.number,
      sha: head,
      merge_method: method,
      request: { retries: 0 },
    });
    return { merged: true, mergeCommit: got.data.sha, already: false };
  } catch (error) {
    const status = statusOf(error);
    if (status === 405 || status === 409 || status === 422)
      return { merged: false, reason: `GitHub refused the merge (${status}: ${messageOf(error)})` };
    throw error;
  }
}

/** Deletes a merged PR's head branch; already gone (GitHub's delete_branch_on_merge) is fine. */
export async function deleteHeadBranch(
  gh: GithubClient,
  owner: string,
  repo: string,
  branch: string,
): Promise<boolean> {
  try {
    await gh.rest.git.deleteRef({ owner, repo, ref: `heads/${branch}` });
    return true;
  } catch (error) {
    if (statusOf(error) === 422 || statusOf(error) === 404) return false;
    throw error;
  }
}
