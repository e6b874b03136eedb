import { ApplicationFailure } from '@temporalio/common';
import { findTaskPr, prBody, prTitle, type PrContentInput } from '../domain/pr-content.js';
import type { GithubClient } from './client.js';

export interface TaskPrTarget {
  owner: string;
  repo: string;
  content: PrContentInput;
  /** Applied to the title and body last (the worker's secret values). */
  mask: (text: string) => string;
  /** Where a stacked PR opens when its dependency's branch is gone (merged and deleted): the final base. */
  fallbackBase?: string;
}

async function branchExists(gh: GithubClient, owner: string, repo: string, branch: string): Promise<boolean> {
  try {
    await gh.rest.repos.getCommit({ owner, repo, ref: branch });
    return true;
  } catch (error) {
    // GitHub answers a ref that does not exist with 422 ("No commit found"), or 404
    const status = (error as { status?: number }).status;
    if (status === 404 || status === 422) return false;
    throw error;
  }
}

export interface OpenedTaskPr {
  number: number;
  url: string;
  /** The PR's base now. */
  base: string;
  head: string;
  created: boolean;
  /** An open PR of this task existed and its title or body changed. */
  updated: boolean;
}

/** The open PRs on the task's head branch, as `findTaskPr` reads them. */
async function openOnBranch(gh: GithubClient, t: TaskPrTarget) {
  const listed = await gh.rest.pulls.list({
    owner: t.owner,
    repo: t.repo,
    state: 'open',
    head: `${t.owner}:${t.content.branch}`,
    per_page: 100,
  });
  return listed.data.map((p) => ({ number: p.number, headRefName: p.head.ref, state: p.state, body: p.body ?? null }));
}

/**
 * Opens the task's PR, or updates the one already open (docs/pull-requests-pipeline.md): the open
 * PRs on the head branch are looked up first and the one with this task's hidden marker is reused,
 * so a retry or a worker killed after the create never opens a second. A PR on the branch without
 * the marker is a human's: a final error, never adopted. Opened ready for review (the task's own
 * verification already passed).
 */
export async function openOrUpdateTaskPr(gh: GithubClient, t: TaskPrTarget): Promise<OpenedTaskPr> {
  const title = t.mask(prTitle(t.content));
  const body = t.mask(prBody(t.content));
  const { owner, repo } = t;
  const branch = t.content.branch;
  const found = findTaskPr(await openOnBranch(gh, t), branch, t.content.taskId);
  if (found.found !== undefined) {
    const pr = (await gh.rest.pulls.get({ owner, repo, pull_number: found.found })).data;
    const changed = pr.title !== title || (pr.body ?? '') !== body;
    if (changed) await gh.rest.pulls.update({ owner, repo, pull_number: pr.number, title, body });
    return {
      number: pr.number,
      url: pr.html_url,
      base: pr.base.ref,
      head: pr.head.sha,
      created: false,
      updated: changed,
    };
  }
  if (found.foreign.length > 0)
    throw ApplicationFailure.nonRetryable(
      `a pull request not opened by this task is already open for ${branch} (#${found.foreign.join(', #')}); Drover does not adopt or edit it — close it or give the task another branch`,
      'ForeignPullRequest',
    );
  // a stacked PR whose dependency merged (and its branch went) meanwhile opens on the final base
  const fallback = t.fallbackBase && t.fallbackBase !== t.content.base ? t.fallbackBase : undefined;
  const baseGone = async () => fallback !== undefined && !(await branchExists(gh, owner, repo, t.content.base));
  const create = (base: string) => gh.rest.pulls.create({ owner, repo, head: branch, base, title, body, draft: false });
  let made;
  try {
    made = await create((await baseGone()) ? fallback! : t.content.base);
  } catch (error) {
    // the branch was deleted between the look and the create (GitHub: 422)
    if ((error as { status?: number }).status !== 422 || !(await baseGone())) throw error;
    made = await create(fallback!);
  }
  return {
    number: made.data.number,
    url: made.data.html_url,
    base: made.data.base.ref,
    head: made.data.head.sha,
    created: true,
    updated: false,
  };
}
