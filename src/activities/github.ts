/**
 * GitHub activities (shared queue): any worker with a token can run them. The client is made
 * once per worker from its own environment; workflow input never carries the token.
 */
import { fileURLToPath } from 'node:url';
import { ApplicationFailure } from '@temporalio/common';
import { buildSummaryComment, summaryMarker, type SummaryInput } from '../domain/pr-brief.js';
import type { PrFacts, PrRef } from '../domain/pull-request.js';
import { createGithubClient, type GithubClient } from '../github/client.js';
import { githubCall } from '../github/errors.js';
import { fetchPrFacts } from '../github/pr-facts.js';
import { scanRepositories, type ScanResult } from '../github/pr-scan.js';
import type { GithubSettings } from '../github/settings.js';
import { answerThreads, postCommentOnce, type AnsweredThread, type ThreadAnswer } from '../github/pr-writes.js';
import { openOrUpdateTaskPr, type OpenedTaskPr } from '../github/pr-open.js';
import type { PrContentInput } from '../domain/pr-content.js';
import { maskSecrets } from '../host/secret-values.js';
import {
  bringUpToDate,
  deleteHeadBranch,
  mergeAt,
  readMergeFacts,
  retarget,
  type MergeFactsRead,
  type MergeResult,
  type UpdateOutcome,
} from '../github/merge-ops.js';
import type { MergeMethod } from '../domain/pr-pipeline.js';

export interface LoadedPullRequest {
  cloneUrl: string;
  headRefName: string;
  headSha: string;
  baseRefName: string;
  title: string;
  state: string;
}

/** A `file://` clone URL (the emulator's bare repositories) becomes a path git and Drover both accept. */
export function cloneTarget(url: string): string {
  return url.startsWith('file://') ? fileURLToPath(url) : url;
}

export function createGithubActivities(settings: GithubSettings | undefined, warn: (line: string) => void) {
  let client: GithubClient | undefined;
  const gh = (): GithubClient => {
    if (!settings)
      throw ApplicationFailure.nonRetryable(
        'this worker has no GitHub settings: set GITHUB_TOKEN (and GITHUB_API_URL for GitHub Enterprise) in its environment',
        'GithubFinal',
      );
    client ??= createGithubClient({
      apiUrl: settings.apiUrl,
      ...(settings.token ? { token: settings.token } : {}),
      warn,
    });
    return client;
  };
  const where = (pr: PrRef): string => `${pr.owner}/${pr.repo}#${pr.number}`;

  return {
    /** The repository's clone URL (a path for the emulator's `file://` ones) and default branch. */
    async loadRepository(input: { owner: string; repo: string }): Promise<{ cloneUrl: string; defaultBranch: string }> {
      return githubCall(`reading ${input.owner}/${input.repo}`, async () => {
        const got = await gh().rest.repos.get({ owner: input.owner, repo: input.repo });
        return { cloneUrl: cloneTarget(got.data.clone_url), defaultBranch: got.data.default_branch };
      });
    },

    /** Opens the task's PR or updates the one it opened (idempotent: looked up by head branch and marker first). */
    async openTaskPr(input: {
      owner: string;
      repo: string;
      content: PrContentInput;
      fallbackBase?: string;
    }): Promise<OpenedTaskPr> {
      return githubCall(`opening the pull request for ${input.content.branch} on ${input.owner}/${input.repo}`, () =>
        openOrUpdateTaskPr(gh(), { ...input, mask: maskSecrets }),
      );
    },

    async loadPullRequest(input: { pr: PrRef }): Promise<LoadedPullRequest> {
      const { pr } = input;
      return githubCall(`reading ${where(pr)}`, async () => {
        const got = await gh().rest.pulls.get({ owner: pr.owner, repo: pr.repo, pull_number: pr.number });
        const repo = got.data.head.repo ?? (await gh().rest.repos.get({ owner: pr.owner, repo: pr.repo })).data;
        return {
          cloneUrl: cloneTarget(repo.clone_url),
          headRefName: got.data.head.ref,
          headSha: got.data.head.sha,
          baseRefName: got.data.base.ref,
          title: got.data.title,
          state: got.data.merged ? 'merged' : got.data.state,
        };
      });
    },

    async readPrFacts(input: { pr: PrRef }): Promise<PrFacts & { commits: string[] }> {
      return githubCall(`reading checks and review threads of ${where(input.pr)}`, () =>
        fetchPrFacts(gh(), input.pr, { threadPageSize: settings?.threadPageSize ?? 50, apiUrl: settings?.apiUrl }),
      );
    },

    async answerReviewThreads(input: {
      pr: PrRef;
      taskId: string;
      sha: string;
      answers: ThreadAnswer[];
    }): Promise<AnsweredThread[]> {
      return githubCall(`answering review threads on ${where(input.pr)}`, () =>
        answerThreads(gh(), input.pr, { ...input, ...(settings ? { apiUrl: settings.apiUrl } : {}) }),
      );
    },

    async scanPullRequests(input: { repos: string[]; pageSize: number }): Promise<ScanResult> {
      return githubCall(`scanning open pull requests of ${input.repos.join(', ')}`, () =>
        scanRepositories(gh(), input.repos, input.pageSize, settings?.apiUrl),
      );
    },

    /** The merge guard's facts: the gate's, plus draft, labels, merge state and the base's protection. */
    async readMergeFacts(input: { pr: PrRef; defaultBranch?: string }): Promise<MergeFactsRead> {
      return githubCall(`reading what the merge guard checks on ${where(input.pr)}`, () =>
        readMergeFacts(gh(), input.pr, {
          threadPageSize: settings?.threadPageSize ?? 50,
          apiUrl: settings?.apiUrl,
          ...(input.defaultBranch ? { defaultBranch: input.defaultBranch } : {}),
        }),
      );
    },

    /** GitHub's update-branch at the expected head, waiting for the new head. */
    async bringPrUpToDate(input: { pr: PrRef; expectedHead: string }): Promise<UpdateOutcome> {
      return githubCall(`bringing ${where(input.pr)} up to date with its base`, () =>
        bringUpToDate(gh(), input.pr, input.expectedHead, (ms) => new Promise((r) => setTimeout(r, ms))),
      );
    },

    async retargetPr(input: { pr: PrRef; base: string }): Promise<{ from: string; changed: boolean }> {
      return githubCall(`retargeting ${where(input.pr)} to ${input.base}`, () => retarget(gh(), input.pr, input.base));
    },

    /** Merges at exactly `head`; a merge already done (a repeat after a worker kill) is reported, not repeated. */
    async mergePr(input: { pr: PrRef; head: string; method: MergeMethod }): Promise<MergeResult> {
      return githubCall(`merging ${where(input.pr)}`, () => mergeAt(gh(), input.pr, input.head, input.method));
    },

    async deleteHeadBranch(input: { owner: string; repo: string; branch: string }): Promise<{ deleted: boolean }> {
      return githubCall(`deleting ${input.branch} on ${input.owner}/${input.repo}`, async () => ({
        deleted: await deleteHeadBranch(gh(), input.owner, input.repo, input.branch),
      }));
    },

    async postPrSummary(input: { pr: PrRef; summary: SummaryInput }): Promise<{ posted: boolean; commentId: number }> {
      const marker = summaryMarker(input.summary.taskId, input.summary.revision);
      return githubCall(`posting the revision summary on ${where(input.pr)}`, () =>
        postCommentOnce(gh(), input.pr, marker, buildSummaryComment(input.summary)),
      );
    },
  };
}

export type GithubActivities = ReturnType<typeof createGithubActivities>;
