/** Pull requests, their reviews and issue comments: creation and the in-memory queries over them. */
import { isBranchName } from './git-refs.js';
import {
  nodeId,
  type GithubStore,
  type ReviewState,
  type StoredComment,
  type StoredPull,
  type StoredRepo,
  type StoredReview,
} from './store.js';

export interface NewPullRequest {
  head: string;
  base: string;
  title: string;
  body?: string | null;
  author?: string;
  labels?: string[];
  draft?: boolean;
  maintainerCanModify?: boolean;
}

export interface NewReview {
  state: Exclude<ReviewState, 'DISMISSED'>;
  body?: string;
  author?: string;
  /** Defaults to the PR's head SHA now. */
  commitId?: string;
  /** ISO time; defaults to now. */
  submittedAt?: string;
}

export function createPull(store: GithubStore, repo: StoredRepo, input: NewPullRequest): StoredPull {
  for (const ref of [input.head, input.base]) if (!isBranchName(ref)) throw new Error(`"${ref}" is not a branch name`);
  const issue = store.addIssueRecord(repo.owner, repo.name, {
    title: input.title,
    body: input.body ?? null,
    labels: input.labels ?? [],
    author: input.author ?? 'octocat',
    isPullRequest: true,
  });
  const pull: StoredPull = {
    issue,
    head: input.head,
    base: input.base,
    draft: input.draft ?? false,
    updatedAt: issue.createdAt,
    maintainerCanModify: input.maintainerCanModify ?? false,
    mergeAttempts: 0,
  };
  repo.pulls.set(issue.number, pull);
  repo.pullsCreatedByHead.set(input.head, (repo.pullsCreatedByHead.get(input.head) ?? 0) + 1);
  return pull;
}

export function touch(store: GithubStore, pull: StoredPull): void {
  pull.updatedAt = store.stamp();
}

export function addReview(
  store: GithubStore,
  repo: StoredRepo,
  pull: StoredPull,
  input: NewReview & { commitId: string },
): StoredReview {
  const id = store.nextId();
  const review: StoredReview = {
    id,
    nodeId: nodeId('PRR', `${repo.id}:${id}`),
    number: pull.issue.number,
    state: input.state,
    body: input.body ?? '',
    author: input.author ?? 'reviewer',
    commitId: input.commitId,
    submittedAt: input.submittedAt ?? store.stamp(),
  };
  repo.reviews.push(review);
  touch(store, pull);
  return review;
}

export function reviewsOf(repo: StoredRepo, number: number): StoredReview[] {
  return repo.reviews.filter((r) => r.number === number);
}

/** GitHub's reviewDecision as if one approving review were required; null without decisive reviews. */
export function reviewDecision(reviews: StoredReview[]): 'APPROVED' | 'CHANGES_REQUESTED' | null {
  const latest = new Map<string, ReviewState>();
  for (const r of reviews)
    if (r.state === 'APPROVED' || r.state === 'CHANGES_REQUESTED' || r.state === 'DISMISSED')
      latest.set(r.author, r.state);
  const states = [...latest.values()];
  if (states.includes('CHANGES_REQUESTED')) return 'CHANGES_REQUESTED';
  return states.includes('APPROVED') ? 'APPROVED' : null;
}

export function addIssueComment(
  store: GithubStore,
  repo: StoredRepo,
  number: number,
  body: string,
  author: string,
): StoredComment {
  const id = store.nextId();
  const comment: StoredComment = {
    id,
    nodeId: nodeId('IC', `${repo.id}:${id}`),
    number,
    body,
    author,
    createdAt: store.stamp(),
  };
  repo.issueComments.push(comment);
  const pull = repo.pulls.get(number);
  if (pull) touch(store, pull);
  return comment;
}

export function issueCommentsOf(repo: StoredRepo, number: number): StoredComment[] {
  return repo.issueComments.filter((c) => c.number === number);
}
