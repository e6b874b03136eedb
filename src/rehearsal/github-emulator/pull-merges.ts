/**
 * What changes branches in the bare repository on a PR's behalf (REST and GraphQL share these):
 * "update branch" (merge the base into the head, or rebase the head onto it), merging with each
 * method under branch protection, closing the issues the PR names, and deleting a head branch
 * (which retargets the PRs stacked on it, as GitHub does).
 */
import { commitsBetween, mergeInto } from './git-refs.js';
import { commitTree, deleteBranch, moveBranch, replay } from './git-merge.js';
import { closeReferencedIssues } from './issue-closing.js';
import { PullOpError, setState, type PullOps } from './pull-edits.js';
import type { StoredIssue, StoredPull, StoredRepo } from './store.js';
import { mergeState } from './store-protection.js';
import { touch } from './store-pulls.js';

const needsBare = (repo: StoredRepo): string => {
  if (!repo.bare) throw new PullOpError(404, 'Not Found');
  return repo.bare;
};

/** `PUT /pulls/{n}/update-branch` and `updatePullRequestBranch`; returns the new head SHA. */
export async function updateBranch(
  ops: PullOps,
  repo: StoredRepo,
  pull: StoredPull,
  opts: { expectedHeadSha?: string; method?: 'merge' | 'rebase' },
): Promise<string> {
  const bare = needsBare(repo);
  if (pull.issue.state !== 'open') throw new PullOpError(422, 'Pull request is closed.');
  const view = await ops.viewer.view(repo, pull);
  if (!view.headSha || !view.baseSha) throw new PullOpError(422, 'Head or base branch does not exist.');
  if (opts.expectedHeadSha !== undefined && opts.expectedHeadSha !== view.headSha)
    throw new PullOpError(422, "expected head sha didn't match current head ref.");
  if (view.behind === false) throw new PullOpError(422, 'There are no new commits on the base branch.');
  let sha: string;
  if (opts.method === 'rebase') {
    const rebased = await replay(bare, { head: view.headSha, upstream: view.baseSha, onto: view.baseSha });
    if (!rebased.ok) throw new PullOpError(422, 'merge conflict between base and head');
    sha = rebased.sha;
  } else {
    const check = await ops.viewer.mergeCheck(bare, view.baseSha, view.headSha);
    if (!check.clean) throw new PullOpError(422, 'merge conflict between base and head');
    sha = await commitTree(
      bare,
      check.tree,
      [view.headSha, view.baseSha],
      `Merge branch '${pull.base}' into ${pull.head}`,
    );
  }
  if (!(await moveBranch(bare, pull.head, sha, view.headSha)))
    throw new PullOpError(422, "expected head sha didn't match current head ref.");
  touch(ops.store, pull);
  return sha;
}

export type MergeMethod = 'merge' | 'squash' | 'rebase';

export interface MergeRequest {
  method: MergeMethod;
  /** The head the caller reviewed (REST `sha`, GraphQL `expectedHeadOid`). */
  sha?: string;
  title?: string;
  message?: string;
}

export interface MergeDone {
  sha: string;
  closedIssues: StoredIssue[];
  deletedHead: boolean;
}

/** Merges as GitHub does, or throws its refusal: 405 not mergeable / protection, 409 head moved or base moved. */
export async function mergePull(
  ops: PullOps,
  repo: StoredRepo,
  pull: StoredPull,
  req: MergeRequest,
): Promise<MergeDone> {
  pull.mergeAttempts += 1;
  if (pull.merged || pull.issue.state !== 'open') throw new PullOpError(405, 'Pull Request is not mergeable');
  const view = await ops.viewer.view(repo, pull);
  if (req.sha !== undefined && req.sha !== view.headSha)
    throw new PullOpError(409, 'Head branch was modified. Review and try the merge again.');
  if (pull.draft || view.mergeable !== true || !repo.bare || !view.headSha || !view.baseSha)
    throw new PullOpError(405, 'Pull Request is not mergeable');
  const state = mergeState(view);
  if (state.refusal) throw new PullOpError(405, state.refusal);
  const n = pull.issue.number;
  const commits = await commitsBetween(repo.bare, view.baseSha, view.headSha);
  let sha: string;
  if (req.method === 'rebase') {
    const rebased = await replay(repo.bare, { head: view.headSha, upstream: view.baseSha, onto: view.baseSha });
    if (!rebased.ok) throw new PullOpError(405, "This branch can't be rebased");
    if (!(await moveBranch(repo.bare, pull.base, rebased.sha, view.baseSha)))
      throw new PullOpError(409, 'Base branch was modified. Review and try the merge again.');
    sha = rebased.sha;
  } else {
    const check = await ops.viewer.mergeCheck(repo.bare, view.baseSha, view.headSha);
    if (!check.clean) throw new PullOpError(405, 'Pull Request is not mergeable');
    const squash = req.method === 'squash';
    const title =
      req.title ??
      (squash ? `${pull.issue.title} (#${n})` : `Merge pull request #${n} from ${repo.owner}/${pull.head}`);
    const extra = req.message ?? (squash ? commits.map((c) => `* ${c.message}`).join('\n\n') : pull.issue.title);
    try {
      sha = await mergeInto(repo.bare, {
        branch: pull.base,
        expected: view.baseSha,
        head: view.headSha,
        tree: check.tree,
        message: extra ? `${title}\n\n${extra}` : title,
        squash,
      });
    } catch (error) {
      throw new PullOpError(
        409,
        `Base branch was modified. Review and try the merge again. (${(error as Error).message})`,
      );
    }
  }
  const at = ops.store.stamp();
  pull.merged = { sha, at, by: ops.login, baseSha: view.baseSha, headSha: view.headSha };
  setState(ops.store, pull, 'closed');
  pull.updatedAt = at;
  const closedIssues = closeReferencedIssues(ops.store, repo, pull.base, [
    pull.issue.body ?? '',
    ...commits.map((c) => c.message),
    req.message ?? '',
  ]);
  const deletedHead =
    repo.deleteBranchOnMerge && pull.head !== repo.defaultBranch
      ? await deleteHead(ops, repo, pull.head).then(
          () => true,
          () => false,
        )
      : false;
  return { sha, closedIssues, deletedHead };
}

/**
 * `DELETE /git/refs/heads/{branch}` (and delete-on-merge): removes the branch; open PRs based on
 * it are retargeted to the base of the merged PR whose head it was, and open PRs from it close.
 */
export async function deleteHead(
  ops: PullOps,
  repo: StoredRepo,
  branch: string,
): Promise<{ retargeted: number[]; closed: number[] }> {
  const bare = needsBare(repo);
  if (!(await deleteBranch(bare, branch))) throw new PullOpError(422, 'Reference does not exist');
  const mergedFrom = [...repo.pulls.values()]
    .filter((p) => p.merged && p.head === branch)
    .sort((a, b) => b.issue.number - a.issue.number)[0];
  const retargeted: number[] = [];
  const closed: number[] = [];
  for (const p of repo.pulls.values()) {
    if (p.issue.state !== 'open') continue;
    if (p.base === branch && mergedFrom) {
      p.base = mergedFrom.base;
      touch(ops.store, p);
      retargeted.push(p.issue.number);
    } else if (p.head === branch || p.base === branch) {
      setState(ops.store, p, 'closed');
      touch(ops.store, p);
      closed.push(p.issue.number);
    }
  }
  return { retargeted, closed };
}
