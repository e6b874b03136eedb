/**
 * Opening and editing pull requests through the API (REST and GraphQL share these): GitHub's
 * validation — both branches exist, commits between them, one open PR per head and base — and
 * its 422 messages. A refusal throws `PullOpError`, which each API renders its own way.
 */
import { commitsBetween } from './git-refs.js';
import type { PullViewer } from './pull-view.js';
import type { GithubStore, StoredPull, StoredRepo } from './store.js';
import { createPull, touch } from './store-pulls.js';

/** GitHub's `errors[]` entry of a 422 Validation Failed. */
export interface ValidationItem {
  resource: string;
  code: string;
  field?: string;
  message?: string;
}

/** A refusal with GitHub's status and message (and, for 422 Validation Failed, its `errors`). */
export class PullOpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors?: ValidationItem[],
  ) {
    super(message);
  }
}

const invalid = (...errors: ValidationItem[]): PullOpError => new PullOpError(422, 'Validation Failed', errors);
const custom = (message: string): PullOpError => invalid({ resource: 'PullRequest', code: 'custom', message });

export interface PullOps {
  store: GithubStore;
  viewer: PullViewer;
  /** The API caller: the emulator does not map tokens to users. */
  login: string;
}

export interface OpenPull {
  title?: string;
  head?: string;
  base?: string;
  body?: string | null;
  draft?: boolean;
  maintainerCanModify?: boolean;
}

/** `owner:branch` names a branch of this repository (there are no forks here). */
function branchOf(repo: StoredRepo, ref: string): string | undefined {
  const at = ref.indexOf(':');
  if (at < 0) return ref;
  return ref.slice(0, at).toLowerCase() === repo.owner.toLowerCase() ? ref.slice(at + 1) : undefined;
}

const openWith = (repo: StoredRepo, head: string, base: string, except?: StoredPull): StoredPull | undefined =>
  [...repo.pulls.values()].find((p) => p !== except && p.issue.state === 'open' && p.head === head && p.base === base);

/** `POST /pulls` and `createPullRequest`: checks as GitHub does, in its order, then opens the PR. */
export async function openPull(ops: PullOps, repo: StoredRepo, input: OpenPull): Promise<StoredPull> {
  if (!repo.bare) throw new PullOpError(404, 'Not Found');
  const missing = (['title', 'head', 'base'] as const).filter((f) => typeof input[f] !== 'string' || input[f] === '');
  if (missing.length > 0)
    throw invalid(...missing.map((field) => ({ resource: 'PullRequest', code: 'missing_field', field })));
  const head = branchOf(repo, input.head ?? '');
  const base = input.base ?? '';
  const tips = await ops.viewer.branches(repo);
  const bad: ValidationItem[] = [];
  if (!head || !tips.has(head)) bad.push({ resource: 'PullRequest', field: 'head', code: 'invalid' });
  if (!tips.has(base)) bad.push({ resource: 'PullRequest', field: 'base', code: 'invalid' });
  if (bad.length > 0 || !head) throw invalid(...bad);
  if (openWith(repo, head, base)) {
    repo.duplicatePullsRefused += 1;
    throw custom(`A pull request already exists for ${repo.owner}:${head}.`);
  }
  const headSha = tips.get(head) ?? '';
  if ((await commitsBetween(repo.bare, tips.get(base) ?? '', headSha)).length === 0)
    throw custom(`No commits between ${base} and ${head}`);
  const pull = createPull(ops.store, repo, {
    head,
    base,
    title: input.title ?? '',
    body: input.body ?? null,
    author: ops.login,
    draft: input.draft ?? false,
    maintainerCanModify: input.maintainerCanModify ?? false,
  });
  pull.observedHead = headSha;
  return pull;
}

export interface EditPull {
  title?: string;
  body?: string | null;
  state?: 'open' | 'closed';
  base?: string;
  maintainerCanModify?: boolean;
}

/** `PATCH /pulls/{n}` and `updatePullRequest`: title, body, close/reopen, retarget the base. */
export async function editPull(ops: PullOps, repo: StoredRepo, pull: StoredPull, input: EditPull): Promise<StoredPull> {
  if (input.title !== undefined && input.title.trim() === '')
    throw invalid({ resource: 'PullRequest', code: 'missing_field', field: 'title' });
  if (input.base !== undefined && input.base !== pull.base) {
    if (pull.issue.state !== 'open') throw custom('Cannot change the base branch of a closed pull request.');
    const tips = await ops.viewer.branches(repo);
    if (!tips.has(input.base) || input.base === pull.head)
      throw invalid({ resource: 'PullRequest', field: 'base', code: 'invalid' });
    if (openWith(repo, pull.head, input.base, pull))
      throw custom(`A pull request already exists for ${repo.owner}:${pull.head}.`);
  }
  if (input.state === 'open' && pull.issue.state === 'closed') {
    if (pull.merged) throw custom('Cannot reopen a merged pull request.');
    if (openWith(repo, pull.head, input.base ?? pull.base, pull))
      throw custom(`A pull request already exists for ${repo.owner}:${pull.head}.`);
    if (!(await ops.viewer.branches(repo)).has(pull.head))
      throw custom('Cannot reopen a pull request whose head branch was deleted.');
  }
  if (input.title !== undefined) pull.issue.title = input.title;
  if (input.body !== undefined) pull.issue.body = input.body;
  if (input.base !== undefined) pull.base = input.base;
  if (input.maintainerCanModify !== undefined) pull.maintainerCanModify = input.maintainerCanModify;
  if (input.state !== undefined && input.state !== pull.issue.state) setState(ops.store, pull, input.state);
  touch(ops.store, pull);
  return pull;
}

export function setState(store: GithubStore, pull: StoredPull, state: 'open' | 'closed'): void {
  pull.issue.state = state;
  if (state === 'closed') pull.issue.closedAt = store.stamp();
  else delete pull.issue.closedAt;
}

/** `markPullRequestReadyForReview` / `convertPullRequestToDraft`. */
export function setDraft(store: GithubStore, pull: StoredPull, draft: boolean): StoredPull {
  if (pull.issue.state !== 'open')
    throw new PullOpError(422, draft ? 'Could not convert a closed pull request to draft.' : 'Pull request is closed.');
  pull.draft = draft;
  touch(store, pull);
  return pull;
}
