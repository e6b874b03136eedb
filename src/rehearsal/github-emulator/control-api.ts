/**
 * The emulator's control API for tests and rehearsals: seed repositories (bare clones), pull
 * requests, review threads, reviews, check runs and statuses; set the CI rule; inspect state.
 * The HTTP form under `/_control/` (control-http.ts) calls exactly these methods.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { CiRunner, type CiRule } from './ci.js';
import { branches, cloneBare, headBranch } from './git-refs.js';
import type { PullViewer } from './pull-view.js';
import { cloneUrl } from './rest-shapes.js';
import type { GithubStore, NewIssue, StoredComment, StoredRepo, StoredThread } from './store.js';
import { mergeState, type MergeableState } from './store-protection.js';
import { addCheckRun, addStatus, type NewCheckRun, type NewStatus } from './store-checks.js';
import { addReview, createPull, type NewPullRequest, type NewReview } from './store-pulls.js';
import { addThread, addThreadComment, findThread, type NewThread } from './store-threads.js';

const NAME = /^[A-Za-z0-9_.-]+$/;

/** A failure the HTTP control API reports as 4xx with this message. */
export class ControlError extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export interface PullSnapshot {
  number: number;
  title: string;
  state: 'open' | 'closed';
  merged: boolean;
  mergeCommitSha: string | null;
  draft: boolean;
  labels: string[];
  head: string;
  headSha: string | null;
  base: string;
  baseSha: string | null;
  mergeable: boolean | null;
  /** GitHub's `mergeable_state` (protection included). */
  mergeableState: MergeableState;
  conflicts: string[];
}

/** What tests count to prove "no duplicate PRs or comments" and "nothing merged twice". */
export interface RepoCounters {
  /** Head branch → PRs created from it (API and control calls). */
  pullsCreatedByHead: Record<string, number>;
  /** Creations refused because an open PR had the same head and base. */
  duplicatePullsRefused: number;
  /** PR number → merge calls that reached it, and whether it is merged. */
  merges: Record<string, { attempts: number; merged: boolean }>;
  /** Issue or PR number → hidden marker (`<!-- … -->` in a comment body) → comments carrying it. */
  commentsByMarker: Record<string, Record<string, number>>;
}

const MARKER = /<!--[\s\S]*?-->/g;

export class EmulatorControl {
  constructor(
    private readonly store: GithubStore,
    private readonly viewer: PullViewer,
    private readonly ci: CiRunner,
    private readonly root: string,
  ) {}

  private gitRepo(owner: string, name: string): StoredRepo & { bare: string } {
    const repo = this.store.repo(owner, name);
    if (!repo?.bare) throw new ControlError(`no repository ${owner}/${name} with git; addRepo it first`, 404);
    return repo as StoredRepo & { bare: string };
  }

  private pullOf(owner: string, name: string, n: number) {
    const repo = this.gitRepo(owner, name);
    const pull = repo.pulls.get(n);
    if (!pull) throw new ControlError(`no pull request ${owner}/${name}#${n}`, 404);
    return { repo, pull };
  }

  private thread(id: string) {
    const found = findThread(this.store, id);
    if (!found) throw new ControlError(`no review thread ${id}`, 404);
    return found;
  }

  /** Clones `from` (a local repository path) `--bare` into `<root>/<owner>/<name>.git`. */
  async addRepo(
    owner: string,
    name: string,
    opts: { from: string },
  ): Promise<{ cloneUrl: string; bareRepoPath: string }> {
    if (!NAME.test(owner) || !NAME.test(name) || owner.startsWith('.') || name.startsWith('.'))
      throw new ControlError(`"${owner}/${name}" is not a valid repository name`);
    if (this.store.repo(owner, name)?.bare) throw new ControlError(`repository ${owner}/${name} already exists`, 409);
    const bare = path.join(this.root, owner, `${name}.git`);
    await mkdir(path.dirname(bare), { recursive: true });
    try {
      await cloneBare(path.resolve(opts.from), bare);
    } catch (error) {
      throw new ControlError((error as Error).message);
    }
    const repo = this.store.ensureRepo(owner, name);
    repo.bare = bare;
    repo.defaultBranch = await headBranch(bare);
    return { cloneUrl: cloneUrl(repo), bareRepoPath: bare };
  }

  addIssue(owner: string, repo: string, issue: NewIssue): number {
    return this.store.addIssue(owner, repo, issue);
  }

  /** Both branches must exist in the bare repository; returns the PR number (shared with issues). */
  async createPullRequest(owner: string, name: string, input: NewPullRequest): Promise<number> {
    const repo = this.gitRepo(owner, name);
    const tips = await branches(repo.bare);
    for (const ref of [input.head, input.base])
      if (!tips.has(ref)) throw new ControlError(`no branch "${ref}" in ${owner}/${name}`, 422);
    let pull;
    try {
      pull = createPull(this.store, repo, input);
    } catch (error) {
      throw new ControlError((error as Error).message, 422);
    }
    pull.observedHead = tips.get(input.head);
    return pull.issue.number;
  }

  /** A review thread on `path:line` at the PR's current head, with its first comment. */
  async addReviewThread(
    owner: string,
    name: string,
    n: number,
    input: NewThread,
  ): Promise<{ threadId: string; commentId: number }> {
    const { repo, pull } = this.pullOf(owner, name, n);
    const view = await this.viewer.view(repo, pull);
    const thread = addThread(this.store, repo, pull, view.headSha ?? '', input);
    return { threadId: thread.id, commentId: thread.comments[0]?.id ?? 0 };
  }

  async addThreadComment(threadId: string, input: { body: string; author?: string }): Promise<{ commentId: number }> {
    const { repo, thread, pull } = this.thread(threadId);
    const view = await this.viewer.view(repo, pull);
    const comment = addThreadComment(
      this.store,
      repo,
      pull,
      thread,
      input.body,
      input.author ?? 'reviewer',
      view.headSha ?? undefined,
    );
    return { commentId: comment.id };
  }

  resolveThread(threadId: string, by = 'reviewer'): void {
    this.thread(threadId).thread.resolvedBy = by;
  }

  unresolveThread(threadId: string): void {
    this.thread(threadId).thread.resolvedBy = null;
  }

  postCheckRun(owner: string, name: string, input: NewCheckRun): { id: number } {
    try {
      return { id: addCheckRun(this.store, this.gitRepo(owner, name), input).id };
    } catch (error) {
      throw error instanceof ControlError ? error : new ControlError((error as Error).message, 422);
    }
  }

  setCommitStatus(owner: string, name: string, sha: string, input: NewStatus): { id: number } {
    return { id: addStatus(this.store, this.gitRepo(owner, name), sha, input).id };
  }

  async submitReview(owner: string, name: string, n: number, input: NewReview): Promise<{ id: number }> {
    const { repo, pull } = this.pullOf(owner, name, n);
    const commitId = input.commitId ?? (await this.viewer.view(repo, pull)).headSha ?? '';
    return { id: addReview(this.store, repo, pull, { ...input, commitId }).id };
  }

  setCi(rule: CiRule | undefined): void {
    this.ci.set(rule);
  }

  /** Reads every open PR (observing new head SHAs, running the CI rule); returns the check runs created. */
  async tick(): Promise<number> {
    const before = this.store.allRepos().reduce((sum, r) => sum + r.checkRuns.length, 0);
    for (const repo of this.store.allRepos()) {
      if (repo.bare)
        await this.viewer.viewAll(
          repo,
          [...repo.pulls.values()].filter((p) => p.issue.state === 'open'),
        );
    }
    return this.store.allRepos().reduce((sum, r) => sum + r.checkRuns.length, 0) - before;
  }

  comments(owner: string, name: string, n: number): StoredComment[] {
    const repo = this.store.repo(owner, name);
    return structuredClone(repo?.issueComments.filter((c) => c.number === n) ?? []);
  }

  threads(owner: string, name: string, n: number): StoredThread[] {
    const repo = this.store.repo(owner, name);
    return structuredClone(repo?.threads.filter((t) => t.number === n) ?? []);
  }

  counters(owner: string, name: string): RepoCounters {
    const repo = this.store.repo(owner, name);
    if (!repo) throw new ControlError(`no repository ${owner}/${name}`, 404);
    const merges: RepoCounters['merges'] = {};
    for (const [n, p] of repo.pulls) merges[n] = { attempts: p.mergeAttempts, merged: p.merged !== undefined };
    const commentsByMarker: RepoCounters['commentsByMarker'] = {};
    for (const c of repo.issueComments) {
      for (const marker of new Set(c.body.match(MARKER) ?? [])) {
        const forIssue = (commentsByMarker[c.number] ??= {});
        forIssue[marker] = (forIssue[marker] ?? 0) + 1;
      }
    }
    return {
      pullsCreatedByHead: Object.fromEntries(repo.pullsCreatedByHead),
      duplicatePullsRefused: repo.duplicatePullsRefused,
      merges,
      commentsByMarker,
    };
  }

  async pull(owner: string, name: string, n: number): Promise<PullSnapshot> {
    const { repo, pull } = this.pullOf(owner, name, n);
    const view = await this.viewer.view(repo, pull);
    return {
      number: n,
      title: pull.issue.title,
      state: pull.issue.state,
      merged: pull.merged !== undefined,
      mergeCommitSha: pull.merged?.sha ?? null,
      draft: pull.draft,
      labels: [...pull.issue.labels],
      head: pull.head,
      headSha: view.headSha,
      base: pull.base,
      baseSha: view.baseSha,
      mergeable: view.mergeable,
      mergeableState: mergeState(view).state,
      conflicts: view.conflicts,
    };
  }
}
